// VectorStore adapter in Sluice's own database. With pgvector (always in embedded PGlite; on PostgreSQL where the
// extension is installed) vectors are `vector` values scored by cosine distance with one HNSW index per collection
// (a partial expression index, so collections of different dimensions share one table). Without it — PostgreSQL
// that lacks the extension, accepted only where the caller allows it — vectors are `real[]` and scored exactly by
// a dot product (vectors are unit length). `sluice serve` refuses the second mode unless asked (engine_services).
//
// The tables are created here, not by a migration: whether `vector` exists is only known at run time, and an
// extension installed later upgrades the column in place.
import type { Db, Queryable } from "../../db/port.ts";
import type {
  CollectionSpec,
  CollectionState,
  PointFilter,
  PointPayload,
  ScoredPoint,
  StoreHealth,
  VectorPoint,
  VectorStore,
} from "./store.ts";
import { DimensionMismatchError } from "./store.ts";

/** PostgreSQL has no pgvector and the caller required it: the message names the fix. */
export class PgvectorMissingError extends Error {
  override name = "PgvectorMissingError";
}

const SCHEMA_LOCK = 0x51_1ce_060;
/** pgvector indexes `vector` columns of at most 2,000 dimensions; longer vectors are searched without an index. */
const MAX_INDEXED_DIMENSIONS = 2000;
const NAME = /^[a-z0-9_-]{1,200}$/;

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid collection name ${JSON.stringify(name)}`);
  return name;
}

/** Six significant digits is what a float4 keeps. */
function literal(vector: number[], open: string, close: string): string {
  const parts = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i];
    if (!Number.isFinite(x)) throw new Error(`vector component ${i} is not a finite number`);
    parts[i] = x === 0 ? "0" : x.toPrecision(7);
  }
  return `${open}${parts.join(",")}${close}`;
}

function indexName(collection: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < collection.length; i++) h = Math.imul(h ^ collection.charCodeAt(i), 0x01000193);
  return `vector_points_hnsw_${(h >>> 0).toString(16)}`;
}

export interface DatabaseStoreOptions {
  /** Refuse to run without pgvector (sluice serve on PostgreSQL) instead of using the exact mode. */
  requirePgvector?: boolean;
  /**
   * Points a collection holds before it gets its HNSW index (default 20,000, like Qdrant's indexing threshold).
   * Below it an exact scan is as fast, and every insert into an HNSW graph costs ~10 ms in embedded PGlite (WASM,
   * one thread) against ~1 ms without; past it the index is built once, in bulk, before the next batch.
   */
  indexThreshold?: number;
}

export class DatabaseVectorStore implements VectorStore {
  #mode: "pgvector" | "exact" | undefined;
  #version: string | null = null;
  #ready: Promise<void> | undefined;
  readonly #dims = new Map<string, number>();
  /** Collections known to have their HNSW index, and points written since their size was last checked. */
  readonly #indexed = new Set<string>();
  readonly #sinceCheck = new Map<string, number>();

  constructor(private db: Db, private options: DatabaseStoreOptions = {}) {}

  get kind(): "pgvector" | "exact" {
    if (!this.#mode) throw new Error("the database vector store is not ready yet (call ready() first)");
    return this.#mode;
  }

  ready(): Promise<void> {
    this.#ready ??= this.#prepare().catch((e) => {
      this.#ready = undefined;
      throw e;
    });
    return this.#ready;
  }

  async #prepare() {
    const available = await this.db.query<{ installed: string | null; available: string | null }>(
      `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS installed,
              (SELECT default_version FROM pg_available_extensions WHERE name = 'vector') AS available`,
    );
    let version = available[0]?.installed ?? null;
    if (!version && available[0]?.available) {
      try {
        await this.db.exec("CREATE EXTENSION IF NOT EXISTS vector");
        version = available[0].available;
      } catch (e) {
        if (this.options.requirePgvector) {
          throw new PgvectorMissingError(
            `pgvector is installed on the server but CREATE EXTENSION vector failed (${(e as Error).message}): ` +
              "run it once as a superuser in this database, or set QDRANT_URL to keep vectors in Qdrant",
          );
        }
      }
    }
    if (!version && this.options.requirePgvector) {
      const [{ server }] = await this.db.query<{ server: string }>(
        "SELECT current_setting('server_version') AS server",
      );
      const major = server.split(".")[0];
      throw new PgvectorMissingError(
        `PostgreSQL ${server} has no pgvector extension, which Sluice needs for vectors when QDRANT_URL is not set. ` +
          `Install it on the database server (Debian/Ubuntu: apt install postgresql-${major}-pgvector; Docker: ` +
          `the pgvector/pgvector:pg${major} image), then run CREATE EXTENSION vector once as a superuser — or set ` +
          "QDRANT_URL to keep vectors in Qdrant",
      );
    }
    this.#mode = version ? "pgvector" : "exact";
    this.#version = version;
    const column = version ? "vector" : "real[]";
    await this.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
      await tx.exec(`
        CREATE TABLE IF NOT EXISTS vector_collections (
          name text PRIMARY KEY,
          dimensions int NOT NULL CHECK (dimensions > 0),
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS vector_points (
          collection text NOT NULL REFERENCES vector_collections(name) ON DELETE CASCADE,
          point_id uuid NOT NULL,
          tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
          integration_id int REFERENCES integrations(id) ON DELETE CASCADE,
          embedding ${column} NOT NULL,
          payload jsonb NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (collection, point_id)
        );
        CREATE INDEX IF NOT EXISTS vector_points_tenant_idx ON vector_points (collection, tenant_id);`);
      if (version) {
        // created before the extension was installed: upgrade the column in place (pgvector casts real[])
        const [col] = await tx.query<{ type: string }>(
          `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
            WHERE attrelid = 'vector_points'::regclass AND attname = 'embedding'`,
        );
        if (col?.type === "real[]") {
          await tx.exec("ALTER TABLE vector_points ALTER COLUMN embedding TYPE vector USING embedding::vector");
        }
      }
    });
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    await this.ready();
    const name = checkName(spec.name);
    if (this.#dims.get(name) === spec.dimensions) {
      // known collection: only look at its size again after another 1,000 points
      if ((this.#sinceCheck.get(name) ?? 0) >= 1000) {
        this.#sinceCheck.set(name, 0);
        await this.#indexIfLarge(name, spec.dimensions);
      }
      return;
    }
    await this.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
      await tx.query("INSERT INTO vector_collections (name, dimensions) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
        name,
        spec.dimensions,
      ]);
      const [row] = await tx.query<{ dimensions: number }>(
        "SELECT dimensions FROM vector_collections WHERE name = $1",
        [name],
      );
      if (row.dimensions !== spec.dimensions) {
        throw new DimensionMismatchError(
          `collection ${name} holds ${row.dimensions}-dimension vectors, not ${spec.dimensions}: recreate it`,
        );
      }
    });
    this.#dims.set(name, spec.dimensions);
    await this.#indexIfLarge(name, spec.dimensions);
  }

  /** Builds the collection's HNSW index once it holds indexThreshold points (outside any caller transaction). */
  async #indexIfLarge(name: string, dimensions: number) {
    if (this.#mode !== "pgvector" || dimensions > MAX_INDEXED_DIMENSIONS || this.#indexed.has(name)) return;
    const [{ exists }] = await this.db.query<{ exists: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE tablename = 'vector_points' AND indexname = $1) AS exists",
      [indexName(name)],
    );
    if (!exists) {
      const [{ n }] = await this.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM vector_points WHERE collection = $1",
        [name],
      );
      if (n < (this.options.indexThreshold ?? 20_000)) return;
      await this.db.exec(
        `CREATE INDEX IF NOT EXISTS ${indexName(name)} ON vector_points
         USING hnsw ((embedding::vector(${dimensions})) vector_cosine_ops) WHERE collection = '${name}'`,
      );
      // fresh statistics, or the planner keeps sorting the whole collection instead of walking the new index
      // (embedded PGlite runs no autovacuum, so nothing else would collect them)
      await this.db.exec("ANALYZE vector_points");
    }
    this.#indexed.add(name);
  }

  async recreateCollection(spec: CollectionSpec): Promise<void> {
    await this.ready();
    const name = checkName(spec.name);
    await this.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
      await tx.exec(`DROP INDEX IF EXISTS ${indexName(name)}`);
      await tx.query("DELETE FROM vector_collections WHERE name = $1", [name]);
    });
    this.#dims.delete(name);
    this.#indexed.delete(name);
    await this.ensureCollection(spec);
  }

  async collection(name: string): Promise<CollectionState> {
    await this.ready();
    const [row] = await this.db.query<{ dimensions: number; points: number }>(
      `SELECT c.dimensions, (SELECT count(*)::int FROM vector_points p WHERE p.collection = c.name) AS points
         FROM vector_collections c WHERE c.name = $1`,
      [checkName(name)],
    );
    if (!row) return { exists: false, points: null, dimensions: null, status: "missing" };
    return { exists: true, points: row.points, dimensions: row.dimensions, status: "ready" };
  }

  async #dimensionsOf(collection: string): Promise<number> {
    const known = this.#dims.get(collection);
    if (known !== undefined) return known;
    const [row] = await this.db.query<{ dimensions: number }>(
      "SELECT dimensions FROM vector_collections WHERE name = $1",
      [checkName(collection)],
    );
    if (!row) throw new Error(`collection ${collection} does not exist`);
    this.#dims.set(collection, row.dimensions);
    return row.dimensions;
  }

  async upsert(collection: string, points: VectorPoint[], tx?: Queryable): Promise<void> {
    if (points.length === 0) return;
    await this.ready();
    const dims = await this.#dimensionsOf(collection);
    for (const p of points) {
      if (p.vector.length !== dims) {
        throw new DimensionMismatchError(
          `point ${p.id} has ${p.vector.length} dimensions, ${collection} holds ${dims}`,
        );
      }
    }
    const pg = this.#mode === "pgvector";
    // Vectors travel as text literals: parsing one is several times cheaper than unpacking JSON arrays.
    await (tx ?? this.db).query(
      `INSERT INTO vector_points (collection, point_id, tenant_id, integration_id, embedding, payload, updated_at)
       SELECT $1, p.id, (pl ->> 'tenant')::int, (pl ->> 'integration_id')::int, p.v::${pg ? "vector" : "real[]"}, pl,
              now()
         FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS p(id, v, n),
              LATERAL (SELECT $4::jsonb -> (p.n::int - 1) AS pl) x
       ON CONFLICT (collection, point_id) DO UPDATE SET embedding = EXCLUDED.embedding, payload = EXCLUDED.payload,
         tenant_id = EXCLUDED.tenant_id, integration_id = EXCLUDED.integration_id, updated_at = now()`,
      [
        checkName(collection),
        points.map((p) => p.id),
        points.map((p) => pg ? literal(p.vector, "[", "]") : literal(p.vector, "{", "}")),
        JSON.stringify(points.map((p) => p.payload)),
      ],
    );
    // every 1,000 points written, the next ensureCollection (before the next batch) looks at the size again
    if (this.#indexed.has(collection)) return;
    const since = (this.#sinceCheck.get(collection) ?? 0) + points.length;
    this.#sinceCheck.set(collection, since);
  }

  async deletePoints(collection: string, ids: string[], tx?: Queryable): Promise<void> {
    if (ids.length === 0) return;
    await this.ready();
    await (tx ?? this.db).query("DELETE FROM vector_points WHERE collection = $1 AND point_id = ANY($2::uuid[])", [
      checkName(collection),
      ids,
    ]);
  }

  async deleteWhere(collection: string, filter: PointFilter, tx?: Queryable): Promise<void> {
    await this.ready();
    await (tx ?? this.db).query(
      `DELETE FROM vector_points WHERE collection = $1 AND tenant_id = $2
         AND ($3::int IS NULL OR integration_id = $3)`,
      [checkName(collection), filter.tenantId, filter.integrationId ?? null],
    );
  }

  async count(collection: string, filter: PointFilter): Promise<number> {
    await this.ready();
    const [row] = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM vector_points WHERE collection = $1 AND tenant_id = $2
         AND ($3::int IS NULL OR integration_id = $3)`,
      [checkName(collection), filter.tenantId, filter.integrationId ?? null],
    );
    return row.n;
  }

  async query(collection: string, vector: number[], filter: PointFilter, limit: number): Promise<ScoredPoint[]> {
    await this.ready();
    const name = checkName(collection);
    const dims = await this.#dimensionsOf(name);
    if (vector.length !== dims) {
      throw new DimensionMismatchError(`query vector has ${vector.length} dimensions, ${name} holds ${dims}`);
    }
    const where = `collection = '${name}' AND tenant_id = $2 AND ($3::int IS NULL OR integration_id = $3)`;
    const params: unknown[] = [null, filter.tenantId, filter.integrationId ?? null, limit];
    if (this.#mode === "exact") {
      params[0] = literal(vector, "{", "}");
      return await this.db.query<ScoredPoint>(
        `SELECT point_id::text AS id, payload,
                (SELECT sum(a * b) FROM unnest(embedding, $1::real[]) AS t(a, b))::float8 AS score
           FROM vector_points WHERE ${where} ORDER BY score DESC, point_id LIMIT $4`,
        params,
      );
    }
    params[0] = literal(vector, "[", "]");
    const distance = `(embedding::vector(${dims})) <=> $1::vector(${dims})`;
    // The collection is a literal so the planner can use its partial HNSW index; iterative scanning keeps walking
    // the graph when the tenant filter rejects candidates, so a small tenant still gets `limit` results.
    return await this.db.transaction(async (tx) => {
      // a wider candidate list than pgvector's default 40: lexical vectors tie a lot, and recall at 40 is poor
      await tx.exec("SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = 200");
      const rows = await tx.query<ScoredPoint & { distance: number }>(
        `SELECT point_id::text AS id, payload, ${distance} AS distance FROM vector_points
          WHERE ${where} ORDER BY ${distance} LIMIT $4`,
        params,
      );
      // relaxed order: results can be slightly out of order, so sort the (few) rows by their exact distance
      return rows.sort((a, b) => a.distance - b.distance).map((r) => ({
        id: r.id,
        payload: r.payload as PointPayload,
        score: 1 - Number(r.distance),
      }));
    });
  }

  async *pointIds(collection: string, filter: PointFilter): AsyncIterable<string[]> {
    await this.ready();
    let after = "00000000-0000-0000-0000-000000000000";
    while (true) {
      const rows = await this.db.query<{ id: string }>(
        `SELECT point_id::text AS id FROM vector_points WHERE collection = $1 AND tenant_id = $2 AND point_id > $3
          ORDER BY point_id LIMIT 1000`,
        [checkName(collection), filter.tenantId, after],
      );
      if (rows.length === 0) return;
      yield rows.map((r) => r.id);
      after = rows[rows.length - 1].id;
    }
  }

  async health(): Promise<StoreHealth> {
    const t0 = performance.now();
    try {
      await this.ready();
      await this.db.query("SELECT count(*) FROM vector_collections");
      const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
      return this.#mode === "pgvector"
        ? {
          ok: true,
          latencyMs,
          version: `pgvector ${this.#version}`,
          detail: `pgvector in the ${this.db.kind} database`,
        }
        : {
          ok: true,
          latencyMs,
          version: null,
          detail: "plain table in PostgreSQL without pgvector: exact search, no index (fine for small data)",
        };
    } catch (e) {
      return { ok: false, latencyMs: Math.round(performance.now() - t0), version: null, detail: (e as Error).message };
    }
  }
}
