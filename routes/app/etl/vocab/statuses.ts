// /app/etl/statuses — the source statuses each sync found (with the source's own category) and the status
// mappings (source status name → workflow step). Everyone reads; admins map names one or many at once, or remove
// mappings. Unmapped statuses (no mapping, or a mapping without a step) come first. Saving a mapping re-resolves
// the statuses at once; flow metrics follow with a re-transform (POST /app/etl/vocabulary/apply does both).
import { z } from "zod";
import { apiRouter } from "../../../../server/api/route.ts";
import { id, idParams, idText } from "../../../../server/api/schemas.ts";
import { containsPattern, listQuery, pageBody } from "../../../../server/api/list_query.ts";
import { saveStatusMappings } from "../../../../db/vocabulary/mappings.ts";
import type { Queryable } from "../../../../db/port.ts";
import { dbOf, invalidField, missing, notFound, page, requireIntegration, sourceNames, tenantOf } from "./common.ts";

const stepRef = z.object({ id: z.number().int(), name: z.string(), category: z.string() }).nullable()
  .meta({ description: "the workflow step; null: unmapped" });

const sourceStatus = z.object({
  id: z.number().int(),
  integrationId: z.number().int(),
  externalId: z.string(),
  name: z.string(),
  sourceCategory: z.string().meta({ description: "the source's own category (Jira: To Do, In Progress, Done)" }),
  step: stepRef,
  workItems: z.number().int().min(0).meta({ description: "active work items in this status now" }),
}).meta({ id: "SourceStatus" });

const mapping = z.object({ id: z.number().int(), integrationId: z.number().int(), name: z.string(), step: stepRef })
  .meta({ id: "StatusMapping" });

const STEP_JSON = `CASE WHEN w.id IS NULL THEN NULL
  ELSE jsonb_build_object('id', w.id, 'name', w.step_name, 'category', w.step_category) END`;

export const mapStatusesBody = z.object({ integrationId: id, names: sourceNames, workflowId: id.nullable() }).strict();

export function statusRoutes() {
  const r = apiRouter("/app/etl/statuses", "vocabulary");

  r.route({
    method: "get",
    path: "/",
    summary: "Source statuses from the syncs with their workflow step, unmapped first",
    query: listQuery({
      integrationId: idText.optional(),
      mapped: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
      workflowId: idText.optional(),
    }),
    responses: { 200: { description: "a page of source statuses", schema: pageBody(sourceStatus) } },
  }, async (c, { query }) => c.json(await sourceStatusPage(dbOf(c), tenantOf(c), query)));

  r.route({
    method: "get",
    path: "/mappings",
    summary: "Status mappings (source status name → workflow step)",
    query: listQuery({ integrationId: idText.optional(), workflowId: idText.optional() }),
    responses: { 200: { description: "a page of mappings", schema: pageBody(mapping) } },
  }, async (c, { query }) => {
    const args = [
      tenantOf(c),
      query.integrationId ?? null,
      query.workflowId ?? null,
      query.q ? containsPattern(query.q) : null,
    ];
    const from = `FROM statuses_mappings m LEFT JOIN workflows w ON w.id = m.workflow_id AND w.active
      WHERE m.tenant_id = $1 AND m.active AND ($2::int IS NULL OR m.integration_id = $2)
        AND ($3::int IS NULL OR m.workflow_id = $3) AND ($4::text IS NULL OR m.status_from ILIKE $4)`;
    const [{ total }] = await dbOf(c).query<{ total: number }>(`SELECT count(*)::int AS total ${from}`, args);
    const items = await dbOf(c).query(
      `SELECT m.id, m.integration_id AS "integrationId", m.status_from AS name, ${STEP_JSON} AS step
         ${from} ORDER BY m.integration_id, w.step_number NULLS LAST, lower(m.status_from) LIMIT $5 OFFSET $6`,
      [...args, query.limit, query.offset],
    );
    return c.json(page(items, total, query));
  });

  r.route({
    method: "put",
    path: "/mappings",
    summary: "Map status names (one or many) to a workflow step, or unmap them (workflowId null)",
    description: "Saves without re-transforming: flow metrics change after POST /app/etl/vocabulary/apply or a " +
      "re-transform of the integration.",
    roles: ["admin"],
    body: mapStatusesBody,
    responses: {
      200: {
        description: "saved",
        schema: z.object({ sources: z.number().int().meta({ description: "source rows with these names" }) }),
      },
      404: notFound,
    },
  }, async (c, { body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    await requireStatusTarget(db, tenantId, body);
    const sources = await db.transaction((tx) =>
      saveStatusMappings({ tx, tenantId, integrationId: body.integrationId }, body.names, body.workflowId)
    );
    return c.json({ sources });
  });

  r.route({
    method: "delete",
    path: "/mappings/:id",
    summary: "Remove a status mapping (its statuses become unmapped)",
    roles: ["admin"],
    params: idParams,
    responses: { 200: { description: "removed", schema: z.object({ id: z.number().int() }) }, 404: notFound },
  }, async (c, { params }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    const [row] = await db.query<{ integration_id: number; status_from: string }>(
      "SELECT integration_id, status_from FROM statuses_mappings WHERE tenant_id = $1 AND id = $2",
      [tenantId, params.id],
    );
    if (!row) missing("status mapping");
    await db.transaction((tx) =>
      saveStatusMappings({ tx, tenantId, integrationId: row.integration_id }, [row.status_from], null)
    );
    return c.json({ id: params.id });
  });

  return r.app;
}

export interface SourceStatusQuery {
  q?: string;
  limit: number;
  offset: number;
  integrationId?: number;
  mapped?: "true" | "false";
  workflowId?: number;
}

/** A page of source statuses, unmapped first (the list route and the /statuses page). */
export async function sourceStatusPage(db: Queryable, tenantId: number, query: SourceStatusQuery) {
  const args = [
    tenantId,
    query.integrationId ?? null,
    query.mapped === undefined ? null : query.mapped === "true",
    query.q ? containsPattern(query.q) : null,
    query.workflowId ?? null,
  ];
  const from = `FROM statuses s LEFT JOIN statuses_mappings m ON m.id = s.status_mapping_id AND m.active
      LEFT JOIN workflows w ON w.id = m.workflow_id AND w.active
      WHERE s.tenant_id = $1 AND s.active AND ($2::int IS NULL OR s.integration_id = $2)
        AND ($3::boolean IS NULL OR (w.id IS NOT NULL) = $3) AND ($4::text IS NULL OR s.original_name ILIKE $4)
        AND ($5::int IS NULL OR w.id = $5)`;
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total ${from}`, args);
  const items = await db.query<z.infer<typeof sourceStatus>>(
    `SELECT s.id, s.integration_id AS "integrationId", s.external_id AS "externalId", s.original_name AS name,
              s.category AS "sourceCategory", ${STEP_JSON} AS step,
              (SELECT count(*)::int FROM work_items wi WHERE wi.status_id = s.id AND wi.active) AS "workItems"
         ${from} ORDER BY (w.id IS NOT NULL), "workItems" DESC, lower(s.original_name) LIMIT $6 OFFSET $7`,
    [...args, query.limit, query.offset],
  );
  return page(items, total, query);
}

/** The integration is the caller's and the step (when given) is one of its own. */
export async function requireStatusTarget(
  db: Queryable,
  tenantId: number,
  body: { integrationId: number; workflowId: number | null },
) {
  await requireIntegration(db, tenantId, body.integrationId, "integrationId");
  if (body.workflowId === null) return;
  const [step] = await db.query(
    "SELECT 1 FROM workflows WHERE tenant_id = $1 AND integration_id = $2 AND id = $3 AND active",
    [tenantId, body.integrationId, body.workflowId],
  );
  if (!step) invalidField("workflowId", "no such workflow step in this integration");
}
