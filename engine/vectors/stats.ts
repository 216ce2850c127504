// Per record kind, for one tenant: rows in the database vs vectors in the store vs bridge rows, and the difference
// explained — pending (active rows not yet embedded with the current model), failed (their batch's last attempt
// failed), orphaned (bridge rows whose record is gone or inactive, plus points the bridge does not know).
import type { Queryable } from "../../db/port.ts";
import { ident } from "../../db/port.ts";
import type { Embedder } from "./embedder.ts";
import { RECORD_KINDS } from "./kinds.ts";
import { collectionFor, type VectorStore } from "./store.ts";

export interface KindStats {
  kind: string;
  label: string;
  collection: string;
  collectionExists: boolean;
  /** Active rows of the tenant. */
  rows: number;
  /** Points of the tenant in the current collection. */
  vectors: number;
  /** Bridge rows of the tenant (any model). */
  bridge: number;
  /** Bridge rows in the current collection. */
  current: number;
  pending: number;
  failed: number;
  /** Bridge rows whose record is gone or inactive. */
  orphanedRows: number;
  /** Points in the store the bridge does not name (vectors − current, when positive). */
  orphanedPoints: number;
  /** Records embedded with another model (re-embedded in the background). */
  otherModel: number;
}

export async function kindStats(
  q: Queryable,
  deps: { embedder: Embedder; vectorStore: VectorStore },
  tenantId: number,
): Promise<KindStats[]> {
  const dims = await deps.embedder.ready();
  const out: KindStats[] = [];
  for (const k of RECORD_KINDS) {
    const table = ident(k.kind);
    const collection = collectionFor(k.kind, deps.embedder.id, dims);
    const [row] = await q.query<
      Omit<KindStats, "kind" | "label" | "collection" | "collectionExists" | "vectors" | "orphanedPoints">
    >(
      `SELECT
         (SELECT count(*)::int FROM ${table} t WHERE t.tenant_id = $1 AND t.active) AS rows,
         (SELECT count(*)::int FROM qdrant_vectors b WHERE b.tenant_id = $1 AND b.table_name = $2) AS bridge,
         (SELECT count(*)::int FROM qdrant_vectors b WHERE b.tenant_id = $1 AND b.table_name = $2
            AND b.collection = $3) AS current,
         (SELECT count(*)::int FROM qdrant_vectors b WHERE b.tenant_id = $1 AND b.table_name = $2
            AND b.collection <> $3) AS "otherModel",
         (SELECT count(*)::int FROM vector_failures f WHERE f.tenant_id = $1 AND f.table_name = $2) AS failed,
         (SELECT count(*)::int FROM ${table} t WHERE t.tenant_id = $1 AND t.active
            AND NOT EXISTS (SELECT 1 FROM qdrant_vectors b WHERE b.tenant_id = $1 AND b.table_name = $2
              AND b.record_id = t.id AND b.collection = $3)
            AND NOT EXISTS (SELECT 1 FROM vector_failures f WHERE f.tenant_id = $1 AND f.table_name = $2
              AND f.record_id = t.id)) AS pending,
         (SELECT count(*)::int FROM qdrant_vectors b WHERE b.tenant_id = $1 AND b.table_name = $2
            AND NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.id = b.record_id AND t.tenant_id = $1 AND t.active))
           AS "orphanedRows"`,
      [tenantId, k.kind, collection],
    );
    const state = await deps.vectorStore.collection(collection);
    const vectors = state.exists ? await deps.vectorStore.count(collection, { tenantId }) : 0;
    out.push({
      kind: k.kind,
      label: k.label,
      collection,
      collectionExists: state.exists,
      ...row,
      vectors,
      orphanedPoints: Math.max(0, vectors - row.current),
    });
  }
  return out;
}
