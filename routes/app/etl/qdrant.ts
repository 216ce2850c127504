// /app/etl/qdrant — the vector store of this instance, seen by one tenant: the store's health (a real call: latency
// and version), the embedder (labelled lexical when it is), per record kind the rows in the database vs vectors in
// the store vs bridge rows with the difference explained, collection create/recreate (admin; recreate needs the
// collection's name typed back; while other tenants' vectors live in it, only the caller's tenant's points are deleted,
// by filter, unless the caller operates the instance), re-embedding one kind and removing orphans in the background
// (progress on /app/etl/ws?topics=vectors).
import { z } from "zod";
import type { Context } from "hono";
import { apiRouter } from "../../../server/api/route.ts";
import { commonErrors, errorBody, errorResponse } from "../../../server/api/schemas.ts";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError } from "../../../server/http_errors.ts";
import { isOperator } from "../../../server/auth/operator.ts";
import type { VectorServices } from "../../../server/vectors.ts";
import { KIND_NAMES, recordKind } from "../../../engine/vectors/kinds.ts";
import { type KindStats, kindStats } from "../../../engine/vectors/stats.ts";
import { collectionFor } from "../../../engine/vectors/store.ts";

/** Every vectors route answers this when the instance runs no vector store (its engine services are not started). */
export const unavailable = { 503: errorResponse("the vector store is not running in this instance") };

export function vectorServices(c: Context<AppEnv>): VectorServices {
  const v = c.get("deps").services?.vectors as VectorServices | undefined;
  if (!v) throw new ApiError(503, "vectors_unavailable", "the vector store is not running in this instance");
  return v;
}

const kindParams = z.object({
  kind: z.enum(KIND_NAMES, { error: `must be one of ${KIND_NAMES.join(", ")}` }),
});

const health = z.object({ ok: z.boolean(), latencyMs: z.number(), version: z.string().nullable(), detail: z.string() });

const kindRow = z.object({
  kind: z.string(),
  label: z.string(),
  collection: z.string(),
  collectionExists: z.boolean(),
  rows: z.number(),
  vectors: z.number(),
  bridge: z.number(),
  current: z.number(),
  pending: z.number(),
  failed: z.number(),
  orphanedRows: z.number(),
  orphanedPoints: z.number(),
  otherModel: z.number(),
  /** Plain-language account of the difference between the three figures. */
  explanation: z.array(z.string()),
});

const task = z.object({
  tenantId: z.number(),
  kind: z.string(),
  task: z.enum(["reembed", "orphans"]),
  state: z.enum(["running", "finished", "failed"]),
  done: z.number(),
  total: z.number(),
  changed: z.number(),
  error: z.string().optional(),
  at: z.string(),
});

const overview = z.object({
  store: z.object({ kind: z.enum(["pgvector", "qdrant", "exact"]), health }),
  embedder: z.object({ model: z.string(), kind: z.enum(["lexical", "semantic"]), dimensions: z.number().nullable() }),
  kinds: z.array(kindRow),
  tasks: z.array(task),
});

/** Why the database, the store and the bridge disagree, one sentence per cause (empty when they agree). */
export function explain(s: KindStats): string[] {
  const out: string[] = [];
  if (s.pending > 0) out.push(`${s.pending} not embedded yet with the current model (pending)`);
  if (s.otherModel > 0) {
    out.push(`${s.otherModel} still embedded with an earlier model (re-embedded in the background)`);
  }
  if (s.failed > 0) out.push(`${s.failed} failed to embed (retried after the next finished run, or re-embed now)`);
  if (s.orphanedRows > 0) out.push(`${s.orphanedRows} vectors belong to records that are gone or inactive (orphaned)`);
  if (s.orphanedPoints > 0) out.push(`${s.orphanedPoints} points in the store have no bridge row (orphaned)`);
  if (!s.collectionExists && s.rows > 0) out.push("the collection does not exist yet");
  return out;
}

export type VectorOverview = z.infer<typeof overview>;

/** The overview of GET /app/etl/qdrant (the /qdrant page renders the same). */
export async function vectorOverview(c: Context<AppEnv>): Promise<VectorOverview> {
  const v = vectorServices(c);
  const { tenantId } = c.get("auth");
  const storeHealth = await v.vectorStore.health();
  let kinds: z.infer<typeof kindRow>[] = [];
  if (storeHealth.ok) {
    try {
      const stats = await kindStats(c.get("deps").db, v, tenantId);
      kinds = stats.map((s) => ({ ...s, explanation: explain(s) }));
    } catch (e) {
      // the embedder (probing its dimension) or the store failed between the health call and now
      storeHealth.ok = false;
      storeHealth.detail = (e as Error).message;
    }
  }
  return {
    store: { kind: v.vectorStore.kind, health: storeHealth },
    embedder: { model: v.embedder.id, kind: v.embedder.kind, dimensions: v.embedder.dimensions ?? null },
    kinds,
    tasks: v.maintenance.tasks(tenantId),
  };
}

export function qdrantRoutes() {
  const r = apiRouter("/app/etl/qdrant", "qdrant");

  r.route({
    method: "get",
    path: "/",
    summary: "Vector store health, embedder, and per-kind figures of the caller's tenant",
    responses: { 200: { description: "the overview", schema: overview }, 401: commonErrors[401], ...unavailable },
  }, async (c) => c.json(await vectorOverview(c)));

  r.route({
    method: "get",
    path: "/health",
    summary: "A real round trip to the vector store: latency and server version",
    responses: { 200: { description: "the store's answer", schema: health }, 401: commonErrors[401], ...unavailable },
  }, async (c) => c.json(await vectorServices(c).vectorStore.health()));

  const preview = z.object({
    collection: z.string(),
    exists: z.boolean(),
    dimensions: z.number().nullable(),
    totalPoints: z.number().nullable(),
    tenantPoints: z.number(),
    otherTenantsPoints: z.number().nullable(),
    /**
     * What recreate does for this caller: "collection" drops and creates the whole collection (the instance operator,
     * or nobody else has vectors in it); "tenant" deletes only the caller's tenant's points, by filter.
     */
    scope: z.enum(["collection", "tenant"]),
  });

  async function describe(c: Context<AppEnv>, kind: string) {
    const v = vectorServices(c);
    const auth = c.get("auth");
    const dims = await v.embedder.ready();
    const collection = collectionFor(kind, v.embedder.id, dims);
    const state = await v.vectorStore.collection(collection);
    const tenantPoints = state.exists ? await v.vectorStore.count(collection, { tenantId: auth.tenantId }) : 0;
    const others = state.points === null ? null : Math.max(0, state.points - tenantPoints);
    const operator = await isOperator(c.get("deps").db, auth);
    return {
      collection,
      exists: state.exists,
      dimensions: state.dimensions ?? dims,
      totalPoints: state.points,
      tenantPoints,
      otherTenantsPoints: others,
      scope: operator || others === 0 ? "collection" as const : "tenant" as const,
    };
  }

  r.route({
    method: "get",
    path: "/collections/:kind",
    summary: "What recreating a kind's collection would lose (admins)",
    roles: ["admin"],
    params: kindParams,
    responses: { 200: { description: "the collection", schema: preview }, ...commonErrors, ...unavailable },
  }, async (c, { params }) => c.json(await describe(c, params.kind)));

  r.route({
    method: "post",
    path: "/collections/:kind",
    summary: "Create a kind's collection, or recreate it empty and re-embed the tenant's records (admins)",
    roles: ["admin"],
    params: kindParams,
    body: z.object({
      action: z.enum(["create", "recreate"], { error: "must be create or recreate" }),
      confirm: z.string({ error: "must be the collection's name" }).max(300, "is too long").optional(),
    }).strict(),
    responses: {
      200: { description: "created (or already there)", schema: preview },
      202: { description: "recreated; the re-embedding runs in the background", schema: preview },
      409: { description: "a task for this kind is running", schema: errorBody },
      ...commonErrors,
      ...unavailable,
    },
  }, async (c, { params, body }) => {
    const v = vectorServices(c);
    const before = await describe(c, params.kind);
    const spec = { name: before.collection, dimensions: before.dimensions ?? await v.embedder.ready() };
    if (body.action === "create") {
      await v.vectorStore.ensureCollection(spec);
      return c.json(await describe(c, params.kind), 200);
    }
    if (body.confirm !== before.collection) {
      throw new ApiError(400, "validation_failed", `confirm: type the collection name ${before.collection}`, [
        { field: "confirm", message: `must be the collection name ${before.collection}` },
      ]);
    }
    const { tenantId } = c.get("auth");
    if (v.maintenance.tasks(tenantId).some((t) => t.kind === params.kind && t.state === "running")) {
      throw new ApiError(409, "task_running", `a ${params.kind} task is running; wait for it to finish`);
    }
    const db = c.get("deps").db;
    if (before.scope === "collection") {
      const tenants = (await db.query<{ tenant_id: number }>(
        "SELECT DISTINCT tenant_id FROM qdrant_vectors WHERE collection = $1",
        [before.collection],
      )).map((r) => r.tenant_id);
      await v.vectorStore.recreateCollection(spec);
      // every bridge row of the collection now names a point that is gone; each tenant's records are embedded again
      await db.query("DELETE FROM qdrant_vectors WHERE collection = $1", [before.collection]);
      for (const t of new Set([tenantId, ...tenants])) v.maintenance.reembed(t, params.kind);
    } else {
      // other tenants' vectors share the collection: only this tenant's points go, by filter
      await v.vectorStore.deleteWhere(before.collection, { tenantId });
      await db.query("DELETE FROM qdrant_vectors WHERE collection = $1 AND tenant_id = $2", [
        before.collection,
        tenantId,
      ]);
      v.maintenance.reembed(tenantId, params.kind);
    }
    return c.json(await describe(c, params.kind), 202);
  });

  const started = z.object({ started: z.literal(true), task });
  for (
    const [path, summary, start] of [
      [
        "reembed",
        "Re-embed every record of one kind in the background (even unchanged text)",
        (v: VectorServices, tenantId: number, kind: string) => v.maintenance.reembed(tenantId, kind, { force: true }),
      ],
      [
        "orphans",
        "Remove vectors whose record is gone or inactive, and points no bridge row names, in the background",
        (v: VectorServices, tenantId: number, kind: string) => v.maintenance.removeOrphans(tenantId, kind),
      ],
    ] as const
  ) {
    r.route({
      method: "post",
      path: `/kinds/:kind/${path}`,
      summary,
      roles: ["admin", "user"],
      params: kindParams,
      responses: {
        202: { description: "started; progress on the live WebSocket", schema: started },
        409: { description: "a task for this kind is already running", schema: errorBody },
        ...commonErrors,
        ...unavailable,
      },
    }, (c, { params }) => {
      const v = vectorServices(c);
      const { tenantId } = c.get("auth");
      if (!recordKind(params.kind) || !start(v, tenantId, params.kind)) {
        throw new ApiError(409, "task_running", `a ${params.kind} task is already running`);
      }
      const current = v.maintenance.tasks(tenantId).find((t) => t.kind === params.kind)!;
      return c.json({ started: true as const, task: current }, 202);
    });
  }
  return r.app;
}
