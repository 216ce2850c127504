// Login throttling shared by every instance (rows in login_throttle). Each attempt is counted atomically BEFORE
// the password is checked, so a burst of parallel guesses cannot all slip past the check; a success gives the
// attempt back. Three counters:
//  - per account+IP: 5 free attempts, then exponential back-off (1 s doubling to 15 min);
//  - per IP: 30 attempts in 15 min, then that IP waits out the window (stops spraying many accounts);
//  - per account from anywhere: 100 attempts in 15 min add a 60 s pause — but only for clients that have failed
//    on this account themselves, so nobody can lock a real user out from elsewhere (no lockout DoS).
import type { Queryable } from "../../db/port.ts";

const WINDOW_MS = 15 * 60_000;

interface Rule {
  key: string;
  freeAttempts: number;
  blockMs: (attempts: number) => number;
  /** Applies only when the caller's own account+IP counter already has failures. */
  onlyAfterOwnFailures?: boolean;
}

function rules(email: string, ip: string): Rule[] {
  const acct = email.trim().toLowerCase();
  return [
    { key: `pair:${acct}|${ip}`, freeAttempts: 5, blockMs: (n) => Math.min(1000 * 2 ** (n - 6), WINDOW_MS) },
    { key: `ip:${ip}`, freeAttempts: 30, blockMs: () => WINDOW_MS },
    { key: `acct:${acct}`, freeAttempts: 100, blockMs: () => 60_000, onlyAfterOwnFailures: true },
  ];
}

interface Counter {
  failures: number;
  blocked_until: Date | null;
}

async function bump(db: Queryable, key: string, now: Date): Promise<Counter> {
  const [row] = await db.query<Counter>(
    `INSERT INTO login_throttle (key, failures, window_started_at) VALUES ($1, 1, $2)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN login_throttle.window_started_at < $3 THEN 1 ELSE login_throttle.failures + 1 END,
       window_started_at = CASE WHEN login_throttle.window_started_at < $3 THEN $2
                                ELSE login_throttle.window_started_at END,
       blocked_until = CASE WHEN login_throttle.window_started_at < $3 THEN NULL
                            ELSE login_throttle.blocked_until END
     RETURNING failures, blocked_until`,
    [key, now, new Date(now.getTime() - WINDOW_MS)],
  );
  return row;
}

/**
 * Counts one login attempt and says whether it may proceed. Returns 0 to go ahead (the password may be
 * checked), or the milliseconds to wait (the attempt is refused without checking the password).
 */
export async function claimLoginAttempt(db: Queryable, email: string, ip: string, now = new Date()): Promise<number> {
  const all = rules(email, ip);
  const pair = await bump(db, all[0].key, now);
  const ownFailures = pair.failures - 1;
  let wait = 0;
  for (const [i, rule] of all.entries()) {
    // every attempt is counted; the account-wide limit is only enforced on clients that failed here themselves
    const counter = i === 0 ? pair : await bump(db, rule.key, now);
    if (rule.onlyAfterOwnFailures && ownFailures === 0) continue;
    const blockedFor = counter.blocked_until ? counter.blocked_until.getTime() - now.getTime() : 0;
    if (blockedFor > 0) {
      wait = Math.max(wait, blockedFor);
    } else if (counter.failures > rule.freeAttempts) {
      const ms = rule.blockMs(counter.failures);
      await db.query("UPDATE login_throttle SET blocked_until = $2 WHERE key = $1", [
        rule.key,
        new Date(now.getTime() + ms),
      ]);
      wait = Math.max(wait, ms);
    }
  }
  return wait;
}

/** A correct password: clear this client's account+IP counter and give the attempt back to the others. */
export async function recordLoginSuccess(db: Queryable, email: string, ip: string) {
  const [pair, ...others] = rules(email, ip);
  await db.query("DELETE FROM login_throttle WHERE key = $1", [pair.key]);
  await db.query("UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = ANY($1)", [
    others.map((r) => r.key),
  ]);
}
