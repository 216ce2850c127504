// GET /app/etl/search?q=&kind=&limit= — semantic search over the caller's tenant: the query is embedded with the
// configured embedder and each kind's collection is queried with the tenant filter INSIDE the store query (another
// tenant's vectors can never come back, not even to be dropped here). Results carry the score, the kind and a link to
// the record in its source; `lexical: true` says the offline embedder matched words, not meaning.
import { z } from "zod";
import { apiRouter } from "../../../server/api/route.ts";
import { commonErrors, errorResponse, intText } from "../../../server/api/schemas.ts";
import { ApiError } from "../../../server/http_errors.ts";
import { KIND_NAMES, RECORD_KINDS } from "../../../engine/vectors/kinds.ts";
import { collectionFor } from "../../../engine/vectors/store.ts";
import { unavailable, vectorServices } from "./qdrant.ts";

const result = z.object({
  kind: z.string(),
  label: z.string(),
  recordId: z.number(),
  score: z.number(),
  title: z.string(),
  url: z.string().nullable(),
});

export function searchRoutes() {
  const r = apiRouter("/app/etl/search", "search");
  r.route({
    method: "get",
    path: "/",
    summary: "Semantic search over the tenant's embedded records",
    query: z.object({
      q: z.string({ error: "is required" }).trim().min(1, "must not be empty").max(
        500,
        "must be at most 500 characters",
      ),
      kind: z.enum(KIND_NAMES, { error: `must be one of ${KIND_NAMES.join(", ")}` }).optional(),
      limit: intText(1, 50).prefault("10"),
    }),
    responses: {
      200: {
        description: "best matches first",
        schema: z.object({
          embedder: z.object({ model: z.string(), kind: z.enum(["lexical", "semantic"]) }),
          lexical: z.boolean(),
          results: z.array(result),
        }),
      },
      ...commonErrors,
      502: errorResponse("the embedder could not embed the query (its server failed or refused)"),
      ...unavailable,
    },
  }, async (c, { query }) => {
    const v = vectorServices(c);
    const { tenantId } = c.get("auth");
    const db = c.get("deps").db;
    let vector: number[];
    try {
      [vector] = await v.embedder.embed([query.q]);
    } catch (e) {
      if (/without words/.test((e as Error).message)) {
        throw new ApiError(400, "validation_failed", "q: must contain at least one word", [
          { field: "q", message: "must contain at least one word" },
        ]);
      }
      throw new ApiError(502, "embedder_failed", `the embedder could not embed the query: ${(e as Error).message}`);
    }
    const kinds = RECORD_KINDS.filter((k) => !query.kind || k.kind === query.kind);
    const hits: z.infer<typeof result>[] = [];
    for (const k of kinds) {
      const collection = collectionFor(k.kind, v.embedder.id, vector.length);
      if (!(await v.vectorStore.collection(collection)).exists) continue;
      const points = await v.vectorStore.query(collection, vector, { tenantId }, query.limit);
      const views = new Map(
        (await k.views(db, tenantId, points.map((p) => Number(p.payload.record_id)))).map((x) => [x.id, x]),
      );
      for (const p of points) {
        const view = views.get(Number(p.payload.record_id));
        if (!view) continue; // the record was deleted since it was embedded; its point goes with the next sync
        hits.push({
          kind: k.kind,
          label: k.label,
          recordId: view.id,
          score: Math.round(p.score * 10_000) / 10_000,
          title: view.title,
          url: view.url,
        });
      }
    }
    hits.sort((a, b) => b.score - a.score);
    return c.json({
      embedder: { model: v.embedder.id, kind: v.embedder.kind },
      lexical: v.embedder.kind === "lexical",
      results: hits.slice(0, query.limit),
    });
  });
  return r.app;
}
