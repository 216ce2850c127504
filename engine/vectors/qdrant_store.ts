// VectorStore adapter for Qdrant through @qdrant/js-client-rest. Collections use cosine distance; before the first
// point arrives each gets payload indexes — the tenant field as a keyword index with `is_tenant` (Qdrant co-locates
// a tenant's vectors), the integration and the record kind — because filtering on unindexed fields is slow.
// Writes wait for the server to apply them (`wait: true`), so a count or search right after sees them. Searches use
// the query API (`search` is gone) with the tenant filter inside the request.
import { QdrantClient } from "@qdrant/js-client-rest";
import type { Queryable } from "../../db/port.ts";
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

export interface QdrantStoreOptions {
  url: string;
  apiKey?: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Points per upsert request (default 256; Qdrant's body limit is 32 MB). */
  upsertBatch?: number;
}

/** A Qdrant call failed; the message names the operation, the status and Qdrant's own reason. */
export class QdrantError extends Error {
  override name = "QdrantError";
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

function filterOf(f: PointFilter) {
  const must: Array<{ key: string; match: { value: string | number } }> = [
    { key: "tenant", match: { value: String(f.tenantId) } },
  ];
  if (f.integrationId !== undefined) must.push({ key: "integration_id", match: { value: f.integrationId } });
  return { must };
}

export class QdrantStore implements VectorStore {
  readonly kind = "qdrant" as const;
  readonly #client: QdrantClient;
  readonly #ensured = new Map<string, number>();
  readonly #batch: number;

  constructor(private options: QdrantStoreOptions) {
    this.#client = new QdrantClient({
      url: options.url,
      // as a header rather than `apiKey`: the client prints a console warning for keys over http (a local Qdrant)
      headers: options.apiKey ? { "api-key": options.apiKey } : undefined,
      timeout: options.timeoutMs ?? 30_000,
      // the health endpoint reports the version; the client's own start-up check only prints warnings
      checkCompatibility: false,
    });
    this.#batch = options.upsertBatch ?? 256;
  }

  /** Runs one client call and turns its failure into a QdrantError naming what failed. */
  async #call<T>(what: string, fn: (c: QdrantClient) => Promise<T>): Promise<T> {
    try {
      return await fn(this.#client);
    } catch (e) {
      const err = e as { status?: number; data?: { status?: { error?: string } }; message?: string; name?: string };
      const reason = err.data?.status?.error ?? err.message ?? String(e);
      const status = typeof err.status === "number" ? err.status : undefined;
      const where = new URL(this.options.url).host;
      throw new QdrantError(`Qdrant at ${where}: ${what} failed${status ? ` (${status})` : ""}: ${reason}`, status);
    }
  }

  async ready(): Promise<void> {
    await this.#call("version check", (c) => c.versionInfo());
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    if (this.#ensured.get(spec.name) === spec.dimensions) return;
    const { exists } = await this.#call(`exists ${spec.name}`, (c) => c.collectionExists(spec.name));
    if (!exists) {
      try {
        await this.#create(spec);
      } catch (e) {
        // another instance created it at the same moment: fine, as long as its size is right
        if (!(e instanceof QdrantError && e.status === 409)) throw e;
      }
    }
    const info = await this.collection(spec.name);
    if (info.dimensions !== spec.dimensions) {
      throw new DimensionMismatchError(
        `collection ${spec.name} holds ${info.dimensions}-dimension vectors, not ${spec.dimensions}: recreate it`,
      );
    }
    this.#ensured.set(spec.name, spec.dimensions);
  }

  async #create(spec: CollectionSpec) {
    await this.#call(`create ${spec.name}`, (c) =>
      c.createCollection(spec.name, {
        vectors: { size: spec.dimensions, distance: "Cosine" },
        metadata: { created_by: "sluice", dimensions: spec.dimensions },
      }));
    // indexes before any point: a filter on an unindexed field turns every query into a scan
    const indexes = [
      { field_name: "tenant", field_schema: { type: "keyword" as const, is_tenant: true } },
      { field_name: "integration_id", field_schema: "integer" as const },
      { field_name: "kind", field_schema: "keyword" as const },
    ];
    for (const index of indexes) {
      await this.#call(
        `index ${index.field_name} of ${spec.name}`,
        (c) => c.createPayloadIndex(spec.name, { wait: true, ...index }),
      );
    }
  }

  async recreateCollection(spec: CollectionSpec): Promise<void> {
    this.#ensured.delete(spec.name);
    const { exists } = await this.#call(`exists ${spec.name}`, (c) => c.collectionExists(spec.name));
    if (exists) await this.#call(`delete ${spec.name}`, (c) => c.deleteCollection(spec.name));
    await this.ensureCollection(spec);
  }

  async collection(name: string): Promise<CollectionState> {
    const { exists } = await this.#call(`exists ${name}`, (c) => c.collectionExists(name));
    if (!exists) return { exists: false, points: null, dimensions: null, status: "missing" };
    const info = await this.#call(`info of ${name}`, (c) => c.getCollection(name));
    const vectors = info.config?.params?.vectors as { size?: number } | undefined;
    return {
      exists: true,
      points: info.points_count ?? null,
      dimensions: typeof vectors?.size === "number" ? vectors.size : null,
      status: String(info.status),
    };
  }

  async upsert(collection: string, points: VectorPoint[], _tx?: Queryable): Promise<void> {
    for (let i = 0; i < points.length; i += this.#batch) {
      const part = points.slice(i, i + this.#batch);
      await this.#call(`upsert of ${part.length} points into ${collection}`, (c) =>
        c.upsert(collection, {
          wait: true,
          points: part.map((p) => ({ id: p.id, vector: p.vector, payload: { ...p.payload } })),
        }));
    }
  }

  async deletePoints(collection: string, ids: string[], _tx?: Queryable): Promise<void> {
    if (ids.length === 0) return;
    await this.#call(
      `delete of ${ids.length} points from ${collection}`,
      (c) => c.delete(collection, { wait: true, points: ids }),
    );
  }

  async deleteWhere(collection: string, filter: PointFilter, _tx?: Queryable): Promise<void> {
    await this.#call(
      `delete by filter from ${collection}`,
      (c) => c.delete(collection, { wait: true, filter: filterOf(filter) }),
    );
  }

  async count(collection: string, filter: PointFilter): Promise<number> {
    const res = await this.#call(
      `count of ${collection}`,
      (c) => c.count(collection, { filter: filterOf(filter), exact: true }),
    );
    return res.count;
  }

  async query(collection: string, vector: number[], filter: PointFilter, limit: number): Promise<ScoredPoint[]> {
    const res = await this.#call(
      `query of ${collection}`,
      (c) => c.query(collection, { query: vector, filter: filterOf(filter), limit, with_payload: true }),
    );
    return res.points.map((p) => ({
      id: String(p.id),
      score: p.score,
      payload: (p.payload ?? {}) as unknown as PointPayload,
    }));
  }

  async *pointIds(collection: string, filter: PointFilter): AsyncIterable<string[]> {
    let offset: string | number | undefined = undefined;
    while (true) {
      const page: Awaited<ReturnType<QdrantClient["scroll"]>> = await this.#call(
        `scroll of ${collection}`,
        (c) =>
          c.scroll(collection, {
            filter: filterOf(filter),
            limit: 1000,
            offset,
            with_payload: false,
            with_vector: false,
          }),
      );
      if (page.points.length) yield page.points.map((p) => String(p.id));
      const next = page.next_page_offset;
      if (next === null || next === undefined || typeof next === "object") return;
      offset = next;
    }
  }

  async health(): Promise<StoreHealth> {
    const t0 = performance.now();
    try {
      const v = await this.#call("version check", (c) => c.versionInfo());
      const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
      return {
        ok: true,
        latencyMs,
        version: `Qdrant ${v.version}`,
        detail: `Qdrant at ${new URL(this.options.url).host}`,
      };
    } catch (e) {
      return { ok: false, latencyMs: Math.round(performance.now() - t0), version: null, detail: (e as Error).message };
    }
  }
}
