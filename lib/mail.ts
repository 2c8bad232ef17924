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
