import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { config } from "@/lib/config";
import { shared } from "@/lib/shared";

// E-mail over SMTP (SPEC §6). Without SMTP_HOST it is off: the UI says so and nothing is sent.

export function mailEnabled(): boolean {
  return config().smtp !== undefined;
}

function transport(): Transporter {
  const smtp = config().smtp;
  if (!smtp) throw new Error("SMTP is not configured");
  return shared("mail", () =>
    nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? "" } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    }),
  );
}

type Mail = { to: string; subject: string; text: string };

async function send(mail: Mail) {
  await transport().sendMail({ from: config().smtp!.from, ...mail });
}

/** The welcome mail: login name and portal URL; the password only when the admin asked to include it. */
export function welcomeMail(user: { username: string; email: string; displayName: string | null }, password?: string): Mail {
  const { appUrl } = config();
  const lines = [
    `Hello ${user.displayName ?? user.username},`,
    "",
    "an account has been created for you on Tollgate.",
    "",
    `Sign in at: ${appUrl}/login`,
    `Username:   ${user.username}`,
    ...(password ? [`Temporary password: ${password}`, "", "You will be asked to choose your own password at first sign-in."] : []),
    "",
    "If you did not expect this e-mail, you can ignore it.",
  ];
  return { to: user.email, subject: "Your Tollgate account", text: lines.join("\n") };
}

export async function sendWelcomeMail(user: Parameters<typeof welcomeMail>[0], password?: string) {
  await send(welcomeMail(user, password));
}

/** A budget alert: which window, how much of it is used, and when it starts afresh. */
export function budgetAlertMail(a: {
  to: string;
  name: string;
  kind: "daily" | "monthly" | "total";
  pct: number;
  used: number;
  limit: number;
  resetsAt: string | null;
  oneTime: boolean;
}): Mail {
  const { appUrl } = config();
  const what = a.kind === "monthly" && a.oneTime ? "one-time" : a.kind;
  const n = (v: number) => v.toLocaleString("en-US");
  const lines = [
    `Hello ${a.name},`,
    "",
    `you have used ${a.pct} % of your ${what} token budget on Tollgate.`,
    "",
    `Used:   ${n(a.used)} tokens`,
    `Limit:  ${n(a.limit)} tokens`,
    a.resetsAt ? `Resets: ${a.resetsAt.replace("T", " ").replace(/\.\d+Z$/, " UTC")}` : "Resets: never (it does not start afresh by itself)",
    "",
    "Calls that would go past the limit are refused until then.",
    `Your portal: ${appUrl}/user/dashboard`,
  ];
  return { to: a.to, subject: `Tollgate: ${a.pct} % of your ${what} token budget used`, text: lines.join("\n") };
}

export async function sendBudgetAlertMail(a: Parameters<typeof budgetAlertMail>[0]) {
  await send(budgetAlertMail(a));
}

/** To the old address after an e-mail change: what changed, and what to do if it was not them. */
export function emailChangedMail(a: { to: string; name: string; username: string; newEmail: string }): Mail {
  const { appUrl } = config();
  const lines = [
    `Hello ${a.name},`,
    "",
    `the e-mail address of your Tollgate account "${a.username}" was changed to ${a.newEmail}.`,
    "Messages from Tollgate go to the new address from now on.",
    "",
    "If you did not make this change, tell your administrator at once: someone may be using your account.",
    `Tollgate: ${appUrl}/login`,
  ];
  return { to: a.to, subject: "Your Tollgate e-mail address was changed", text: lines.join("\n") };
}

export async function sendEmailChangedMail(a: Parameters<typeof emailChangedMail>[0]) {
  await send(emailChangedMail(a));
}

/** The password reset link: valid for an hour, once. The token travels only in this link. */
export function passwordResetMail(a: { to: string; name: string; username: string; token: string; validMinutes: number }): Mail {
  const { appUrl } = config();
  const lines = [
    `Hello ${a.name},`,
    "",
    `someone (hopefully you) asked to reset the password of your Tollgate account "${a.username}".`,
    "",
    "Choose a new password here:",
    `${appUrl}/user/reset-password?token=${a.token}`,
    "",
    `The link works once, for ${a.validMinutes} minutes. Setting a new password signs you out everywhere.`,
    "If you did not ask for this, ignore this e-mail: your password stays as it is.",
  ];
  return { to: a.to, subject: "Reset your Tollgate password", text: lines.join("\n") };
}

export async function sendPasswordResetMail(a: Parameters<typeof passwordResetMail>[0]) {
  await send(passwordResetMail(a));
}
