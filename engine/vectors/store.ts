// The VectorStore port and its database adapter for PostgreSQL without pgvector (and PGlite): points in
// vector_points as real[], scored by dot product (vectors are unit length, so that is cosine similarity).
// Brute force is fine at the sizes the embedded mode is for; Qdrant is the adapter for large tenants.
import type { Queryable } from "../../db/port.ts";

export interface VectorPoint {
  id: string;
  vector: number[];
  payload: Record<string, unknown>;
}

export interface ScoredPoint {
  id: string;
  score: number;
  payload: Record<string, unknown>;
}

export interface VectorStore {
  readonly kind: "db" | "qdrant";
  /** Idempotent by point id. `q` is the caller's transaction for the database store. */
  upsert(q: Queryable, tenantId: number, collection: string, points: VectorPoint[]): Promise<void>;
  search(q: Queryable, tenantId: number, collection: string, vector: number[], limit: number): Promise<ScoredPoint[]>;
  delete(q: Queryable, tenantId: number, ids: string[]): Promise<void>;
}

/** `{0.1767767,0,-0.25}`: seven significant digits is what a float4 holds. */
export function arrayLiteral(vector: number[]): string {
  const parts = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i];
    if (!Number.isFinite(x)) throw new Error(`vector component ${i} is not a finite number`);
    parts[i] = x === 0 ? "0" : x.toPrecision(7);
  }
  return `{${parts.join(",")}}`;
}

export class DbVectorStore implements VectorStore {
  readonly kind = "db" as const;

  async upsert(q: Queryable, tenantId: number, collection: string, points: VectorPoint[]): Promise<void> {
    if (points.length === 0) return;
    // Vectors travel as PostgreSQL array literals at float4 precision: parsing them is several times cheaper than
    // unpacking JSON arrays element by element, and real[] keeps no more digits anyway.
    await q.query(
      `INSERT INTO vector_points (point_id, tenant_id, collection, vector, payload, updated_at)
       SELECT p.id, $1, $2, p.v::real[], $5::jsonb -> (p.n::int - 1), now()
       FROM unnest($3::uuid[], $4::text[]) WITH ORDINALITY AS p(id, v, n)
       ON CONFLICT (point_id) DO UPDATE SET vector = EXCLUDED.vector, payload = EXCLUDED.payload,
         collection = EXCLUDED.collection, updated_at = now()`,
      [
        tenantId,
        collection,
        points.map((p) => p.id),
        points.map((p) => arrayLiteral(p.vector)),
        JSON.stringify(points.map((p) => p.payload)),
      ],
    );
  }

  async search(
    q: Queryable,
    tenantId: number,
    collection: string,
    vector: number[],
    limit: number,
  ): Promise<ScoredPoint[]> {
    return await q.query<ScoredPoint>(
      `WITH query AS (SELECT ARRAY(SELECT jsonb_array_elements_text($3::jsonb)::real) AS v)
       SELECT p.point_id::text AS id, p.payload,
         (SELECT sum(a * b) FROM unnest(p.vector, query.v) AS t(a, b))::float8 AS score
       FROM vector_points p, query WHERE p.tenant_id = $1 AND p.collection = $2
       ORDER BY score DESC LIMIT $4`,
      [tenantId, collection, JSON.stringify(vector), limit],
    );
  }

  async delete(q: Queryable, tenantId: number, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await q.query("DELETE FROM vector_points WHERE tenant_id = $1 AND point_id::text = ANY($2::text[])", [
      tenantId,
      ids,
    ]);
  }
}
