// The VectorStore port. Adapters side by side: Qdrant (qdrant_store.ts, when QDRANT_URL is set) and the database
// (db_store.ts: pgvector where the extension is installed — always in embedded PGlite — else an exact plain-table
// mode for PostgreSQL without it). One conformance suite (store_conformance.ts) runs on each.
//
// Layout: one collection per record kind and embedder, named with the model and dimension (a new model never
// mixes with old vectors); the tenant and integration travel in every point's payload and every read filters on the
// tenant inside the store query itself.
import type { Queryable } from "../../db/port.ts";

export type StoreKind = "pgvector" | "qdrant" | "exact";

export interface CollectionSpec {
  name: string;
  dimensions: number;
}

export interface PointPayload {
  /** The tenant id as text: Qdrant's tenant index (`is_tenant`) is a keyword index. */
  tenant: string;
  integration_id: number | null;
  kind: string;
  record_id: number;
}

export interface VectorPoint {
  id: string;
  vector: number[];
  payload: PointPayload;
}

export interface ScoredPoint {
  id: string;
  /** Cosine similarity (1 = same direction). */
  score: number;
  payload: PointPayload;
}

export interface PointFilter {
  tenantId: number;
  integrationId?: number;
}

export interface CollectionState {
  exists: boolean;
  /** Points in the whole collection (all tenants); null when the store cannot say. */
  points: number | null;
  dimensions: number | null;
  /** Qdrant's status (green/yellow/grey/red) or "ready" for the database. */
  status: string;
}

export interface StoreHealth {
  ok: boolean;
  latencyMs: number;
  version: string | null;
  detail: string;
}

export interface VectorStore {
  /** Resolved by ready() for the database store (pgvector or exact). */
  readonly kind: StoreKind;
  /** Connects / prepares the schema once; throws a clear error when the store cannot work (e.g. no pgvector). */
  ready(): Promise<void>;
  /** Creates the collection and its payload indexes when missing; refuses an existing one of another dimension. */
  ensureCollection(spec: CollectionSpec): Promise<void>;
  /** Drops the collection with every point in it and creates it empty (admin action). */
  recreateCollection(spec: CollectionSpec): Promise<void>;
  collection(name: string): Promise<CollectionState>;
  /** Idempotent by point id. `tx`: the database store writes in the caller's transaction. */
  upsert(collection: string, points: VectorPoint[], tx?: Queryable): Promise<void>;
  deletePoints(collection: string, ids: string[], tx?: Queryable): Promise<void>;
  deleteWhere(collection: string, filter: PointFilter, tx?: Queryable): Promise<void>;
  count(collection: string, filter: PointFilter): Promise<number>;
  /** Nearest points of one tenant, best first. */
  query(collection: string, vector: number[], filter: PointFilter, limit: number): Promise<ScoredPoint[]>;
  /** Every point id of a tenant in the collection, page by page (orphan checks). */
  pointIds(collection: string, filter: PointFilter): AsyncIterable<string[]>;
  /** A real round trip: latency and server version. Never throws; `ok: false` with the reason instead. */
  health(): Promise<StoreHealth>;
}

/** The collection has vectors of another length than the embedder makes (recreate it, or use another model). */
export class DimensionMismatchError extends Error {
  override name = "DimensionMismatchError";
}

/** `{kind}` vectors of `{model}` with `{dimensions}` each: sluice_work_items_text-embedding-3-small_1536. */
export function collectionFor(kind: string, model: string, dimensions: number): string {
  const slug = model.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "model";
  return `sluice_${kind}_${slug}_${dimensions}`;
}

export function payloadOf(tenantId: number, integrationId: number | null, kind: string, recordId: number) {
  return { tenant: String(tenantId), integration_id: integrationId, kind, record_id: recordId };
}
