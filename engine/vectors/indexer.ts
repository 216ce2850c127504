// Keeps a kind's vectors in step with its rows, through the bridge table (qdrant_vectors): for each record asked
// about, hash (model + text) and compare with its bridge row — unchanged text in the current collection is not
// embedded again; changed or new text is embedded and upserted; a record that is gone, inactive or textless has its
// point and bridge row deleted; a point left in an older model's collection is deleted once the new one is written.
// Planning and embedding happen outside any transaction (the embedder may take seconds); the writes happen in the
// caller's transaction (the database store writes there too; Qdrant writes are idempotent by point id).
import { type Db, insertMany, type Queryable } from "../../db/port.ts";
import type { EmbedDoc } from "../connector.ts";
import type { Embedder } from "./embedder.ts";
import { pointId, sha256Hex } from "./ids.ts";
import { collectionFor, payloadOf, type VectorStore } from "./store.ts";

export interface IndexRequest {
  tenantId: number;
  table: string;
  /** Every record id the caller wants in step (changed, deleted or deactivated ones alike). */
  ids: number[];
  /** Texts of the ids that exist and are active; an id without a doc counts as gone. */
  docs: EmbedDoc[];
  /** Integration of docs that do not name theirs. */
  integrationId: number | null;
  /** Embed even unchanged text (re-embed of a kind). */
  force?: boolean;
}

interface BridgeRow {
  record_id: number;
  collection: string;
  point_id: string;
  content_hash: string | null;
}

export interface IndexPlan {
  request: IndexRequest;
  collection: string;
  model: string;
  dimensions: number;
  changed: Array<{ doc: EmbedDoc; hash: string; previous?: BridgeRow }>;
  gone: BridgeRow[];
  /** Points to delete per collection: gone records, and changed ones whose point is in another (older) collection. */
  stale: Map<string, string[]>;
}

export interface IndexDeps {
  embedder: Embedder;
  vectorStore: VectorStore;
}

export async function planIndex(q: Queryable, deps: IndexDeps, request: IndexRequest): Promise<IndexPlan> {
  const dimensions = await deps.embedder.ready();
  const model = deps.embedder.id;
  const collection = collectionFor(request.table, model, dimensions);
  // one entry per record, in a fixed order (concurrent batches then lock bridge rows in the same order)
  const docs = new Map<number, EmbedDoc>();
  for (const d of request.docs) if (d.text.trim() !== "") docs.set(d.id, d);
  const ids = [...new Set([...request.ids, ...docs.keys()])].sort((a, b) => a - b);
  const bridge = ids.length === 0 ? [] : await q.query<BridgeRow>(
    `SELECT record_id, collection, point_id::text AS point_id, content_hash FROM qdrant_vectors
      WHERE tenant_id = $1 AND table_name = $2 AND vector_type = 'content' AND record_id = ANY($3::bigint[])`,
    [request.tenantId, request.table, ids],
  );
  const known = new Map(bridge.map((b) => [Number(b.record_id), b]));
  const changed: IndexPlan["changed"] = [];
  const gone: BridgeRow[] = [];
  for (const id of ids) {
    const doc = docs.get(id);
    const previous = known.get(id);
    if (!doc) {
      if (previous) gone.push(previous);
      continue;
    }
    const hash = sha256Hex(`${model}\n${doc.text}`);
    if (!request.force && previous?.content_hash === hash && previous.collection === collection) continue;
    changed.push({ doc, hash, previous });
  }
  const stale = new Map<string, string[]>();
  for (const row of [...gone, ...changed.map((c) => c.previous).filter((p): p is BridgeRow => !!p)]) {
    if (!gone.includes(row) && row.collection === collection) continue;
    stale.set(row.collection, [...(stale.get(row.collection) ?? []), row.point_id]);
  }
  // a collection dropped by an operator has no points left to delete
  for (const name of [...stale.keys()]) if (!(await deps.vectorStore.collection(name)).exists) stale.delete(name);
  return { request, collection, model, dimensions, changed, gone, stale };
}

/**
 * Vectors for the plan's changed docs (the embedder refuses rather than return zeros or wrong sizes), and the
 * collection made ready for them — both before the write transaction.
 */
export async function embedPlan(deps: IndexDeps, plan: IndexPlan, signal?: AbortSignal): Promise<number[][]> {
  if (plan.changed.length === 0) return [];
  await deps.vectorStore.ensureCollection({ name: plan.collection, dimensions: plan.dimensions });
  const vectors = await deps.embedder.embed(plan.changed.map((c) => c.doc.text), signal);
  if (vectors.length !== plan.changed.length || vectors.some((v) => v.length !== plan.dimensions)) {
    throw new Error(`embedder ${plan.model} answered ${vectors.length} vectors of the wrong shape`);
  }
  return vectors;
}

export interface IndexResult {
  written: number;
  deleted: number;
}

/**
 * Writes points and bridge rows; call inside the transaction that records the work as done (and only with the
 * transaction: embedded PGlite has one connection, so nothing here may wait for another).
 */
export async function writeIndex(
  tx: Queryable,
  deps: IndexDeps,
  plan: IndexPlan,
  vectors: number[][],
  now: Date,
): Promise<IndexResult> {
  const { tenantId, table } = plan.request;
  const store = deps.vectorStore;
  if (plan.changed.length > 0) {
    const points = plan.changed.map((c, i) => ({
      id: pointId(tenantId, table, c.doc.id),
      vector: vectors[i],
      payload: payloadOf(tenantId, c.doc.integrationId ?? plan.request.integrationId, table, c.doc.id),
    }));
    await store.upsert(plan.collection, points, tx);
  }
  for (const [collection, ids] of plan.stale) await store.deletePoints(collection, ids, tx);
  if (plan.gone.length > 0) {
    await tx.query(
      `DELETE FROM qdrant_vectors WHERE tenant_id = $1 AND table_name = $2 AND vector_type = 'content'
         AND record_id = ANY($3::bigint[])`,
      [tenantId, table, plan.gone.map((g) => g.record_id)],
    );
  }
  if (plan.changed.length > 0) {
    await insertMany(
      tx,
      "qdrant_vectors",
      plan.changed.map((c) => ({
        tenant_id: tenantId,
        integration_id: c.doc.integrationId ?? plan.request.integrationId,
        table_name: table,
        record_id: c.doc.id,
        collection: plan.collection,
        point_id: pointId(tenantId, table, c.doc.id),
        vector_type: "content",
        content_hash: c.hash,
        embedder: plan.model,
        store: store.kind,
        dimensions: plan.dimensions,
        embedded_at: now.toISOString(),
        active: true,
      })),
      {
        onConflict: `ON CONFLICT (tenant_id, table_name, record_id, vector_type) DO UPDATE SET
          content_hash = EXCLUDED.content_hash, embedder = EXCLUDED.embedder, point_id = EXCLUDED.point_id,
          collection = EXCLUDED.collection, integration_id = EXCLUDED.integration_id, store = EXCLUDED.store,
          dimensions = EXCLUDED.dimensions, embedded_at = EXCLUDED.embedded_at, active = true, updated_at = now()`,
      },
    );
  }
  // every record asked about is in step now (written, unchanged, or gone): no earlier failure stands
  const settled = plan.request.ids;
  if (settled.length > 0) {
    await tx.query(
      "DELETE FROM vector_failures WHERE tenant_id = $1 AND table_name = $2 AND record_id = ANY($3::bigint[])",
      [tenantId, table, settled],
    );
  }
  return { written: plan.changed.length, deleted: plan.gone.length };
}

/** Records the records of a batch whose embedding failed for good (the Qdrant page counts them as failed). */
export async function recordFailures(
  q: Queryable,
  tenantId: number,
  table: string,
  ids: number[],
  embedder: string,
  error: string,
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await q.query(
    `INSERT INTO vector_failures (tenant_id, table_name, record_id, embedder, error, failed_at)
     SELECT $1, $2, unnest($3::bigint[]), $4, $5, $6
     ON CONFLICT (tenant_id, table_name, record_id) DO UPDATE SET embedder = EXCLUDED.embedder,
       error = EXCLUDED.error, failed_at = EXCLUDED.failed_at`,
    [tenantId, table, ids, embedder, error.slice(0, 2000), now],
  );
}

/** Plan, embed and write one request in its own transaction (re-embed and back-fill outside of runs). */
export async function indexRecords(db: Db, deps: IndexDeps, request: IndexRequest, now = new Date()) {
  const plan = await planIndex(db, deps, request);
  const vectors = await embedPlan(deps, plan);
  return await db.transaction((tx) => writeIndex(tx, deps, plan, vectors, now));
}
