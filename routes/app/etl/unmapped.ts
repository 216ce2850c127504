// GET /app/etl/unmapped — work item types and statuses the sync found that the tenant's vocabulary does not map
// (no wits_mappings / statuses_mappings row for the name, or a status mapping without a workflow step). They are
// loaded anyway (never dropped); this list is how the operator finds the gaps, with how many work items each one
// affects, so the biggest gaps come first.
import { Hono } from "hono";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError } from "../../../server/http_errors.ts";

export function unmappedRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => {
    const raw = c.req.query("integrationId");
    if (raw !== undefined && (!/^\d{1,10}$/.test(raw) || Number(raw) <= 0)) {
      throw new ApiError(400, "validation_failed", "integrationId: a positive integer is required", [
        { field: "integrationId", message: "a positive integer is required" },
      ]);
    }
    const params = [c.get("auth").tenantId, raw === undefined ? null : Number(raw)];
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
  return app;
}
