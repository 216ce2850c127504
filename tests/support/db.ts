// Test databases: every test gets its own database (a fresh PostgreSQL database when DATABASE_URL is set, an
// in-memory PGlite otherwise or in addition), so tests never see each other's rows and can run side by side. Both
// start from a prepared copy of the schema (db_templates.ts); migrate() still runs on it and finds nothing to do,
// which checks the copy is the current schema.
import type { Db } from "../../db/port.ts";
import { connectPostgres } from "../../db/postgres.ts";
import { migrate } from "../../db/migrate.ts";
import { createMigratedPostgres, databaseUrl, openTestPglite } from "./db_templates.ts";

export type AdapterKind = "postgres" | "pglite";

export const DATABASE_URL = Deno.env.get("DATABASE_URL");
export const AMQP_URL = Deno.env.get("AMQP_URL");

/** The adapters available on this machine: PGlite always, PostgreSQL when DATABASE_URL is set. */
export function adapterKinds(): AdapterKind[] {
  return DATABASE_URL ? ["postgres", "pglite"] : ["pglite"];
}

export interface TestDb {
  db: Db;
  /** Connection URL of the fresh PostgreSQL database (postgres only), for child processes. */
  url?: string;
  close(): Promise<void>;
}

export async function createTestDb(kind: AdapterKind, options: { migrate?: boolean } = {}): Promise<TestDb> {
  const migrated = options.migrate !== false;
  let result: TestDb;
  if (kind === "pglite") {
    const db = await openTestPglite(migrated);
    result = { db, close: () => db.close() };
  } else {
    if (!DATABASE_URL) throw new Error("DATABASE_URL is not set");
    const name = `sluice_t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const admin = connectPostgres(DATABASE_URL, { max: 1 });
    // migrate: false asks for an empty database, which a plain CREATE DATABASE is
    if (migrated) await createMigratedPostgres(admin, DATABASE_URL, name);
    else await admin.query(`CREATE DATABASE ${name}`);
    const url = databaseUrl(DATABASE_URL, name);
    const db = connectPostgres(url, { max: 10 });
    result = {
      db,
      url,
      close: async () => {
        await db.close();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.close();
      },
    };
  }
  if (migrated) await migrate(result.db);
  return result;
}

/** Runs fn against a fresh migrated database and always cleans up. */
export async function withTestDb<T>(kind: AdapterKind, fn: (db: Db, t: TestDb) => Promise<T>): Promise<T> {
  const t = await createTestDb(kind);
  try {
    return await fn(t.db, t);
  } finally {
    await t.close();
  }
}

/** Deno.test options that mark a postgres-only test skipped (with a reason in the name) when there is no server. */
export function needsPostgres(name: string): { name: string; ignore: boolean } {
  return DATABASE_URL ? { name, ignore: false } : { name: `${name} [skipped: DATABASE_URL not set]`, ignore: true };
}

/** The adapter API-level tests run on: the real server when available, otherwise the embedded one. */
export function primaryKind(): AdapterKind {
  return DATABASE_URL ? "postgres" : "pglite";
}
