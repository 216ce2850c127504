// User accounts: creation (CLI, first start, tests) and the lookups the auth flow needs.
import type { Queryable } from "../../db/port.ts";
import { hashPassword } from "./password.ts";
import type { Role } from "./jwt.ts";
import { forgetAccount } from "./account_cache.ts";

export interface UserRow {
  id: number;
  tenant_id: number;
  email: string;
  role: Role;
  password_hash: string | null;
  theme: "light" | "dark" | "system";
  tokens_valid_after: Date;
  active: boolean;
  must_change_password: boolean;
}

export async function createUser(
  db: Queryable,
  input: { tenantId: number; email: string; role: Role; password: string; mustChange?: boolean; iterations?: number },
): Promise<number> {
  const hash = await hashPassword(input.password, input.iterations);
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO users (tenant_id, email, role, password_hash, must_change_password)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [input.tenantId, input.email.trim().toLowerCase(), input.role, hash, input.mustChange ?? false],
  );
  return row.id;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(
    `SELECT u.id, u.tenant_id, u.email, u.role, u.password_hash, u.theme, u.tokens_valid_after,
            u.active AND t.active AS active, u.must_change_password
       FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE lower(u.email) = lower($1)`,
    [email.trim()],
  );
  return row;
}

export async function findUserById(db: Queryable, id: number): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(
    `SELECT u.id, u.tenant_id, u.email, u.role, u.password_hash, u.theme, u.tokens_valid_after,
            u.active AND t.active AS active, u.must_change_password
       FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1`,
    [id],
  );
  return row;
}

/** Revokes every token of the user issued before now (logout, password change). */
export async function revokeTokens(db: Queryable, userId: number, now = new Date()) {
  await db.query("UPDATE users SET tokens_valid_after = $2, updated_at = now() WHERE id = $1", [userId, now]);
  forgetAccount(db, userId);
}

/** Sets a new password, clears the must-change flag and revokes every token issued before `now`. */
export async function setPassword(db: Queryable, userId: number, password: string, now = new Date()) {
  const hash = await hashPassword(password);
  await db.query(
    `UPDATE users SET password_hash = $2, must_change_password = false, tokens_valid_after = $3, updated_at = now()
      WHERE id = $1`,
    [userId, hash, now],
  );
  forgetAccount(db, userId);
}
