// Embedded adapter: PGlite (PostgreSQL compiled to WASM) in SLUICE_DATA_DIR, with pgvector loaded. It is one
// in-process connection, so advisory "leader" locks are always granted and NOTIFY stays in-process.
import { PGlite, types } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PreparedReads } from "./pglite_prepared.ts";
import { type Db, ident, type LeaderLock, normalizeParams, type Queryable, toCopyText } from "./port.ts";

const SHARED_BUFFERS = "64MB";

/**
 * dataDir undefined → in-memory (tests). `loadDataDir` starts from a tar of a data folder (see dumpPglite) instead
 * of running initdb, which is most of the time a new database takes.
 */
export async function openPglite(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<Db> {
  // the database holds password hashes and sealed credentials: owner-only
  if (dataDir) await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const pg = await PGlite.create({
    dataDir,
    loadDataDir: options.loadDataDir,
    extensions: { vector },
    // PostgreSQL writes its whole shared memory at start, so shared_buffers is resident from the first second:
    // initdb's 128 MB made an idle server 340 MB; 64 MB of buffers keeps it near 270 MB, and pages beyond them are
    // read from the data folder through the OS page cache
    startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${SHARED_BUFFERS}`],
    parsers: { [types.INT8]: (x: string) => Number(x) },
  });
  await pg.exec("SET TIME ZONE 'UTC'");
  return new PgliteDb(pg);
}

/** The data folder of an embedded database as an uncompressed tar, for openPglite's `loadDataDir`. */
export function dumpPglite(db: Db): Promise<Blob> {
  if (!(db instanceof PgliteDb)) throw new Error("dumpPglite needs a PGlite database");
  return db.dump();
}

type Tx = { query: PGlite["query"]; exec: PGlite["exec"] };

function queryable(pg: Tx): Queryable {
  return {
    async query<T>(text: string, params?: unknown[]) {
      const res = await pg.query<T>(text, normalizeParams(params));
      return res.rows;
    },
    async exec(script: string) {
      await pg.exec(script);
    },
  };
}

class PgliteDb implements Db {
  readonly kind = "pglite" as const;
  #q: Queryable;
  #prepared: PreparedReads;
  constructor(private pg: PGlite) {
    this.#q = queryable(pg);
    this.#prepared = new PreparedReads(pg);
  }

  async query<T>(text: string, params?: unknown[]): Promise<T[]> {
    return (params && await this.#prepared.query<T>(text, params)) ?? await this.#q.query<T>(text, params);
  }

  exec(script: string): Promise<void> {
    return this.#q.exec(script);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) => fn(queryable(tx as unknown as Tx)));
  }

  async copyFrom(table: string, columns: string[], rows: unknown[][]): Promise<number> {
    await this.pg.query(
      `COPY ${ident(table)} (${columns.map(ident).join(", ")}) FROM '/dev/blob'`,
      [],
      { blob: new Blob([toCopyText(rows)]) },
    );
    return rows.length;
  }

  async listen(channel: string, handler: (payload: string) => void) {
    const unsub = await this.pg.listen(channel, handler);
    return async () => {
      await unsub();
    };
  }

  async notify(channel: string, payload: string) {
    await this.pg.query("SELECT pg_notify($1, $2)", [channel, payload]);
  }

  tryLeaderLock(_key: number): Promise<LeaderLock | null> {
    return Promise.resolve({ release: () => Promise.resolve() });
  }

  async dump(): Promise<Blob> {
    return await this.pg.dumpDataDir("none");
  }

  async close() {
    await this.pg.close();
  }
}
