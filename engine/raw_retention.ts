// Retention of raw pages (raw_extraction_data). Every sync stores its pages so a mapping change can be re-applied
// without calling the source, but a re-transform only needs the newest stored version of each record: a page older
// than the retention window whose every record has a newer copy in a later page of the same integration and kind
// can go. Pages of runs still in progress, pages with a record whose identity cannot be read (no id/node_id/key) and
// everything inside the window are kept. Deletes run in small batches so no statement holds locks for long.
import type { Db } from "../db/port.ts";

export interface RawRetentionOptions {
  /** Pages younger than this are always kept (SLUICE_RAW_RETENTION_DAYS, default 14). */
  retentionDays: number;
  /** Pages deleted per statement (default 500). */
  batchSize?: number;
  /** Only this tenant (tests, admin actions); default every tenant. */
  tenantId?: number;
}

// The records of a page: a JSON array, or `{records: [...]}`; their identity is the first of id, node_id, key.
const RECORDS = `jsonb_array_elements(CASE WHEN jsonb_typeof(r.payload) = 'array' THEN r.payload
  ELSE coalesce(r.payload -> 'records', '[]'::jsonb) END)`;
const IDENTITY = `coalesce(p ->> 'id', p ->> 'node_id', p ->> 'key')`;

// Old pages of finished runs, in id order after a cursor: the candidates of one round.
const CANDIDATES_SQL = `SELECT r.id FROM raw_extraction_data r
  WHERE r.id > $1 AND r.created_at < now() - $2 * interval '1 day' AND ($3::int IS NULL OR r.tenant_id = $3)
    AND NOT EXISTS (SELECT 1 FROM etl_runs e WHERE e.id = r.run_id AND e.status IN ('RUNNING', 'RATE_LIMITED'))
  ORDER BY r.id LIMIT $4`;

// Of the candidates, those whose every record has a newer copy (same integration and kind, later page).
const PRUNABLE_SQL = `SELECT o.id FROM raw_extraction_data o
WHERE o.id = ANY($1::bigint[]) AND NOT EXISTS (
  SELECT 1 FROM raw_extraction_data r, ${RECORDS} p
  WHERE r.id = o.id AND (${IDENTITY} IS NULL OR NOT EXISTS (
    SELECT 1 FROM raw_extraction_data n, ${RECORDS.replaceAll("r.payload", "n.payload")} q
    WHERE n.tenant_id = o.tenant_id AND n.integration_id = o.integration_id AND n.kind = o.kind AND n.id > o.id
      AND coalesce(q ->> 'id', q ->> 'node_id', q ->> 'key') = ${IDENTITY}
  ))
)`;

/** Deletes raw pages a re-transform no longer needs, a batch per statement; returns how many went. */
export async function pruneRawPages(db: Db, options: RawRetentionOptions): Promise<number> {
  const batch = options.batchSize ?? 500;
  let total = 0;
  let cursor = 0;
  for (;;) {
    const candidates = (await db.query<{ id: number }>(CANDIDATES_SQL, [
      cursor,
      options.retentionDays,
      options.tenantId ?? null,
      batch,
    ])).map((r) => r.id);
    if (candidates.length === 0) return total;
    cursor = candidates[candidates.length - 1];
    const ids = (await db.query<{ id: number }>(PRUNABLE_SQL, [candidates])).map((r) => r.id);
    if (ids.length > 0) {
      total += (await db.query("DELETE FROM raw_extraction_data WHERE id = ANY($1::bigint[]) RETURNING id", [ids]))
        .length;
    }
  }
}

export interface RawDataSize {
  pages: number;
  /** Stored size of the payloads (compressed as PostgreSQL keeps them). */
  bytes: number;
}

export async function rawDataSize(db: Db, tenantId: number): Promise<RawDataSize> {
  const [row] = await db.query<{ pages: number; bytes: number }>(
    `SELECT count(*)::int AS pages, coalesce(sum(pg_column_size(payload)), 0)::bigint AS bytes
     FROM raw_extraction_data WHERE tenant_id = $1`,
    [tenantId],
  );
  return { pages: row.pages, bytes: Number(row.bytes) };
}
