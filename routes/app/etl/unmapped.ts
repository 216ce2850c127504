// GET /app/etl/unmapped — work item types and statuses the sync found that the tenant's vocabulary does not map
// (no wits_mappings / statuses_mappings row for the name, or a status mapping without a workflow step). They are
// loaded anyway (never dropped); this list is how the operator finds the gaps, with how many work items each one
// affects, so the biggest gaps come first.
import { z } from "zod";
import { apiRouter } from "../../../server/api/route.ts";
import { idText } from "../../../server/api/schemas.ts";

const gap = {
  id: z.number().int(),
  integrationId: z.number().int(),
  integration: z.string(),
  externalId: z.string(),
  name: z.string(),
  workItems: z.number().int().min(0).meta({ description: "active work items that have it" }),
};

const unmapped = z.object({
  wits: z.array(z.object({ ...gap, hierarchyLevel: z.number().int() })),
  statuses: z.array(z.object({
    ...gap,
    category: z.string(),
    reason: z.string(),
    transitions: z.number().int().min(0).meta({ description: "changelog transitions from or to it" }),
  })),
});

export function unmappedRoutes() {
  const r = apiRouter("/app/etl/unmapped", "mappings");
  r.route({
    method: "get",
    path: "/",
    summary: "Source work item types and statuses no mapping covers",
    description: "They are loaded anyway (never dropped); the biggest gaps come first.",
    query: z.object({ integrationId: idText.optional() }),
    responses: { 200: { description: "unmapped types and statuses", schema: unmapped } },
  }, async (c, { query }) => {
    const params = [c.get("auth").tenantId, query.integrationId ?? null];
    const { db } = c.get("deps");
    const wits = await db.query(
      `SELECT w.id, w.integration_id AS "integrationId", i.name AS integration, w.external_id AS "externalId",
              w.original_name AS name, w.hierarchy_level AS "hierarchyLevel",
              (SELECT count(*)::int FROM work_items wi WHERE wi.wit_id = w.id AND wi.active) AS "workItems"
         FROM wits w JOIN integrations i ON i.id = w.integration_id
        WHERE w.tenant_id = $1 AND ($2::int IS NULL OR w.integration_id = $2) AND w.active
          AND w.wits_mapping_id IS NULL
        ORDER BY "workItems" DESC, lower(w.original_name)`,
      params,
    );
    const statuses = await db.query(
      `SELECT s.id, s.integration_id AS "integrationId", i.name AS integration, s.external_id AS "externalId",
              s.original_name AS name, s.category,
              CASE WHEN m.id IS NULL THEN 'no active status mapping for this name'
                   ELSE 'the status mapping has no workflow step' END AS reason,
              (SELECT count(*)::int FROM work_items wi WHERE wi.status_id = s.id AND wi.active) AS "workItems",
              (SELECT count(*)::int FROM changelogs cl
                WHERE (cl.to_status_id = s.id OR cl.from_status_id = s.id) AND cl.active) AS transitions
         FROM statuses s JOIN integrations i ON i.id = s.integration_id
         LEFT JOIN statuses_mappings m ON m.id = s.status_mapping_id AND m.active
        WHERE s.tenant_id = $1 AND ($2::int IS NULL OR s.integration_id = $2) AND s.active
          AND (m.id IS NULL OR m.workflow_id IS NULL)
        ORDER BY "workItems" DESC, transitions DESC, lower(s.original_name)`,
      params,
    );
    return c.json({ wits, statuses });
  });
  return r.app;
}
