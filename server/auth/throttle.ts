// Login throttling shared by every instance (rows in login_throttle). Three counters, so an attacker can slow
// guessing without being able to lock a real user out (no lockout DoS):
//  - per account+IP: exponential back-off after 5 failures (1 s doubling to 15 min) — stops guessing from one place;
//  - per IP: 30 failures in 15 min block that IP for the rest of the window — stops spraying many accounts;
//  - per account from anywhere: 100 failures in 15 min add a 60 s pause — slows distributed guessing but never
//    locks the account for long. A success clears the account+IP counter.
import type { Queryable } from "../../db/port.ts";

const WINDOW_MS = 15 * 60_000;

interface Rule {
  key: string;
  freeFailures: number;
  blockMs: (failures: number) => number;
}

function rules(email: string, ip: string): Rule[] {
  const acct = email.trim().toLowerCase();
  return [
    {
      key: `pair:${acct}|${ip}`,
      freeFailures: 5,
      blockMs: (f) => Math.min(1000 * 2 ** (f - 5), WINDOW_MS),
    },
    { key: `ip:${ip}`, freeFailures: 30, blockMs: () => WINDOW_MS },
    { key: `acct:${acct}`, freeFailures: 100, blockMs: () => 60_000 },
  ];
}

/** Milliseconds the caller must wait before another attempt (0 = go ahead). */
export async function loginWaitMs(db: Queryable, email: string, ip: string, now = new Date()): Promise<number> {
  const keys = rules(email, ip).map((r) => r.key);
  const rows = await db.query<{ blocked_until: Date | null }>(
    "SELECT blocked_until FROM login_throttle WHERE key = ANY($1) AND blocked_until > $2",
    [keys, now],
  );
  return rows.reduce((max, r) => Math.max(max, r.blocked_until!.getTime() - now.getTime()), 0);
}

export async function recordLoginFailure(db: Queryable, email: string, ip: string, now = new Date()) {
  for (const rule of rules(email, ip)) {
    const [row] = await db.query<{ failures: number }>(
      `INSERT INTO login_throttle (key, failures, window_started_at) VALUES ($1, 1, $2)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN login_throttle.window_started_at < $3 THEN 1 ELSE login_throttle.failures + 1 END,
         window_started_at = CASE WHEN login_throttle.window_started_at < $3 THEN $2
                                  ELSE login_throttle.window_started_at END
       RETURNING failures`,
      [rule.key, now, new Date(now.getTime() - WINDOW_MS)],
    );
    if (row.failures > rule.freeFailures) {
      await db.query("UPDATE login_throttle SET blocked_until = $2 WHERE key = $1", [
        rule.key,
        new Date(now.getTime() + rule.blockMs(row.failures)),
      ]);
    }
  }
}

export async function recordLoginSuccess(db: Queryable, email: string, ip: string) {
  await db.query("DELETE FROM login_throttle WHERE key = $1", [rules(email, ip)[0].key]);
}
