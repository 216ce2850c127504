// Set-based write helpers shared by the Jira loaders. Every write is one multi-row statement (insertMany: the rows
// travel as one JSON parameter) keyed on a natural key; updates fire only when a value actually differs, so a
// re-delivered or re-run page changes no row (updated_at included) and RETURNING reports exactly what was written.
import { ident, insertMany, type Queryable } from "../../../db/port.ts";

export interface Scope {
  tx: Queryable;
  tenantId: number;
  integrationId: number;
}

/** Keeps the last row per key (later pages/records win), preserving first-seen order. */
export function dedupeBy<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    if (byKey.has(k)) byKey.delete(k);
    byKey.set(k, row);
  }
  return [...byKey.values()];
}

/** `(stored.a, …) IS DISTINCT FROM (incoming.a, …)`: the one definition of "this row changed" every write uses. */
export function distinctSql(columns: readonly string[], stored: string, incoming: string): string {
  const cols = columns.map(ident);
  return `(${cols.map((c) => `${stored}.${c}`).join(", ")}) IS DISTINCT FROM (${
    cols.map((c) => `${incoming}.${c}`).join(", ")
  })`;
}

/** `ON CONFLICT (…) DO UPDATE SET … WHERE (old) IS DISTINCT FROM (new)`; `DO NOTHING` when nothing is updatable. */
export function conflictClause(table: string, key: readonly string[], update: readonly string[]): string {
  const target = `ON CONFLICT (${key.map(ident).join(", ")})`;
  if (update.length === 0) return `${target} DO NOTHING`;
  const set = update.map(ident).map((c) => `${c} = EXCLUDED.${c}`).join(", ");
  return `${target} DO UPDATE SET ${set}, updated_at = now() WHERE ${distinctSql(update, ident(table), "EXCLUDED")}`;
}

export interface UpsertSpec {
  table: string;
  columns: readonly string[];
  key: readonly string[];
  /** Columns refreshed on conflict (only when different); empty → insert-only. */
  update: readonly string[];
}

/**
 * The row without its null members. jsonb_populate_recordset reads a missing key as NULL, so a statement writes
 * exactly the same values either way, while a wide row (work_items: twenty custom-field slots, unset metrics)
 * costs ~40 % fewer bytes to serialize, send and parse as jsonb. Used for such rows; narrow row builders simply
 * leave null members out.
 */
export function withoutNulls(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in row) if (row[key] !== null && row[key] !== undefined) out[key] = row[key];
  return out;
}

/** Upserts rows; returns {id, external_id, inserted} of the rows inserted (inserted = true) or changed. */
export async function upsertChanged(
  tx: Queryable,
  spec: UpsertSpec,
  rows: Record<string, unknown>[],
): Promise<{ id: number; external_id: string; inserted: boolean }[]> {
  if (rows.length === 0) return [];
  return await insertMany<{ id: number; external_id: string; inserted: boolean }>(tx, spec.table, rows, {
    columns: [...spec.columns],
    onConflict: conflictClause(spec.table, spec.key, spec.update),
    // a row version no one has updated yet is one this statement inserted
    returning: "id, external_id, (xmax = 0) AS inserted",
  });
}

/** id by external_id for the given keys of an integration-scoped table. */
export async function idsByExternalId(
  scope: Scope,
  table: string,
  externalIds: readonly string[],
): Promise<Map<string, number>> {
  if (externalIds.length === 0) return new Map();
  const rows = await scope.tx.query<{ id: number; external_id: string }>(
    `SELECT id, external_id FROM ${ident(table)}
      WHERE tenant_id = $1 AND integration_id = $2 AND external_id = ANY($3::text[])`,
    [scope.tenantId, scope.integrationId, [...new Set(externalIds)]],
  );
  return new Map(rows.map((r) => [r.external_id, Number(r.id)]));
}

/**
 * Upserts and returns the id of EVERY row (written or not) and the external ids this call inserted: written rows
 * come back from RETURNING, the rest are looked up only when some are missing, so an all-new or all-changed batch
 * costs one statement.
 */
export async function upsertWithIds(
  scope: Scope,
  spec: UpsertSpec,
  rows: Record<string, unknown>[],
): Promise<{ ids: Map<string, number>; written: number[]; inserted: Set<string> }> {
  const changed = await upsertChanged(scope.tx, spec, rows);
  const ids = new Map(changed.map((r) => [r.external_id, Number(r.id)]));
  const missing = rows.map((r) => String(r.external_id)).filter((e) => !ids.has(e));
  if (missing.length) { for (const [k, v] of await idsByExternalId(scope, spec.table, missing)) ids.set(k, v); }
  const inserted = new Set(changed.filter((r) => r.inserted).map((r) => r.external_id));
  return { ids, written: changed.map((r) => Number(r.id)), inserted };
}

/**
 * pg_class names of the tables in the regclass[] parameter that hold rows but have no planner statistics yet
 * (reltuples is -1 before the first ANALYZE and 0 after one of an empty table), or whose statistics were taken when
 * the table was under an eighth of its size (relpages is the size the last ANALYZE saw): a prepared statement's
 * cached generic plan, made when the table was a few pages, kept reading all of it by sequential scan for every
 * key look-up as it grew (a tenth of a 10,000-issue Jira sync's issue step). An ANALYZE drops such plans; growing
 * eightfold between them, a 100,000-issue sync analyzes a table four or five times.
 */
export const MISSING_STATS_SQL = (param: string) =>
  `SELECT coalesce(array_agg(relname::text), '{}') FROM pg_class
      WHERE oid = ANY(${param}::regclass[]) AND pg_relation_size(oid) > 0
        AND (reltuples <= 0 OR pg_relation_size(oid) > 8 * current_setting('block_size')::int8 * greatest(relpages, 1))`;

/**
 * ANALYZEs tables that MISSING_STATS_SQL found. Without statistics PostgreSQL guesses 0.5 % selectivity for
 * `tenant_id = $1 AND integration_id = $2`, so every index led by those two columns looks equally cheap and a key
 * look-up can run on (tenant_id, integration_id, source_updated_at) with a filter — reading the integration's whole
 * index once per page, which made a first large sync slower with every page. Autovacuum would fix it, but it may be
 * off or simply not have run yet during that first sync; an ANALYZE early on (of a table of a few hundred rows)
 * settles the selectivities, and one each time the table grew eightfold keeps cached plans fit for its size.
 */
export async function analyzeTables(tx: Queryable, tables: readonly string[]): Promise<void> {
  for (const table of tables) await tx.exec(`ANALYZE ${ident(table)}`);
}

/** What the database holds for a row about to be written: its id (null when absent) and whether it differs. */
export interface StoredState {
  id: number | null;
  stale: boolean;
}

/**
 * SELECT of (external_id, id, stale) for rows passed as a jsonb parameter: the stored row's id (NULL when there is
 * none) and whether any updatable column differs — the upsert's own change test, without writing. Lets a caller
 * fold the check into a statement it runs anyway and then write only what is new or changed.
 */
export function storedStateSql(spec: UpsertSpec, rowsParam: string): string {
  const table = ident(spec.table);
  const on = spec.key.map(ident).map((c) => `t.${c} = r.${c}`).join(" AND ");
  const stale = spec.update.length ? ` OR ${distinctSql(spec.update, "t", "r")}` : "";
  return `SELECT r.external_id, t.id, (t.id IS NULL${stale}) AS stale
            FROM jsonb_populate_recordset(NULL::${table}, ${rowsParam}::jsonb) r LEFT JOIN ${table} t ON ${on}`;
}

/**
 * storedStateSql as a statement of its own, for `rows` and — in the same statement — `presence` rows, which are
 * only checked for existence (stale = absent), e.g. rows known from history that must not overwrite details.
 */
export async function storedState(
  tx: Queryable,
  spec: UpsertSpec,
  rows: Record<string, unknown>[],
  presence: Record<string, unknown>[] = [],
): Promise<Map<string, StoredState>> {
  if (rows.length + presence.length === 0) return new Map();
  const found = await tx.query<{ external_id: string; id: number | null; stale: boolean }>(
    `${storedStateSql(spec, "$1")} UNION ALL ${storedStateSql({ ...spec, update: [] }, "$2")}`,
    [JSON.stringify(rows), JSON.stringify(presence)],
  );
  return new Map(found.map((r) => [r.external_id, { id: r.id === null ? null : Number(r.id), stale: r.stale }]));
}

/**
 * Upserts only the rows that are new or changed according to `state` and returns the id of every row. A row
 * written meanwhile by someone else with the same values comes back from neither: it is looked up.
 */
export async function writeStale(
  scope: Scope,
  spec: UpsertSpec,
  rows: Record<string, unknown>[],
  state: Map<string, StoredState>,
): Promise<{ ids: Map<string, number>; written: number[] }> {
  const ids = new Map<string, number>();
  const stale: Record<string, unknown>[] = [];
  for (const row of rows) {
    const known = state.get(String(row.external_id));
    if (known && !known.stale && known.id !== null) ids.set(String(row.external_id), known.id);
    else stale.push(row);
  }
  const changed = await upsertChanged(scope.tx, spec, stale);
  for (const r of changed) ids.set(r.external_id, Number(r.id));
  const missing = stale.map((r) => String(r.external_id)).filter((e) => !ids.has(e));
  if (missing.length) { for (const [k, v] of await idsByExternalId(scope, spec.table, missing)) ids.set(k, v); }
  return { ids, written: changed.map((r) => Number(r.id)) };
}

/** Base columns every integration-scoped row carries. */
export function scoped(scope: Scope, row: Record<string, unknown>): Record<string, unknown> {
  return { tenant_id: scope.tenantId, integration_id: scope.integrationId, ...row };
}
