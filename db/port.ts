// The Db port: the only way the rest of Sluice talks to a database. Two adapters implement it
// (PostgreSQL via postgres.js, embedded PGlite); both run the same SQL text with $1-style parameters.
export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one statement with $1..$n parameters. Plain objects are sent as JSON text (cast with ::jsonb). */
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface InsertManyOptions {
  /** Columns to insert; defaults to the keys of the first row. */
  columns?: string[];
  /** Appended verbatim, e.g. `ON CONFLICT (tenant_id, integration_id, external_id) DO UPDATE SET …`. */
  onConflict?: string;
  /** e.g. `id, external_id`; rows are returned only when set. */
  returning?: string;
}

export interface LeaderLock {
  release(): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: "postgres" | "pglite";
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Raw COPY … FROM STDIN of positional rows (the fastest load path; used as the benchmark baseline). JS arrays
   * become PostgreSQL arrays and objects JSON; rejects when the server refuses a row.
   */
  copyFrom(table: string, columns: string[], rows: unknown[][]): Promise<number>;
  /** Subscribes to NOTIFY on a channel; resolves to an unsubscribe function. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Session-level advisory lock held on a dedicated connection until released; null if another holds it. */
  tryLeaderLock(key: number): Promise<LeaderLock | null>;
  close(): Promise<void>;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Guards identifiers that are interpolated into SQL (table and column names never come from users). */
export function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`invalid SQL identifier: ${name}`);
  return name;
}

/**
 * Multi-row insert/upsert of any number of rows with one bind parameter: the rows travel as one JSON array and
 * jsonb_populate_recordset types them by the table's own row type, so there is no 65,535-parameter ceiling and
 * the same text works on both adapters.
 */
export async function insertMany<T = Row>(
  db: Queryable,
  table: string,
  rows: Record<string, unknown>[],
  options: InsertManyOptions = {},
): Promise<T[]> {
  if (rows.length === 0) return [];
  const columns = (options.columns ?? Object.keys(rows[0])).map(ident);
  const list = columns.join(", ");
  const sql = `INSERT INTO ${ident(table)} (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::${
    ident(table)
  }, $1::jsonb) ${options.onConflict ?? ""} ${options.returning ? `RETURNING ${options.returning}` : ""}`;
  return await db.query<T>(sql, [JSON.stringify(rows)]);
}

/** Encodes rows as PostgreSQL COPY text format. */
export function toCopyText(rows: unknown[][]): string {
  const parts: string[] = [];
  for (const row of rows) {
    parts.push(row.map(copyValue).join("\t"), "\n");
  }
  return parts.join("");
}

/** A JS array as a PostgreSQL array literal (for text[]/int[] columns), every element quoted. */
export function pgArrayLiteral(values: unknown[]): string {
  const items = values.map((v) => {
    if (v === null || v === undefined) return "NULL";
    if (Array.isArray(v)) return pgArrayLiteral(v);
    const text = v instanceof Date ? v.toISOString() : String(v);
    return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
  });
  return `{${items.join(",")}}`;
}

function copyValue(v: unknown): string {
  if (v === null || v === undefined) return "\\N";
  const text = v instanceof Date
    ? v.toISOString()
    : Array.isArray(v)
    ? pgArrayLiteral(v)
    : typeof v === "object"
    ? JSON.stringify(v)
    : String(v);
  return text.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

/** Plain objects become JSON text; arrays, Dates and scalars pass through. */
export function normalizeParams(params: unknown[] = []): unknown[] {
  return params.map((p) =>
    p !== null && typeof p === "object" && !Array.isArray(p) && !(p instanceof Date) &&
      !(p instanceof Uint8Array)
      ? JSON.stringify(p)
      : p
  );
}
