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

/** `ON CONFLICT (…) DO UPDATE SET … WHERE (old) IS DISTINCT FROM (new)`; `DO NOTHING` when nothing is updatable. */
export function conflictClause(table: string, key: readonly string[], update: readonly string[]): string {
  const target = `ON CONFLICT (${key.map(ident).join(", ")})`;
  if (update.length === 0) return `${target} DO NOTHING`;
  const cols = update.map(ident);
  const set = cols.map((c) => `${c} = EXCLUDED.${c}`).join(", ");
  const old = cols.map((c) => `${ident(table)}.${c}`).join(", ");
  const neu = cols.map((c) => `EXCLUDED.${c}`).join(", ");
  return `${target} DO UPDATE SET ${set}, updated_at = now() WHERE (${old}) IS DISTINCT FROM (${neu})`;
}

export interface UpsertSpec {
  table: string;
  columns: readonly string[];
  key: readonly string[];
  /** Columns refreshed on conflict (only when different); empty → insert-only. */
  update: readonly string[];
}

/** Upserts rows; returns {id, external_id} of the rows inserted or changed. */
export async function upsertChanged(
  tx: Queryable,
  spec: UpsertSpec,
  rows: Record<string, unknown>[],
): Promise<{ id: number; external_id: string }[]> {
  if (rows.length === 0) return [];
  return await insertMany<{ id: number; external_id: string }>(tx, spec.table, rows, {
    columns: [...spec.columns],
    onConflict: conflictClause(spec.table, spec.key, spec.update),
    returning: "id, external_id",
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
 * Upserts and returns the id of EVERY row (written or not): written rows come back from RETURNING, the rest are
 * looked up only when some are missing, so an all-new or all-changed batch costs one statement.
 */
export async function upsertWithIds(
  scope: Scope,
  spec: UpsertSpec,
  rows: Record<string, unknown>[],
): Promise<{ ids: Map<string, number>; written: number[] }> {
  const changed = await upsertChanged(scope.tx, spec, rows);
  const ids = new Map(changed.map((r) => [r.external_id, Number(r.id)]));
  const missing = rows.map((r) => String(r.external_id)).filter((e) => !ids.has(e));
  if (missing.length) { for (const [k, v] of await idsByExternalId(scope, spec.table, missing)) ids.set(k, v); }
  return { ids, written: changed.map((r) => Number(r.id)) };
}

/** Base columns every integration-scoped row carries. */
export function scoped(scope: Scope, row: Record<string, unknown>): Record<string, unknown> {
  return { tenant_id: scope.tenantId, integration_id: scope.integrationId, ...row };
}
