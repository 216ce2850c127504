// GET /app/etl/integrations/:id/custom-fields — the discovered custom fields of a Jira integration as a server-paged,
// searchable list (name or field id contains `q`), each with its type, the projects whose screens expose it and the
// mapping slot it feeds, for the custom-fields page and its searchable slot selects. Any role may read.
import { z } from "zod";
import { apiRouter } from "../../../server/api/route.ts";
import { commonErrors, idParams } from "../../../server/api/schemas.ts";
import { containsPattern, listQuery, pageBody } from "../../../server/api/list_query.ts";
import { ApiError } from "../../../server/http_errors.ts";
import type { Queryable } from "../../../db/port.ts";
import { SLOT_COLUMNS } from "../../../engine/connectors/jira/load/field_mapping.ts";

const field = z.object({
  id: z.number(),
  externalId: z.string(),
  name: z.string(),
  fieldType: z.string(),
  projects: z.array(z.string()),
  /** The mapping slot it feeds, or null. */
  slot: z.string().nullable(),
});

const SLOT_OF = Object.entries(SLOT_COLUMNS).map(([slot, col]) => `WHEN m.${col} = cf.id THEN '${slot}'`).join(" ");

export type CatalogueItem = z.infer<typeof field>;

/** One page of an integration's active custom fields (name or id contains `q`; mapped or not). */
export async function cataloguePage(
  db: Queryable,
  tenantId: number,
  integrationId: number,
  query: { q?: string; limit: number; offset: number; mapped?: "yes" | "no" },
) {
  const q = query.q ? containsPattern(query.q) : null;
  const mapped = query.mapped === undefined ? null : query.mapped === "yes";
  const page = (limit: number, offset: number) =>
    db.query<CatalogueItem & { total: number }>(
      `SELECT f.*, count(*) OVER ()::int AS total FROM (
         SELECT cf.id, cf.external_id AS "externalId", cf.name, cf.field_type AS "fieldType", cf.projects,
                CASE ${SLOT_OF} ELSE NULL END AS slot
           FROM custom_fields cf
           LEFT JOIN custom_fields_mappings m
             ON m.tenant_id = cf.tenant_id AND m.integration_id = cf.integration_id
          WHERE cf.tenant_id = $1 AND cf.integration_id = $2 AND cf.active
            AND ($3::text IS NULL OR cf.name ILIKE $3 OR cf.external_id ILIKE $3)
       ) f
       WHERE $4::boolean IS NULL OR (f.slot IS NOT NULL) = $4
       ORDER BY lower(f.name), f."externalId" LIMIT $5 OFFSET $6`,
      [tenantId, integrationId, q, mapped, limit, offset],
    );
  const rows = await page(query.limit, query.offset);
  // past the last page no row carries the total: ask for the first one
  const total = rows[0]?.total ?? (query.offset > 0 ? (await page(1, 0))[0]?.total ?? 0 : 0);
  const items = rows.map(({ total: _, ...r }) => ({ ...r, id: Number(r.id), projects: r.projects ?? [] }));
  return { items, total, limit: query.limit, offset: query.offset };
}

export function fieldCatalogueRoutes() {
  const r = apiRouter("/app/etl/integrations", "custom fields");
  r.route({
    method: "get",
    path: "/:id/custom-fields",
    summary: "Discovered custom fields of a Jira integration, paged and searchable",
    params: idParams,
    query: listQuery({ mapped: z.enum(["yes", "no"]).optional() }),
    responses: { 200: { description: "one page", schema: pageBody(field) }, ...commonErrors },
  }, async (c, { params, query }) => {
    const { db } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const [integration] = await db.query<{ provider: string }>(
      "SELECT provider FROM integrations WHERE tenant_id = $1 AND id = $2",
      [tenantId, params.id],
    );
    if (!integration) throw new ApiError(404, "not_found", "no such integration");
    if (integration.provider !== "jira") {
      throw new ApiError(400, "validation_failed", "custom fields exist for Jira integrations only", [
        { field: "id", message: `integration ${params.id} is a ${integration.provider} integration` },
      ]);
    }
    return c.json(await cataloguePage(db, tenantId, params.id, query));
  });
  return r.app;
}
