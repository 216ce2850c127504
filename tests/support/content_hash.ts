// Content of everything a sync loaded, independent of surrogate ids and load times, so two databases that went
// through different histories (a clean run and a run SIGKILLed ten times, or a replay) can be compared column by
// column. Every table is included unless it is engine or auth bookkeeping; a column that points at another row by
// surrogate id is replaced by that row's own content key (recursively), so relations are compared too. A reference
// column without a foreign key that this helper does not know how to follow fails loudly rather than be compared by
// its raw id.
import type { Queryable } from "../../db/port.ts";

/** Bookkeeping, not loaded content: runs, queues, raw pages, sessions. */
const NOT_CONTENT = new Set([
  "schema_migrations",
  "queue_names",
  "queue_messages",
  "queue_consumers",
  "queue_outage_returns",
  "etl_jobs",
  "etl_runs",
  "etl_run_stages",
  "etl_run_batches",
  "etl_run_requests",
  "raw_extraction_data",
  "login_throttle",
  // the budget a source last reported (observed_at moves with every request)
  "source_rate_limits",
  "users",
  // configuration the test set up (base URLs differ per fake): referenced by natural key, not compared
  "tenants",
  "integrations",
  "integration_logos",
]);

/** Columns whose values depend on when or in which order rows were written, not on what was loaded. */
const VOLATILE = new Set(["id", "created_at", "updated_at", "embedded_at", "applied_at", "failed_at", "full_walk_at"]);

/** Point ids are derived from (tenant, table, surrogate record id): they differ whenever ids do. */
const DERIVED_FROM_IDS = new Set(["point_id"]);

/** Columns that name a row of the table given by another column of the same row ("table.column" → type column). */
const POLYMORPHIC: Record<string, string> = {
  "qdrant_vectors.record_id": "table_name",
  "vector_failures.record_id": "table_name",
};

export interface ContentHashOptions {
  /** Extra tables to leave out (e.g. the vector tables when the embed stage is not under test). */
  skipTables?: string[];
  /** Extra columns to leave out, as "table.column". */
  skipColumns?: string[];
  /**
   * Reference columns that have no foreign key, as "table.column" → referenced table; the value is then replaced
   * by the referenced row's content key like a foreign key would be.
   */
  references?: Record<string, string>;
}

export interface ContentDigest {
  /** sha-256 over every table's digest. */
  hash: string;
  /** Per table: row count and sha-256 of its sorted row keys. */
  tables: Record<string, { rows: number; hash: string }>;
  /** Per table: the sorted canonical rows (for a readable diff when hashes differ). */
  rows: Record<string, string[]>;
}

async function sha256(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Built-in references the schema keeps without a foreign key (cross-integration or soft links). */
const KNOWN_REFERENCES: Record<string, string> = {
  "work_items_sprints.carried_over_from_sprint_id": "sprints",
  "work_items_sprints.carried_over_to_sprint_id": "sprints",
};

export async function contentDigest(db: Queryable, options: ContentHashOptions = {}): Promise<ContentDigest> {
  const skipTables = new Set([...NOT_CONTENT, ...(options.skipTables ?? [])]);
  const skipColumns = new Set(options.skipColumns ?? []);
  const columns = await db.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const fks = await db.query<{ tbl: string; col: string; ref: string }>(
    `SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, c.confrelid::regclass::text AS ref
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1`,
  );
  const refs = new Map<string, string>(Object.entries({ ...KNOWN_REFERENCES, ...options.references }));
  for (const fk of fks) refs.set(`${fk.tbl}.${fk.col}`, fk.ref);

  const tableColumns = new Map<string, string[]>();
  for (const c of columns) {
    if (!tableColumns.has(c.table_name)) tableColumns.set(c.table_name, []);
    tableColumns.get(c.table_name)!.push(c.column_name);
  }
  const unknown = columns.filter((c) =>
    !skipTables.has(c.table_name) && /_id$/.test(c.column_name) && /int/.test(c.data_type) &&
    !refs.has(`${c.table_name}.${c.column_name}`) && !skipColumns.has(`${c.table_name}.${c.column_name}`) &&
    !POLYMORPHIC[`${c.table_name}.${c.column_name}`]
  );
  if (unknown.length) {
    throw new Error(
      "reference columns without a foreign key (add one, or pass them in `references`/`skipColumns`): " +
        unknown.map((c) => `${c.table_name}.${c.column_name}`).join(", "),
    );
  }

  const loaded = new Map<string, Map<string, Record<string, unknown>>>();
  async function rowsOf(table: string) {
    let rows = loaded.get(table);
    if (!rows) {
      rows = new Map();
      for (const r of await db.query<Record<string, unknown>>(`SELECT * FROM "${table}"`)) {
        rows.set(String(r.id ?? crypto.randomUUID()), r);
      }
      loaded.set(table, rows);
    }
    return rows;
  }
  for (const t of tableColumns.keys()) await rowsOf(t);

  const keys = new Map<string, string>();
  const refKeys = new Map<string, string>();
  /** How a referencing column names a row: its natural key where it has one, else a digest of its content. */
  function refKey(table: string, row: Record<string, unknown>, depth: number): string {
    const memo = `${table}#${row.id}`;
    const known = refKeys.get(memo);
    if (known) return known;
    let key: string;
    if (table === "tenants") key = `tenant:${row.name}`;
    else if (table === "integrations") key = `integration:${row.provider}/${row.name}`;
    else if (row.external_id !== undefined && row.external_id !== null) {
      const owner = row.integration_id ?? row.tenant_id;
      key = `${table}:${owner}:${row.external_id}`;
      const ownerTable = row.integration_id !== undefined && row.integration_id !== null ? "integrations" : "tenants";
      const ownerRow = loaded.get(ownerTable)?.get(String(owner));
      if (ownerRow) key = `${table}:${refKey(ownerTable, ownerRow, depth + 1)}:${row.external_id}`;
    } else key = `${table}:${shortHash(rowKey(table, row, depth + 1))}`;
    refKeys.set(memo, key);
    return key;
  }
  function rowKey(table: string, row: Record<string, unknown>, depth = 0): string {
    const memo = `${table}#${row.id}`;
    if (row.id !== undefined && keys.has(memo)) return keys.get(memo)!;
    if (depth > 20) throw new Error(`reference chain too deep at ${memo}`);
    const out: Record<string, unknown> = {};
    for (const col of tableColumns.get(table) ?? []) {
      if (VOLATILE.has(col) || DERIVED_FROM_IDS.has(col) || skipColumns.has(`${table}.${col}`)) continue;
      let v = row[col];
      const typeColumn = POLYMORPHIC[`${table}.${col}`];
      const ref = typeColumn ? String(row[typeColumn]) : refs.get(`${table}.${col}`);
      if (table === "vector_points" && col === "payload") v = resolvePayload(v as Record<string, unknown>, depth);
      if (table === "vector_points" && col === "embedding") v = roundVector(v);
      if (ref && v !== null && v !== undefined) {
        const target = loaded.get(ref)?.get(String(v));
        out[col] = target ? `→${refKey(ref, target, depth + 1)}` : `→missing ${ref}#${v}`;
      } else out[col] = normalise(v);
    }
    const key = JSON.stringify(out);
    if (row.id !== undefined) keys.set(memo, key);
    return key;
  }

  // a vector point's payload names its tenant, integration and record (kind + id) by surrogate id
  function resolvePayload(p: Record<string, unknown>, depth: number) {
    if (!p || typeof p.kind !== "string") return p;
    const ref = (table: string, id: unknown) => {
      if (id === null || id === undefined) return id;
      const target = loaded.get(table)?.get(String(id));
      return target ? `→${refKey(table, target, depth + 1)}` : `→missing ${table}#${id}`;
    };
    return {
      ...p,
      tenant: ref("tenants", p.tenant),
      integration_id: ref("integrations", p.integration_id),
      record_id: ref(p.kind, p.record_id),
    };
  }

  const tables: ContentDigest["tables"] = {};
  const rows: ContentDigest["rows"] = {};
  for (const table of [...tableColumns.keys()].sort()) {
    if (skipTables.has(table)) continue;
    const list = [...loaded.get(table)!.values()].map((r) => rowKey(table, r)).sort();
    rows[table] = list;
    tables[table] = { rows: list.length, hash: await sha256(list.join("\n")) };
  }
  const hash = await sha256(Object.entries(tables).map(([t, d]) => `${t}:${d.hash}`).join("\n"));
  return { hash, tables, rows };
}

/** Vectors (pgvector text or real[]) at four decimals: float4 round trips differ in the last digits per adapter. */
function roundVector(v: unknown): unknown {
  const list = typeof v === "string" ? v.replace(/^[[{]|[\]}]$/g, "").split(",").map(Number) : v;
  return Array.isArray(list) ? list.map((x) => Math.round(Number(x) * 1e4) / 1e4).join(",") : v;
}

/** 64-bit FNV-1a (two 32-bit halves), enough to name a row inside one comparison. */
function shortHash(text: string): string {
  let a = 0x811c9dc5, b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

function normalise(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return Array.from(v).join(",");
  if (v && typeof v === "object") return JSON.parse(JSON.stringify(v, (_k, x) => typeof x === "bigint" ? `${x}` : x));
  return v;
}

/** A readable account of how two digests differ: which tables, and a few rows only one side has. */
export function describeDifference(a: ContentDigest, b: ContentDigest, maxRows = 3): string {
  const lines: string[] = [];
  for (const t of new Set([...Object.keys(a.tables), ...Object.keys(b.tables)])) {
    if (a.tables[t]?.hash === b.tables[t]?.hash) continue;
    const onlyA = diff(a.rows[t] ?? [], b.rows[t] ?? []);
    const onlyB = diff(b.rows[t] ?? [], a.rows[t] ?? []);
    lines.push(`${t}: ${a.tables[t]?.rows ?? 0} vs ${b.tables[t]?.rows ?? 0} rows`);
    for (const r of onlyA.slice(0, maxRows)) lines.push(`  - ${r.slice(0, 600)}`);
    for (const r of onlyB.slice(0, maxRows)) lines.push(`  + ${r.slice(0, 600)}`);
  }
  return lines.join("\n");
}

function diff(a: string[], b: string[]): string[] {
  const counts = new Map<string, number>();
  for (const r of b) counts.set(r, (counts.get(r) ?? 0) + 1);
  const out: string[] = [];
  for (const r of a) {
    const n = counts.get(r) ?? 0;
    if (n > 0) counts.set(r, n - 1);
    else out.push(r);
  }
  return out;
}
