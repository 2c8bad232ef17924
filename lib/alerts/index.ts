import "server-only";
import { getClient } from "@/db";
import type { Standing } from "@/lib/budgets/types";
import { budgetWindows } from "@/lib/budgets/windows";
import { mailEnabled, sendBudgetAlertMail } from "@/lib/mail";
import { shared } from "@/lib/shared";
import { nowIso } from "@/lib/time";
import { alertDue, usedPct } from "./rule";
import type { AlertCheck, Caller } from "./types";

// Budget alerts (SPEC §3): one e-mail per user and window, on every instance together. The call hands
// over where its user stands once it is settled and goes on without waiting; from here on nothing can
// delay or fail it. Exactly once: each due window is claimed with INSERT OR IGNORE into budget_alerts
// (primary key user and window), and only the instance whose insert wrote the row sends. A failed send
// is retried a few times in this process, each failure recorded in the row and logged.

export type { AlertCheck };

/** Delays before the 2nd and 3rd attempt: three attempts over about a minute. */
const RETRY_DELAYS_MS = [15_000, 45_000];
/** Windows this process has already claimed or seen claimed, so that later calls skip the insert. */
const MEMO_LIMIT = 10_000;

const state = () => shared("alerts", () => ({ claimed: new Set<string>(), toldOff: false }));

/** Called (not awaited) from the call's finish, after the settlement. Never throws, never rejects. */
export function checkAlerts(check: AlertCheck): void {
  void run(check).catch((e) => console.error(`[alerts] check for user ${check.caller.userId} failed:`, e));
}

async function run({ caller, at, standing, tokens }: AlertCheck) {
  // Records cached before alerts existed lack the fields: off until their next fill.
  if (!caller.alertEnabled) return;
  const pct = caller.alertThresholdPct ?? 80;
  const due = standing.filter((w) => alertDue(w, pct, tokens));
  if (due.length === 0) return;
  const s = state();
  if (!mailEnabled()) {
    if (!s.toldOff) console.warn("[alerts] a budget alert is due but SMTP is not configured (SMTP_HOST): budget alerts are off.");
    s.toldOff = true;
    return;
  }
  const windows = budgetWindows(caller, at);
  for (const w of due) {
    const window = windows.find((x) => x.kind === w.kind);
    if (!window) continue;
    const memo = `${caller.userId}|${window.id}`;
    if (s.claimed.has(memo)) continue;
    if (s.claimed.size >= MEMO_LIMIT) s.claimed.clear();
    s.claimed.add(memo);
    const claim = await getClient()
      .execute({
        sql: `INSERT OR IGNORE INTO budget_alerts (user_id, window_key, threshold_pct, used_tokens, limit_tokens, created_at)
              VALUES (?, ?, ?, ?, ?, ?)`,
        args: [caller.userId, window.id, pct, w.used, w.limit!, nowIso()],
      })
      .catch((e) => {
        s.claimed.delete(memo); // not claimed: a later call tries again
        throw e;
      });
    // Another call (on this instance or another) claimed this window first: it sends.
    if (claim.rowsAffected !== 1) continue;
    void deliver(caller, window.id, { ...w, limit: w.limit! }, 1);
  }
}

/** One attempt at the mail of a claimed window; on failure, recorded, logged and tried again later. */
async function deliver(caller: Caller, windowKey: string, w: Standing & { limit: number }, attempt: number): Promise<void> {
  const client = getClient();
  try {
    const { rows } = await client.execute({ sql: "SELECT email, alert_email, username, display_name FROM users WHERE id = ?", args: [caller.userId] });
    const user = rows[0];
    if (!user) return; // deleted meanwhile: nobody to tell
    await sendBudgetAlertMail({
      to: String(user.alert_email ?? user.email),
      name: String(user.display_name ?? user.username),
      kind: w.kind,
      pct: usedPct(w.used, w.limit),
      used: w.used,
      limit: w.limit,
      resetsAt: w.resetsAt,
      oneTime: caller.budgetType === "one_time",
    });
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    const last = attempt > RETRY_DELAYS_MS.length;
    console.error(`[alerts] budget alert for user ${caller.userId} (${windowKey}), attempt ${attempt} failed${last ? ", giving up" : ""}: ${message}`);
    await client
      .execute({
        sql: "UPDATE budget_alerts SET attempts = ?, last_error = ? WHERE user_id = ? AND window_key = ? AND sent_at IS NULL",
        args: [attempt, message.slice(0, 500), caller.userId, windowKey],
      })
      .catch((err) => console.error("[alerts] could not record the failed attempt:", err));
    if (!last) setTimeout(() => void deliver(caller, windowKey, w, attempt + 1), RETRY_DELAYS_MS[attempt - 1]).unref();
    return;
  }
  // Sent: recorded apart from the sending, so that a failure to record never sends it twice.
  const sentAt = nowIso();
  await client
    .batch(
      [
        { sql: "UPDATE budget_alerts SET sent_at = ?, attempts = ?, last_error = NULL WHERE user_id = ? AND window_key = ?", args: [sentAt, attempt, caller.userId, windowKey] },
        { sql: "UPDATE users SET last_alert_sent_at = ? WHERE id = ?", args: [sentAt, caller.userId] },
      ],
      "write",
    )
    .catch((err) => console.error(`[alerts] budget alert for user ${caller.userId} (${windowKey}) was sent but could not be recorded:`, err));
}
