// Signed-in accounts in memory. Every authenticated request needs the account behind its token (still active, same
// tenant and role, not logged out since) and every page its theme and tenant; reading that row per request was one
// of the two database round trips of a small API call. Rows stay cached until a change is announced: a trigger on
// users and tenants (migration 0090) notifies channel `sluice_accounts` after any UPDATE or DELETE, from any
// instance, the CLI or plain SQL, and this process's own revocations drop the row synchronously (forgetAccount) so
// a logout is never outrun by its notification. A time limit bounds staleness if a notification is ever lost (a
// reconnecting LISTEN connection). Until the subscription is confirmed, nothing is cached.
import type { Db, Queryable } from "../../db/port.ts";
import type { Role } from "./jwt.ts";
import { log } from "../../lib/log.ts";
import { perDatabase } from "../../db/per_database.ts";

export const ACCOUNT_CHANNEL = "sluice_accounts";
/** Upper bound on how long a row is trusted without a notification. */
export const ACCOUNT_TTL_MS = 10_000;
const MAX_ROWS = 10_000;

export interface Account {
  id: number;
  tenant_id: number;
  email: string;
  role: Role;
  tokens_valid_after: Date;
  active: boolean;
  must_change_password: boolean;
  theme: string;
  tenant_name: string;
  tenant_logo_url: string | null;
}

const ACCOUNT_SQL = `SELECT u.id, u.tenant_id, u.email, u.role, u.tokens_valid_after, u.active AND t.active AS active,
       u.must_change_password, u.theme, t.name AS tenant_name, t.logo_url AS tenant_logo_url
  FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1`;

class AccountCache {
  #rows = new Map<number, { account: Account; at: number }>();
  /** Bumped by every change: a lookup that overlapped one does not store what it read. */
  #generation = 0;
  #ready = false;
  /** Resolves once changes are followed (true) or cannot be (false); until then every lookup reads. */
  readonly subscribed: Promise<boolean>;

  constructor(private db: Db) {
    this.subscribed = db.listen(ACCOUNT_CHANNEL, (payload) => this.#changed(payload)).then(
      () => (this.#ready = true),
      (e) => {
        log.warn("account changes cannot be followed; accounts are read on every request", { error: String(e) });
        return false;
      },
    );
  }

  async get(userId: number, now = Date.now()): Promise<Account | undefined> {
    const hit = this.#rows.get(userId);
    if (hit && now - hit.at < ACCOUNT_TTL_MS) return hit.account;
    const generation = this.#generation;
    const [row] = await this.db.query<Account>(ACCOUNT_SQL, [userId]);
    if (row && this.#ready && generation === this.#generation) {
      if (this.#rows.size >= MAX_ROWS) this.#rows.delete(this.#rows.keys().next().value!);
      this.#rows.set(userId, { account: row, at: now });
    }
    return row;
  }

  forget(userId?: number) {
    this.#generation++;
    if (userId === undefined) this.#rows.clear();
    else this.#rows.delete(userId);
  }

  #changed(payload: string) {
    const [table, id] = payload.split(":");
    // a tenant change (deactivation, name, logo) concerns all of its users: start over
    this.forget(table === "users" ? Number(id) : undefined);
  }
}

const caches = perDatabase((db) => new AccountCache(db));

/** The account cache of a database (created, and subscribed to changes, on first use). */
export function accountCache(db: Db): AccountCache {
  return caches.of(db);
}

/** Drops a user's cached row right after this process changed it (no-op for a transaction or an uncached db). */
export function forgetAccount(db: Queryable, userId: number) {
  caches.existing(db)?.forget(userId);
}
