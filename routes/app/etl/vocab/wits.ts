// /app/etl/wits — normalized work item types (name, hierarchy level) with the source type names mapped to them
// (per integration, case-insensitive), and the source types the syncs found, mapped or not. Everyone reads; admins
// create, update and delete types and map source names one or many at once. A type that mappings or work items
// use cannot be deleted (409 listing them) until a reassign moves its mappings to another type.
import { z } from "zod";
import { apiRouter } from "../../../../server/api/route.ts";
import { id, idParams, idText } from "../../../../server/api/schemas.ts";
import { containsPattern, listQuery, pageBody } from "../../../../server/api/list_query.ts";
import type { Queryable } from "../../../../db/port.ts";
import { saveWitMappings } from "../../../../db/vocabulary/mappings.ts";
import {
  dbOf,
  dependentsConflict,
  description,
  inUse,
  invalidField,
  missing,
  name,
  notFound,
  page,
  reassignBody,
  requireIntegration,
  requireTarget,
  sourceNames,
  tenantOf,
} from "./common.ts";

const levelRef = z.object({ id: z.number().int(), number: z.number().int(), name: z.string() });

export const witType = z.object({
  id: z.number().int(),
  integrationId: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  level: levelRef,
  sources: z.array(z.string()).meta({ description: "source type names mapped to it" }),
  workItems: z.number().int().min(0),
}).meta({ id: "WorkItemType" });
export type WitType = z.infer<typeof witType>;

const sourceType = z.object({
  id: z.number().int(),
  integrationId: z.number().int(),
  externalId: z.string(),
  name: z.string(),
  hierarchyLevel: z.number().int().meta({ description: "the source's own level" }),
  type: z.object({ id: z.number().int(), name: z.string() }).nullable().meta({ description: "null: unmapped" }),
  workItems: z.number().int().min(0),
});

const mappedFilter = z.enum(["true", "false"], { error: "must be true or false" }).optional();

const SELECT = `SELECT t.id, t.integration_id AS "integrationId", t.name, t.description,
    jsonb_build_object('id', h.id, 'number', h.level_number, 'name', h.level_name) AS level,
    coalesce((SELECT array_agg(m.wit_from ORDER BY lower(m.wit_from)) FROM wits_mappings m
               WHERE m.wit_type_id = t.id AND m.active), '{}') AS sources,
    (SELECT count(*)::int FROM work_items wi JOIN wits w ON w.id = wi.wit_id
       JOIN wits_mappings m ON m.id = w.wits_mapping_id WHERE m.wit_type_id = t.id AND wi.active) AS "workItems"
  FROM wit_types t JOIN wits_hierarchies h ON h.id = t.wits_hierarchy_id`;

/** Every normalized type of an integration, highest level first (the /wits page). */
export async function integrationTypes(db: Queryable, tenantId: number, integrationId: number): Promise<WitType[]> {
  return await db.query<WitType>(
    `${SELECT} WHERE t.tenant_id = $1 AND t.integration_id = $2 ORDER BY h.level_number DESC, lower(t.name)`,
    [tenantId, integrationId],
  );
}

async function getType(db: Queryable, tenantId: number, typeId: number): Promise<WitType | undefined> {
  const [row] = await db.query<WitType>(`${SELECT} WHERE t.tenant_id = $1 AND t.id = $2`, [tenantId, typeId]);
  return row;
}

/** The level must be one of the integration's own. */
async function requireLevel(db: Queryable, tenantId: number, integrationId: number, levelId: number) {
  const [row] = await db.query(
    "SELECT id FROM wits_hierarchies WHERE tenant_id = $1 AND integration_id = $2 AND id = $3",
    [tenantId, integrationId, levelId],
  );
  if (!row) invalidField("levelId", "no such hierarchy level in this integration");
}

async function nameTaken(db: Queryable, tenantId: number, integrationId: number, typeName: string, except = 0) {
  const rows = await db.query(
    "SELECT 1 FROM wit_types WHERE tenant_id = $1 AND integration_id = $2 AND lower(name) = lower($3) AND id <> $4",
    [tenantId, integrationId, typeName, except],
  );
  if (rows.length) invalidField("name", "another work item type of this integration has this name");
}

export function witRoutes() {
  const r = apiRouter("/app/etl/wits", "vocabulary");

  r.route({
    method: "get",
    path: "/",
    summary: "Normalized work item types with their mapped source names",
    query: listQuery({ integrationId: idText.optional(), levelId: idText.optional() }),
    responses: { 200: { description: "a page of types", schema: pageBody(witType) } },
  }, async (c, { query }) => {
    const args = [
      tenantOf(c),
      query.integrationId ?? null,
      query.levelId ?? null,
      query.q ? containsPattern(query.q) : null,
    ];
    const where = `WHERE t.tenant_id = $1 AND ($2::int IS NULL OR t.integration_id = $2)
      AND ($3::int IS NULL OR t.wits_hierarchy_id = $3)
      AND ($4::text IS NULL OR t.name ILIKE $4 OR EXISTS (SELECT 1 FROM wits_mappings m
            WHERE m.wit_type_id = t.id AND m.wit_from ILIKE $4))`;
    const [{ total }] = await dbOf(c).query<{ total: number }>(
      `SELECT count(*)::int AS total FROM wit_types t ${where}`,
      args,
    );
    const items = await dbOf(c).query<WitType>(
      `${SELECT} ${where} ORDER BY t.integration_id, h.level_number DESC, lower(t.name) LIMIT $5 OFFSET $6`,
      [...args, query.limit, query.offset],
    );
    return c.json(page(items, total, query));
  });

  r.route({
    method: "get",
    path: "/sources",
    summary: "Source work item types from the syncs, unmapped first",
    query: listQuery({ integrationId: idText.optional(), mapped: mappedFilter }),
    responses: { 200: { description: "a page of source types", schema: pageBody(sourceType) } },
  }, async (c, { query }) => {
    const args = [
      tenantOf(c),
      query.integrationId ?? null,
      query.mapped === undefined ? null : query.mapped === "true",
      query.q ? containsPattern(query.q) : null,
    ];
    const from = `FROM wits w LEFT JOIN wits_mappings m ON m.id = w.wits_mapping_id AND m.active
      LEFT JOIN wit_types t ON t.id = m.wit_type_id
      WHERE w.tenant_id = $1 AND w.active AND ($2::int IS NULL OR w.integration_id = $2)
        AND ($3::boolean IS NULL OR (t.id IS NOT NULL) = $3) AND ($4::text IS NULL OR w.original_name ILIKE $4)`;
    const [{ total }] = await dbOf(c).query<{ total: number }>(`SELECT count(*)::int AS total ${from}`, args);
    const items = await dbOf(c).query(
      `SELECT w.id, w.integration_id AS "integrationId", w.external_id AS "externalId", w.original_name AS name,
              w.hierarchy_level AS "hierarchyLevel",
              CASE WHEN t.id IS NULL THEN NULL ELSE jsonb_build_object('id', t.id, 'name', t.name) END AS type,
              (SELECT count(*)::int FROM work_items wi WHERE wi.wit_id = w.id AND wi.active) AS "workItems"
         ${from} ORDER BY (t.id IS NOT NULL), "workItems" DESC, lower(w.original_name) LIMIT $5 OFFSET $6`,
      [...args, query.limit, query.offset],
    );
    return c.json(page(items, total, query));
  });

  r.route({
    method: "put",
    path: "/mappings",
    summary: "Map source type names (one or many) to a normalized type, or unmap them (witTypeId null)",
    roles: ["admin"],
    body: z.object({ integrationId: id, sources: sourceNames, witTypeId: id.nullable() }).strict(),
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
    await requireIntegration(db, tenantId, body.integrationId, "integrationId");
    if (body.witTypeId !== null) {
      const type = await getType(db, tenantId, body.witTypeId);
      if (!type || type.integrationId !== body.integrationId) {
        invalidField("witTypeId", "no such work item type in this integration");
      }
    }
    const sources = await db.transaction((tx) =>
      saveWitMappings({ tx, tenantId, integrationId: body.integrationId }, body.sources, body.witTypeId)
    );
    return c.json({ sources });
  });

  r.route({
    method: "post",
    path: "/",
    summary: "Create a normalized work item type",
    roles: ["admin"],
    body: z.object({
      integrationId: id,
      name,
      levelId: id,
      description: description.optional(),
      sources: sourceNames.optional(),
    }).strict(),
    responses: { 201: { description: "the type", schema: witType }, 404: notFound },
  }, async (c, { body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    await requireIntegration(db, tenantId, body.integrationId, "integrationId");
    await requireLevel(db, tenantId, body.integrationId, body.levelId);
    await nameTaken(db, tenantId, body.integrationId, body.name);
    const typeId = await db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO wit_types (tenant_id, integration_id, name, description, wits_hierarchy_id)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [tenantId, body.integrationId, body.name, body.description ?? null, body.levelId],
      );
      if (body.sources) {
        await saveWitMappings({ tx, tenantId, integrationId: body.integrationId }, body.sources, row.id);
      }
      return row.id;
    });
    return c.json(await getType(db, tenantId, typeId), 201);
  });

  r.route({
    method: "patch",
    path: "/:id",
    summary: "Rename a work item type, move it to another level or change its description",
    roles: ["admin"],
    params: idParams,
    body: z.object({ name: name.optional(), levelId: id.optional(), description: description.optional() }).strict(),
    responses: { 200: { description: "the type", schema: witType }, 404: notFound },
  }, async (c, { params, body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    const current = await getType(db, tenantId, params.id) ?? missing("work item type");
    if (body.levelId !== undefined) await requireLevel(db, tenantId, current.integrationId, body.levelId);
    if (body.name !== undefined) await nameTaken(db, tenantId, current.integrationId, body.name, current.id);
    const next = {
      name: body.name ?? current.name,
      levelId: body.levelId ?? current.level.id,
      description: body.description === undefined ? current.description : body.description,
    };
    await db.transaction(async (tx) => {
      await tx.query(
        `UPDATE wit_types SET name = $3, wits_hierarchy_id = $4, description = $5, updated_at = now()
          WHERE tenant_id = $1 AND id = $2`,
        [tenantId, current.id, next.name, next.levelId, next.description],
      );
      // the mappings carry the name and level too (vector texts read wit_to)
      await tx.query(
        `UPDATE wits_mappings SET wit_to = $3, wits_hierarchy_id = $4, updated_at = now()
          WHERE tenant_id = $1 AND wit_type_id = $2`,
        [tenantId, current.id, next.name, next.levelId],
      );
    });
    return c.json(await getType(db, tenantId, current.id));
  });

  r.route({
    method: "post",
    path: "/:id/reassign",
    summary: "Move the source names mapped to a type to another type of the same integration",
    roles: ["admin"],
    params: idParams,
    body: reassignBody,
    responses: { 200: { description: "how many mappings moved", schema: z.object({ moved: z.number().int() }) } },
  }, async (c, { params, body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    const current = await getType(db, tenantId, params.id) ?? missing("work item type");
    const target = requireTarget(current, await getType(db, tenantId, body.targetId));
    const moved = await db.query(
      `UPDATE wits_mappings SET wit_type_id = $3, wit_to = $4, wits_hierarchy_id = $5, updated_at = now()
        WHERE tenant_id = $1 AND wit_type_id = $2 RETURNING id`,
      [tenantId, current.id, target.id, target.name, target.level.id],
    );
    return c.json({ moved: moved.length });
  });

  r.route({
    method: "delete",
    path: "/:id",
    summary: "Delete a work item type no mapping uses",
    roles: ["admin"],
    params: idParams,
    responses: {
      200: { description: "deleted", schema: z.object({ id: z.number().int() }) },
      404: notFound,
      409: inUse,
    },
  }, async (c, { params }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    const current = await getType(db, tenantId, params.id) ?? missing("work item type");
    if (current.sources.length) {
      dependentsConflict(
        "type_in_use",
        `source types map to "${current.name}" (${current.workItems} work items): reassign them first`,
        current.sources.map((s) => ({ name: s })),
      );
    }
    await db.transaction(async (tx) => {
      // switched-off mappings of the type go with it
      await tx.query("DELETE FROM wits_mappings WHERE tenant_id = $1 AND wit_type_id = $2", [tenantId, current.id]);
      await tx.query("DELETE FROM wit_types WHERE tenant_id = $1 AND id = $2", [tenantId, current.id]);
    });
    return c.json({ id: current.id });
  });

  return r.app;
}
