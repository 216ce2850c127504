// PostgreSQL adapter (postgres.js). int8 comes back as a JS number so both adapters return the same shapes.
import postgres from "postgres";
import { Writable } from "node:stream";
import { type Db, ident, type LeaderLock, normalizeParams, type Queryable, toCopyText } from "./port.ts";
import { isInfrastructureError } from "../lib/infra_errors.ts";
import { log } from "../lib/log.ts";

type Sql = postgres.Sql<Record<string, never>>;

const int8 = { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) };
// Strings bound to json/jsonb parameters are already JSON text (as in PGlite); only objects get stringified.
const json = {
  to: 3802,
  from: [114, 3802],
  serialize: (x: unknown) => (typeof x === "string" ? x : JSON.stringify(x)),
  parse: (x: string) => JSON.parse(x),
};

// postgres.js 3.4.x can throw from a socket callback when the server terminates a backend mid-query
// (porsager/postgres#1154, #1208: "Cannot read properties of null (reading 'write')" in nextWrite). The failed
// query itself is already rejected and the pool opens new connections, so that one error is absorbed here
// instead of ending the process; any other uncaught error still does.
let guardInstalled = false;
function installDriverCrashGuard() {
  if (guardInstalled) return;
  guardInstalled = true;
  globalThis.addEventListener("error", (event) => {
    const error = (event as ErrorEvent).error;
    const stack = error instanceof Error ? String(error.stack) : "";
    if (error instanceof TypeError && /reading 'write'/.test(error.message) && /postgres/.test(stack)) {
      event.preventDefault();
      console.warn(JSON.stringify({
        time: new Date().toISOString(),
        level: "warn",
        msg: "database connection lost mid-write; the driver reconnects",
      }));
    }
  });
}

export function connectPostgres(url: string, options: { max?: number } = {}): Db {
  installDriverCrashGuard();
  return new PostgresDb(() =>
    postgres(url, {
      max: options.max ?? 10,
      onnotice: () => {},
      types: { int8, json },
      connection: { application_name: "sluice", TimeZone: "UTC" },
      // a connection attempt to a restarting server must fail fast rather than hold a query for 30 s
      connect_timeout: 10,
      idle_timeout: 300,
      max_lifetime: 30 * 60,
    }) as unknown as Sql
  );
}

function queryable(sql: Sql | postgres.TransactionSql<Record<string, never>>): Queryable {
  return {
    async query<T>(text: string, params?: unknown[]) {
      // Parameterized statements are prepared once per connection and reused (the server skips parse and plan);
      // their texts are a fixed set in the code, values never go into the text.
      const rows = await sql.unsafe(text, normalizeParams(params) as postgres.ParameterOrJSON<never>[], {
        prepare: (params?.length ?? 0) > 0,
      });
      return Array.from(rows) as unknown as T[];
    },
    async exec(script: string) {
      await sql.unsafe(script).simple();
    },
  };
}

interface Listener {
  channel: string;
  handler: (payload: string) => void;
  unlisten?: () => Promise<void>;
  closed: boolean;
}

// After a server restart postgres.js can keep pooled connections that answer their next query with a stale error
// ("the database system is shutting down", "terminating connection due to administrator command"), minutes later.
// So an infrastructure error replaces the whole pool (at most once a second): the old one is ended at once, its
// queries fail as the outage they belong to, and LISTEN subscriptions move to the new pool.
class PostgresDb implements Db {
  readonly kind = "postgres" as const;
  #sql: Sql;
  #make: () => Sql;
  #renewedAt = 0;
  #listeners = new Set<Listener>();
  #closed = false;

  constructor(make: () => Sql) {
    this.#make = make;
    this.#sql = make();
  }

  private get sql(): Sql {
    return this.#sql;
  }

  async #watch<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    const sql = this.#sql;
    try {
      return await work(sql);
    } catch (e) {
      if (sql === this.#sql && isInfrastructureError(e)) this.#renew(e);
      throw e;
    }
  }

  #renew(error: unknown): void {
    if (this.#closed || Date.now() - this.#renewedAt < 1000) return;
    this.#renewedAt = Date.now();
    const old = this.#sql;
    this.#sql = this.#make();
    log.warn("database connection lost; the connection pool is replaced", { error });
    old.end({ timeout: 0 }).catch(() => {});
    for (const l of this.#listeners) {
      l.unlisten = undefined;
      this.#subscribe(l);
    }
  }

  /** Subscribes on the current pool, retrying while the server is away (the queue polls meanwhile). */
  #subscribe(l: Listener, delayMs = 500): void {
    if (l.closed || this.#closed) return;
    const sql = this.#sql;
    sql.listen(l.channel, l.handler).then((sub) => {
      if (l.closed || sql !== this.#sql) return void sub.unlisten().catch(() => {});
      l.unlisten = () => sub.unlisten();
    }, () => {
      if (sql === this.#sql) setTimeout(() => this.#subscribe(l, Math.min(delayMs * 2, 5000)), delayMs);
    });
  }

  query<T>(text: string, params?: unknown[]): Promise<T[]> {
    return this.#watch((sql) => queryable(sql).query<T>(text, params));
  }

  exec(script: string): Promise<void> {
    return this.#watch((sql) => queryable(sql).exec(script));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#watch(async (sql) => await sql.begin((tx) => fn(queryable(tx))) as T);
  }

  // postgres.js resolves COPY FROM STDIN with a writable stream but drops a server-side error that arrives after
  // the data was sent (the stream then never finishes). So the COPY runs on a reserved connection whose backend
  // is watched: if it goes idle without the stream finishing, the server rejected the data.
  async copyFrom(table: string, columns: string[], rows: unknown[][]): Promise<number> {
    const conn = await this.sql.reserve();
    try {
      const [{ pid }] = await conn.unsafe("SELECT pg_backend_pid() AS pid");
      const target = await conn.unsafe(`COPY ${ident(table)} (${columns.map(ident).join(", ")}) FROM STDIN`)
        .writable() as unknown as Writable;
      const finished = new Promise<"done">((resolve, reject) => {
        target.on("finish", () => resolve("done"));
        target.on("error", reject);
      });
      const watch = new AbortController();
      const failed = this.#watchCopy(pid as number, table, watch.signal);
      target.end(toCopyText(rows));
      try {
        await Promise.race([finished, failed]);
      } finally {
        watch.abort();
      }
      return rows.length;
    } finally {
      conn.release();
    }
  }

  async #watchCopy(pid: number, table: string, signal: AbortSignal): Promise<never> {
    let idleSince = 0;
    while (!signal.aborted) {
      await new Promise((r) => setTimeout(r, 25));
      if (signal.aborted) break;
      const [row] = await this.sql.unsafe("SELECT state FROM pg_stat_activity WHERE pid = $1", [pid]);
      const idle = !row || String(row.state).startsWith("idle");
      if (!idle) idleSince = 0;
      else if (!idleSince) idleSince = Date.now();
      // a successful COPY finishes the stream as the backend goes idle; give it a moment before calling it failed
      else if (Date.now() - idleSince > 250) {
        throw new Error(`COPY into ${table} was rejected by the server (a row does not fit the table)`);
      }
    }
    return await new Promise<never>(() => {});
  }

  async listen(channel: string, handler: (payload: string) => void) {
    const sub = await this.#watch((sql) => sql.listen(channel, handler));
    const l: Listener = { channel, handler, unlisten: () => sub.unlisten(), closed: false };
    this.#listeners.add(l);
    return async () => {
      l.closed = true;
      this.#listeners.delete(l);
      await l.unlisten?.().catch(() => {});
    };
  }

  async notify(channel: string, payload: string) {
    await this.sql.unsafe("SELECT pg_notify($1, $2)", [channel, payload]);
  }

  async tryLeaderLock(key: number): Promise<LeaderLock | null> {
    const conn = await this.sql.reserve();
    const [row] = await conn.unsafe("SELECT pg_try_advisory_lock($1) AS ok", [key]);
    if (!row.ok) {
      conn.release();
      return null;
    }
    return {
      release: async () => {
        try {
          await conn.unsafe("SELECT pg_advisory_unlock($1)", [key]);
        } finally {
          conn.release();
        }
      },
    };
  }

  async close() {
    this.#closed = true;
    await this.#sql.end({ timeout: 5 });
  }
}
