// First start: secrets and the first account. In pure embedded mode JWT_SECRET / SLUICE_SECRET_KEY are generated
// once and kept in the data dir (0600); with real services they must come from the environment (config enforces
// it). When the database has no user yet, tenant "Default" and an admin with a one-time password are created and
// the password is printed once on the console — never to the log.
import { join } from "node:path";
import type { Config } from "./config.ts";
import type { Db } from "../db/port.ts";
import type { Keys } from "./context.ts";
import { deriveDataKey, randomSecret } from "./secrets.ts";
import { jwtKey } from "./auth/jwt.ts";
import { createTenant } from "../db/seed.ts";
import { createUser } from "./auth/users.ts";
import { log } from "../lib/log.ts";

interface StoredSecrets {
  JWT_SECRET: string;
  SLUICE_SECRET_KEY: string;
}

export async function loadSecrets(config: Config): Promise<StoredSecrets> {
  if (config.JWT_SECRET && config.SLUICE_SECRET_KEY) {
    return { JWT_SECRET: config.JWT_SECRET, SLUICE_SECRET_KEY: config.SLUICE_SECRET_KEY };
  }
  const file = join(config.SLUICE_DATA_DIR, "secrets.json");
  let stored: Partial<StoredSecrets> = {};
  try {
    stored = JSON.parse(await Deno.readTextFile(file));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  const secrets: StoredSecrets = {
    JWT_SECRET: config.JWT_SECRET ?? stored.JWT_SECRET ?? randomSecret(),
    SLUICE_SECRET_KEY: config.SLUICE_SECRET_KEY ?? stored.SLUICE_SECRET_KEY ?? randomSecret(),
  };
  if (secrets.JWT_SECRET !== stored.JWT_SECRET || secrets.SLUICE_SECRET_KEY !== stored.SLUICE_SECRET_KEY) {
    await Deno.mkdir(config.SLUICE_DATA_DIR, { recursive: true, mode: 0o700 });
    await Deno.writeTextFile(file, JSON.stringify(secrets), { mode: 0o600 });
    log.info("generated secrets", { file });
  }
  return secrets;
}

export async function deriveKeys(secrets: StoredSecrets): Promise<Keys> {
  return { jwt: jwtKey(secrets.JWT_SECRET), data: await deriveDataKey(secrets.SLUICE_SECRET_KEY) };
}

export const FIRST_ADMIN_EMAIL = "admin@sluice.local";

/** Creates tenant "Default" and its admin when there is no user at all; returns the one-time password. */
export async function ensureFirstAdmin(db: Db): Promise<{ email: string; password: string } | null> {
  return await db.transaction(async (tx) => {
    // serialize concurrent first starts of several instances
    await tx.query("SELECT pg_advisory_xact_lock($1)", [0x51_1ce_002]);
    const [{ n }] = await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
    if (n > 0) return null;
    const tenantId = await createTenant(tx, "Default");
    const password = randomSecret(15);
    await createUser(tx, { tenantId, email: FIRST_ADMIN_EMAIL, role: "admin", password, mustChange: true });
    return { email: FIRST_ADMIN_EMAIL, password };
  });
}
