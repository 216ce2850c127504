// Pieces the connector benchmarks share: running under production's V8 flags, reading the fake server's first
// line from its child process, sampling peak RSS, and the COPY baseline (the rows a sync wrote, copied by
// Db.copyFrom into scratch tables of the same shape: defaults, indexes and — for the main figure — foreign keys).
import { type Db, pgArrayLiteral, type Queryable } from "../db/port.ts";
import type { Connector, ExtractedPage } from "../engine/connector.ts";
import { OPEN_ADDRESSES } from "../engine/http/address_guard.ts";
import { createDriverRun } from "../tests/support/runs.ts";

/** The --v8-flags of deno.json's start task (how production runs), "" when it sets none. */
export async function productionV8Flags(): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  return /--v8-flags=(\S+)/.exec(String(config.tasks?.start ?? ""))?.[1] ?? "";
}

/** Runs `script` again in a child process (stdout and stderr shared) with extra env variables; returns its exit code. */
async function rerun(script: string, env: Record<string, string>, v8Flags = ""): Promise<number> {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...(v8Flags ? [`--v8-flags=${v8Flags}`] : []), new URL(script).pathname],
    env,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return code;
}

/**
 * Re-runs the calling bench under `flags` (the env variable `name` overrides them; "" = V8 defaults) and exits
 * with its code; returns the flags in force when already running under them. `fallback` replaces the flags of
 * deno.json's start task as the default.
 */
export async function underV8Flags(name: string, script: string, fallback?: string): Promise<string> {
  const flags = Deno.env.get(name) ?? fallback ?? await productionV8Flags();
  if (flags && Deno.env.get(`${name}_APPLIED`) !== "1") {
    Deno.exit(await rerun(script, { [name]: flags, [`${name}_APPLIED`]: "1" }, flags));
  }
  return flags;
}

/**
 * The bench size from the env variable `name` (else `fallback`): one positive integer, or several separated by
 * commas — then the calling bench runs once per size, each in a process of its own (so each size's peak RSS is its
 * own), and exits with the first failing child's code.
 */
export async function benchSize(name: string, script: string, fallback: string): Promise<number> {
  const sizes = (Deno.env.get(name) ?? fallback).split(",").map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`${name} must be positive integers separated by commas`);
  }
  if (sizes.length === 1) return sizes[0];
  for (const size of sizes) {
    const code = await rerun(script, { [name]: String(size) });
    if (code !== 0) Deno.exit(code);
  }
  Deno.exit(0);
}

export async function readLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the fake server exited before it was ready");
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text.slice(0, text.indexOf("\n"));
}

/** Peak RSS sampled every 25 ms until stopped. */
export function rssSampler() {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 25);
  return {
    get peak() {
      return peak;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * COPY of the rows the loads wrote into scratch tables of the same shape: defaults, indexes (the natural-key
 * unique index every load maintains) and, with `withForeignKeys`, the same foreign keys — the constraints are part
 * of the table, not of the loader.
 */
export async function copyBaseline(db: Db, tables: readonly string[], withForeignKeys: boolean) {
  let ms = 0;
  let rows = 0;
  const perTable: string[] = [];
  const suffix = withForeignKeys ? "fk" : "nofk";
  for (const table of tables) {
    const scratch = `bench_copy_${table}_${suffix}`;
    await db.exec(`CREATE TABLE ${scratch} (LIKE ${table} INCLUDING DEFAULTS INCLUDING INDEXES INCLUDING CONSTRAINTS)`);
    if (withForeignKeys) {
      const fks = await db.query<{ def: string }>(
        "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'",
        [table],
      );
      for (const [n, fk] of fks.entries()) {
        await db.exec(`ALTER TABLE ${scratch} ADD CONSTRAINT ${scratch}_fk${n} ${fk.def}`);
      }
    }
    const [{ cols }] = await db.query<{ cols: string[] }>(
      `SELECT array_agg(column_name::text ORDER BY ordinal_position) AS cols FROM information_schema.columns
        WHERE table_name = $1 AND table_schema = current_schema()`,
      [table],
    );
    let after = 0;
    const [tableMs, tableRows] = [ms, rows];
    while (true) {
      const chunk = await db.query<Record<string, unknown>>(
        `SELECT * FROM ${table} WHERE id > $1 ORDER BY id LIMIT 10000`,
        [after],
      );
      if (chunk.length === 0) break;
      after = Number(chunk[chunk.length - 1].id);
      // COPY text format wants PostgreSQL array literals, not JSON, for text[] columns
      const values = chunk.map((r) =>
        cols.map((c) => (Array.isArray(r[c]) ? pgArrayLiteral(r[c] as unknown[]) : r[c]))
      );
      const t0 = performance.now();
      await db.copyFrom(scratch, cols, values);
      ms += performance.now() - t0;
      rows += chunk.length;
    }
    perTable.push(`${table} ${rows - tableRows} rows ${((ms - tableMs) / 1000).toFixed(2)} s`);
  }
  return { seconds: ms / 1000, rows, perTable: perTable.join(", ") };
}

export interface PageSyncOptions {
  db: Db;
  connector: Connector;
  tenantId: number;
  integrationId: number;
  credentials: unknown;
  /**
   * Wraps the page transaction, raw row included (e.g. to time each statement), and the step's after-step
   * transaction (page = null, kind = the kind of the step's pages).
   */
  wrap?: (tx: Queryable, page: ExtractedPage | null, kind: string) => Queryable;
  /** Called before each page is committed (progress traces). */
  onPage?: (step: string, n: number) => void;
  /** An incremental run's window (default: a full run up to now). */
  windowFrom?: Date | null;
  windowTo?: Date;
}

/**
 * The engine's per-page commit without queues: every step's pages in order, each page's raw row and load in one
 * transaction. Returns, per page kind, the time from receiving a page to its commit and the time of the loads alone.
 */
export async function syncPages(o: PageSyncOptions) {
  const [integration] = await o.db.query<{ base_url: string; settings: Record<string, unknown>; provider: string }>(
    "SELECT base_url, settings, provider FROM integrations WHERE id = $1",
    [o.integrationId],
  );
  // a real run: the Jira census and sprint step read this run's earlier raw pages, as they do under the engine
  const run = await createDriverRun(o.db, {
    tenantId: o.tenantId,
    integrationId: o.integrationId,
    windowFrom: o.windowFrom,
    windowTo: o.windowTo,
  });
  const info = {
    id: o.integrationId,
    provider: integration.provider,
    baseUrl: integration.base_url,
    settings: integration.settings,
  };
  const msByKind = new Map<string, number>();
  const loadMsByKind = new Map<string, number>();
  const recordsByKind = new Map<string, number>();
  const add = (map: Map<string, number>, kind: string, ms: number) => map.set(kind, (map.get(kind) ?? 0) + ms);
  const started = performance.now();
  for (const step of o.connector.steps) {
    const pages = o.connector.extract(step.key, {
      run,
      integration: { ...info, credentials: o.credentials },
      db: o.db,
      checkpoint: null,
      signal: new AbortController().signal,
      beforeRequest: () => Promise.resolve(),
      addressGuard: OPEN_ADDRESSES, // the fake sources listen on loopback
    });
    let n = 0;
    let kind: string | undefined;
    for await (const page of pages) {
      kind ??= page.kind;
      o.onPage?.(step.key, ++n);
      const t0 = performance.now();
      await o.db.transaction(async (tx) => {
        const target = o.wrap ? o.wrap(tx, page, page.kind) : tx;
        await target.query(
          `INSERT INTO raw_extraction_data (tenant_id, integration_id, step, kind, record_count, payload, run_id)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
          [
            o.tenantId,
            o.integrationId,
            step.key,
            page.kind,
            page.records.length,
            JSON.stringify(page.records),
            run.runId,
          ],
        );
        const l0 = performance.now();
        await o.connector.load(step.key, page.kind, page.records, { run, integration: info, tx: target });
        add(recordsByKind, page.kind, page.records.length);
        add(loadMsByKind, page.kind, performance.now() - l0);
      });
      add(msByKind, page.kind, performance.now() - t0);
    }
    // the step's derived values (e.g. Jira flow metrics) are part of its transform+load: counted with its pages
    if (o.connector.afterStep && kind) {
      const t0 = performance.now();
      await o.db.transaction((tx) =>
        o.connector.afterStep!(step.key, { run, integration: info, tx: o.wrap ? o.wrap(tx, null, kind!) : tx })
      );
      add(loadMsByKind, kind, performance.now() - t0);
      add(msByKind, kind, performance.now() - t0);
    }
  }
  return { msByKind, loadMsByKind, recordsByKind, wallSeconds: (performance.now() - started) / 1000 };
}

/**
 * Time per statement (wall time from send to result, by SQL text). Statements of a wrapped transaction run one at
 * a time (no pipelining), so each one's time is its own.
 */
export function statementProfiler() {
  const byStatement = new Map<string, { n: number; ms: number }>();
  async function timed<T>(tx: Queryable, sql: string, params?: unknown[]) {
    const t0 = performance.now();
    try {
      return await tx.query<T>(sql, params);
    } finally {
      const label = sql.replace(/\s+/g, " ").trim().slice(0, 110);
      const s = byStatement.get(label) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += performance.now() - t0;
      byStatement.set(label, s);
    }
  }
  return {
    wrap(tx: Queryable): Queryable {
      let queue: Promise<unknown> = Promise.resolve();
      return {
        exec: (script) => tx.exec(script),
        query<T>(sql: string, params?: unknown[]) {
          const run = queue.then(() => timed<T>(tx, sql, params));
          queue = run.catch(() => {});
          return run;
        },
      };
    },
    /** Seconds spent inside statements. */
    get seconds() {
      return [...byStatement.values()].reduce((n, s) => n + s.ms, 0) / 1000;
    },
    /** One line per statement, slowest first: calls, total seconds, SQL. */
    lines(): string[] {
      return [...byStatement].sort((a, b) => b[1].ms - a[1].ms)
        .map(([sql, s]) => `${String(s.n).padStart(6)} ${(s.ms / 1000).toFixed(2).padStart(7)}  ${sql}`);
    },
  };
}
