// Versioned migrations: db/migrations/NNNN_name.sql, applied in order inside one transaction under an advisory
// lock (so two instances starting together do not race), each recorded with a SHA-256 checksum so an edited
// migration that already ran is refused instead of silently diverging.
import type { Db } from "./port.ts";

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATION_LOCK = 0x51_1ce_001;
const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export class MigrationError extends Error {
  override name = "MigrationError";
}

export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function loadMigrations(dir = new URL("./migrations/", import.meta.url)): Promise<Migration[]> {
  const out: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const m = FILE.exec(entry.name);
    if (!entry.isFile || !m) continue;
    const sql = await Deno.readTextFile(new URL(entry.name, dir));
    out.push({ version: Number(m[1]), name: m[2], sql, checksum: await sha256(sql) });
  }
  out.sort((a, b) => a.version - b.version);
  for (let i = 1; i < out.length; i++) {
    if (out[i].version === out[i - 1].version) {
      throw new MigrationError(`two migrations share version ${out[i].version}`);
    }
  }
  return out;
}

/** Applies pending migrations; returns the versions applied by this call. */
export async function migrate(db: Db, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? await loadMigrations();
  return await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Map(
      (await tx.query<{ version: number; name: string; checksum: string }>(
        "SELECT version, name, checksum FROM schema_migrations",
      )).map((r) => [r.version, r]),
    );
    const applied: number[] = [];
    for (const m of all) {
      const prior = done.get(m.version);
      if (prior) {
        if (prior.checksum !== m.checksum) {
          throw new MigrationError(
            `migration ${String(m.version).padStart(4, "0")}_${m.name}.sql was changed after it was applied ` +
              `(checksum ${m.checksum.slice(0, 12)} ≠ recorded ${prior.checksum.slice(0, 12)}); ` +
              `restore the original file and put the change in a new migration`,
          );
        }
        continue;
      }
      await tx.exec(m.sql);
      await tx.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
        m.version,
        m.name,
        m.checksum,
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}

/** For /readyz: every known migration is recorded. */
export async function pendingMigrations(db: Db): Promise<number> {
  const all = await loadMigrations();
  try {
    const rows = await db.query<{ version: number }>("SELECT version FROM schema_migrations");
    const have = new Set(rows.map((r) => r.version));
    return all.filter((m) => !have.has(m.version)).length;
  } catch {
    return all.length;
  }
}
