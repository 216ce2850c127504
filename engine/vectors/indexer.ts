// Keeps vectors in step with rows: for each document, hash (embedder id + text); rows whose hash matches the
// bridge row are skipped (unchanged text is not re-embedded), the rest are embedded in one call, written to the
// store and recorded in qdrant_vectors with their deterministic point id. A failed embedding throws — no zero
// vector is ever stored as if it were valid.
import { insertMany, type Queryable } from "../../db/port.ts";
import type { EmbedDoc } from "../connector.ts";
import type { Embedder } from "./embedder.ts";
import { collectionName, pointId, sha256Hex } from "./ids.ts";
import type { VectorStore } from "./store.ts";

export interface IndexTarget {
  tenantId: number;
  integrationId: number | null;
  docs: EmbedDoc[];
}

/** Returns how many vectors were written. */
export async function indexDocs(
  deps: { embedder: Embedder; vectorStore: VectorStore },
  tx: Queryable,
  target: IndexTarget,
): Promise<number> {
  const { embedder, vectorStore } = deps;
  // One entry per row, in a fixed order: concurrent batches touching the same rows then lock them in the same
  // order (no deadlock), and one statement never upserts a row twice.
  const unique = new Map<string, EmbedDoc>();
  for (const d of target.docs) if (d.text.trim().length > 0) unique.set(`${d.table}:${d.id}`, d);
  const docs = [...unique.values()].sort((a, b) => a.table.localeCompare(b.table) || a.id - b.id);
  if (docs.length === 0) return 0;
  const hashes = docs.map((d) => sha256Hex(`${embedder.id}\n${d.text}`));
  const known = await tx.query<{ table_name: string; record_id: number; content_hash: string | null }>(
    `SELECT table_name, record_id, content_hash FROM qdrant_vectors
     WHERE tenant_id = $1 AND vector_type = 'content' AND active
       AND (table_name, record_id) IN (SELECT * FROM unnest($2::text[], $3::bigint[]))`,
    [target.tenantId, docs.map((d) => d.table), docs.map((d) => d.id)],
  );
  const current = new Map(known.map((k) => [`${k.table_name}:${k.record_id}`, k.content_hash]));
  const changed = docs.map((d, i) => ({ doc: d, hash: hashes[i] }))
    .filter(({ doc, hash }) => current.get(`${doc.table}:${doc.id}`) !== hash);
  if (changed.length === 0) return 0;

  const vectors = await embedder.embed(changed.map((c) => c.doc.text));
  if (vectors.length !== changed.length || vectors.some((v) => v.length !== embedder.dimensions)) {
    throw new Error(`embedder ${embedder.id} returned ${vectors.length} vectors of the wrong shape`);
  }
  const ids = changed.map((c) => pointId(target.tenantId, c.doc.table, c.doc.id));
  const byCollection = new Map<string, Array<{ id: string; vector: number[]; payload: Record<string, unknown> }>>();
  changed.forEach((c, i) => {
    const collection = collectionName(target.tenantId, c.doc.table);
    let list = byCollection.get(collection);
    if (!list) byCollection.set(collection, list = []);
    list.push({ id: ids[i], vector: vectors[i], payload: { table: c.doc.table, recordId: c.doc.id } });
  });
  for (const [collection, points] of byCollection) {
    points.sort((a, b) => a.id.localeCompare(b.id));
    await vectorStore.upsert(tx, target.tenantId, collection, points);
  }
  await insertMany(
    tx,
    "qdrant_vectors",
    changed.map((c, i) => ({
      tenant_id: target.tenantId,
      integration_id: target.integrationId,
      table_name: c.doc.table,
      record_id: c.doc.id,
      collection: collectionName(target.tenantId, c.doc.table),
      point_id: ids[i],
      vector_type: "content",
      content_hash: c.hash,
      embedder: embedder.id,
      active: true,
    })),
    {
      onConflict: `ON CONFLICT (tenant_id, table_name, record_id, vector_type) DO UPDATE SET
        content_hash = EXCLUDED.content_hash, embedder = EXCLUDED.embedder, point_id = EXCLUDED.point_id,
        collection = EXCLUDED.collection, integration_id = EXCLUDED.integration_id, active = true, updated_at = now()`,
    },
  );
  return changed.length;
}
