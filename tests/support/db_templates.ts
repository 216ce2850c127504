// Starting points for test databases, so a test does not pay for the whole schema again. Running every migration
// into a new PostgreSQL database took ~0.4–1 s a test, and a new in-memory PGlite (its initdb, then the migrations)
// ~2.5–3.5 s; with a few thousand test databases per suite that was most of CI's time.
//
// - PostgreSQL: the migrations run once into a template database named after a hash of the migration files, and
//   each test database is a copy of it (CREATE DATABASE … TEMPLATE, a file-level copy).
// - PGlite: a data folder (empty, or migrated) is made once, dumped as a tar, kept in memory and in the temporary
//   folder, and every test PGlite starts from that tar instead of running initdb.
// Both are keyed by the migrations' contents, so an edited or added migration builds new ones.
import { tmpdir } from "node:os";
import { join } from "node:path";
import denoConfig from "../../deno.json" with { type: "json" };
import { loadMigrations, migrate, sha256 } from "../../db/migrate.ts";
import { dumpPglite, openPglite } from "../../db/pglite.ts";
import type { Db } from "../../db/port.ts";
import { connectPostgres } from "../../db/postgres.ts";

const TEMPLATE_PREFIX = "sluice_tpl_";
/** Where a template is migrated before it gets its name; outside TEMPLATE_PREFIX, so never taken for a stale one. */
export const BUILD_PREFIX = "sluice_build_";

let migrationsKey: Promise<string> | undefined;

/** A short hash of every migration's version, name and checksum. */
function migrationsHash(): Promise<string> {
  return migrationsKey ??= loadMigrations().then((all) =>
    sha256(all.map((m) => `${m.version} ${m.name} ${m.checksum}`).join("\n")).then((h) => h.slice(0, 16))
  );
}

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

const DUPLICATE_DATABASE = "42P04";
const UNDEFINED_DATABASE = "3D000";

function sqlState(e: unknown): string | undefined {
  return (e as { code?: string })?.code;
}

let templateName: Promise<string> | undefined;

/**
 * Creates the database `name`, migrated, unless it exists; true when this call created it. Race-free across test
 * processes: the database is migrated under a private name and then renamed, so `name` only ever names a finished
 * database, and a process that loses the rename drops its own copy.
 */
export async function buildTemplate(admin: Db, baseUrl: string, name: string): Promise<boolean> {
  if ((await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).length) return false;
  const building = `${BUILD_PREFIX}${name}_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
  await admin.query(`CREATE DATABASE ${building}`);
  try {
    const db = connectPostgres(databaseUrl(baseUrl, building), { max: 1 });
    try {
      await migrate(db);
    } finally {
      // CREATE DATABASE … TEMPLATE refuses a template that has any connection open
      await db.close();
    }
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    return true;
  } catch (e) {
    await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    if (sqlState(e) === DUPLICATE_DATABASE) return false;
    throw e;
  }
}

/** Templates of other migration sets are left from earlier checkouts; a run still using one builds it again. */
async function dropStaleTemplates(admin: Db, keep: string): Promise<void> {
  const stale = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname <> $2",
    [TEMPLATE_PREFIX.replaceAll("_", "\\_") + "%", keep],
  );
  for (const { datname } of stale) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
}

async function currentTemplate(admin: Db, baseUrl: string): Promise<string> {
  const name = TEMPLATE_PREFIX + await migrationsHash();
  if (await buildTemplate(admin, baseUrl, name)) await dropStaleTemplates(admin, name);
  return name;
}

/** CREATE DATABASE `name` as a copy of the migrated template. */
export async function createMigratedPostgres(admin: Db, baseUrl: string, name: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    const template = await (templateName ??= currentTemplate(admin, baseUrl).catch((e) => {
      templateName = undefined;
      throw e;
    }));
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      return;
    } catch (e) {
      // another checkout's test run dropped this template as stale: build it again, once
      if (sqlState(e) !== UNDEFINED_DATABASE || attempt > 0) throw e;
      templateName = undefined;
    }
  }
}

// The tar holds PostgreSQL's own files, so it is only valid for the PGlite build that wrote it
const PGLITE_BUILD = [
  denoConfig.imports["@electric-sql/pglite"],
  denoConfig.imports["@electric-sql/pglite-pgvector"],
].join(" ");

const snapshots = new Map<string, Promise<Blob>>();

/** The data folder of a new PGlite, migrated or not, as a tar: from memory, else the temporary folder, else made. */
function pgliteSnapshot(migrated: boolean): Promise<Blob> {
  const kind = migrated ? "migrated" : "empty";
  let snapshot = snapshots.get(kind);
  if (!snapshot) {
    snapshot = loadOrMakeSnapshot(migrated).catch((e) => {
      snapshots.delete(kind);
      throw e;
    });
    snapshots.set(kind, snapshot);
  }
  return snapshot;
}

async function loadOrMakeSnapshot(migrated: boolean): Promise<Blob> {
  const key = (await sha256(`${PGLITE_BUILD}\n${migrated ? await migrationsHash() : "empty"}`)).slice(0, 16);
  const prefix = `sluice-test-pglite-${migrated ? "migrated" : "empty"}-`;
  const path = join(tmpdir(), `${prefix}${key}.tar`);
  try {
    return new Blob([await Deno.readFile(path)]);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const db = await openPglite();
  let tar: Blob;
  try {
    if (migrated) await migrate(db);
    tar = await dumpPglite(db);
  } finally {
    await db.close();
  }
  // written whole under a private name and renamed, so a parallel reader never sees half a file
  const partial = `${path}.${crypto.randomUUID()}`;
  await Deno.writeFile(partial, new Uint8Array(await tar.arrayBuffer()));
  await Deno.rename(partial, path);
  // tars of other migrations or PGlite builds (~44 MB each) would otherwise pile up in the temporary folder; one a
  // parallel process still reads is only unlinked (and one it has not opened yet it makes again)
  for await (const entry of Deno.readDir(tmpdir())) {
    if (entry.name.startsWith(prefix) && entry.name.endsWith(".tar") && join(tmpdir(), entry.name) !== path) {
      await Deno.remove(join(tmpdir(), entry.name)).catch(() => {});
    }
  }
  return tar;
}

/** A new in-memory PGlite with the schema already in place (or none, when `migrated` is false). */
export async function openTestPglite(migrated: boolean): Promise<Db> {
  return await openPglite(undefined, { loadDataDir: await pgliteSnapshot(migrated) });
}
