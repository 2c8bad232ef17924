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
