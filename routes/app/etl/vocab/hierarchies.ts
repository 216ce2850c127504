// /app/etl/hierarchies — the work item type hierarchy levels of each integration (number, name, description),
// highest level first. Everyone reads; admins create, rename, reorder (the level numbers stay, the levels swap
// them) and delete. A level that work item types use cannot be deleted (409 listing them) until a reassign moves
// them to another level of the same integration.
import { z } from "zod";
import { apiRouter } from "../../../../server/api/route.ts";
import { id, idParams, idText } from "../../../../server/api/schemas.ts";
import { containsPattern, listQuery, pageBody } from "../../../../server/api/list_query.ts";
import type { Queryable } from "../../../../db/port.ts";
import {
  dbOf,
  dependentsConflict,
  description,
  inUse,
  invalidField,
  missing,
  name,
  notFound,
  orderBody,
  page,
  reassignBody,
  requireIntegration,
  requireTarget,
  requireWholeList,
  tenantOf,
} from "./common.ts";

export const levelNumber = z.number({ error: "must be a whole number" }).int("must be a whole number")
  .min(-100, "must be at least -100").max(100, "must be at most 100");

export const level = z.object({
  id: z.number().int(),
  integrationId: z.number().int(),
  number: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  types: z.number().int().min(0).meta({ description: "normalized work item types on this level" }),
  workItems: z.number().int().min(0).meta({ description: "active work items whose type maps to this level" }),
}).meta({ id: "HierarchyLevel" });
export type Level = z.infer<typeof level>;

const dependents = z.object({
  types: z.array(z.object({ id: z.number().int(), name: z.string(), workItems: z.number().int() })),
  targets: z.array(z.object({ id: z.number().int(), number: z.number().int(), name: z.string() })),
});

const SELECT = `SELECT h.id, h.integration_id AS "integrationId", h.level_number AS number, h.level_name AS name,
    h.description,
    (SELECT count(*)::int FROM wit_types t WHERE t.wits_hierarchy_id = h.id) AS types,
    (SELECT count(*)::int FROM work_items wi JOIN wits w ON w.id = wi.wit_id
       JOIN wits_mappings m ON m.id = w.wits_mapping_id JOIN wit_types t ON t.id = m.wit_type_id
      WHERE t.wits_hierarchy_id = h.id AND wi.active) AS "workItems"
  FROM wits_hierarchies h`;

async function getLevel(db: Queryable, tenantId: number, levelId: number): Promise<Level | undefined> {
  const [row] = await db.query<Level>(`${SELECT} WHERE h.tenant_id = $1 AND h.id = $2`, [tenantId, levelId]);
  return row;
}

/** Every level of an integration, highest first (the reorder answer and the /hierarchies page). */
export async function integrationLevels(db: Queryable, tenantId: number, integrationId: number): Promise<Level[]> {
  return await db.query<Level>(
    `${SELECT} WHERE h.tenant_id = $1 AND h.integration_id = $2 ORDER BY h.level_number DESC`,
    [tenantId, integrationId],
  );
}

const NUMBER_TAKEN = "another level of this integration has this number";

/**
 * The write of a level number the check found free: two admins giving two levels the same number at once both pass
 * the check, and the unique key refuses the second write — answered like the check, naming the field.
 */
async function unlessNumberTaken<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if ((e as { code?: unknown }).code === "23505") invalidField("number", NUMBER_TAKEN);
    throw e;
  }
}

async function numberTaken(db: Queryable, tenantId: number, integrationId: number, n: number, except = 0) {
  const rows = await db.query(
    `SELECT 1 FROM wits_hierarchies WHERE tenant_id = $1 AND integration_id = $2 AND level_number = $3 AND id <> $4`,
    [tenantId, integrationId, n, except],
  );
  return rows.length > 0;
}

export function hierarchyRoutes() {
  const r = apiRouter("/app/etl/hierarchies", "vocabulary");

  r.route({
    method: "get",
    path: "/",
    summary: "Hierarchy levels, highest first",
    query: listQuery({ integrationId: idText.optional() }),
    responses: { 200: { description: "a page of levels", schema: pageBody(level) } },
  }, async (c, { query }) => {
    const args = [tenantOf(c), query.integrationId ?? null, query.q ? containsPattern(query.q) : null];
    const where = `WHERE h.tenant_id = $1 AND ($2::int IS NULL OR h.integration_id = $2)
      AND ($3::text IS NULL OR h.level_name ILIKE $3 OR h.description ILIKE $3)`;
    const [{ total }] = await dbOf(c).query<{ total: number }>(
      `SELECT count(*)::int AS total FROM wits_hierarchies h ${where}`,
      args,
    );
    const items = await dbOf(c).query<Level>(
      `${SELECT} ${where} ORDER BY h.integration_id, h.level_number DESC LIMIT $4 OFFSET $5`,
      [...args, query.limit, query.offset],
    );
    return c.json(page(items, total, query));
  });

  r.route({
    method: "post",
    path: "/",
    summary: "Create a hierarchy level",
    roles: ["admin"],
    body: z.object({ integrationId: id, number: levelNumber, name, description: description.optional() }).strict(),
    responses: {
      201: { description: "the level", schema: level },
      404: notFound,
    },
  }, async (c, { body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    await requireIntegration(db, tenantId, body.integrationId, "integrationId");
    if (await numberTaken(db, tenantId, body.integrationId, body.number)) invalidField("number", NUMBER_TAKEN);
    const [row] = await unlessNumberTaken(() =>
      db.query<{ id: number }>(
        `INSERT INTO wits_hierarchies (tenant_id, integration_id, level_number, level_name, description)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [tenantId, body.integrationId, body.number, body.name, body.description ?? null],
      )
    );
    return c.json(await getLevel(db, tenantId, row.id), 201);
  });

  r.route({
    method: "patch",
    path: "/:id",
    summary: "Rename a hierarchy level, change its number or its description",
    roles: ["admin"],
    params: idParams,
    body: z.object({ number: levelNumber.optional(), name: name.optional(), description: description.optional() })
      .strict(),
    responses: { 200: { description: "the level", schema: level }, 404: notFound },
  }, async (c, { params, body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    const current = await getLevel(db, tenantId, params.id) ?? missing("hierarchy level");
    const number = body.number ?? current.number;
    if (number !== current.number && await numberTaken(db, tenantId, current.integrationId, number, current.id)) {
      invalidField("number", NUMBER_TAKEN);
    }
    await unlessNumberTaken(() =>
      db.query(
        `UPDATE wits_hierarchies SET level_number = $3, level_name = $4, description = $5, updated_at = now()
          WHERE tenant_id = $1 AND id = $2`,
        [
          tenantId,
          params.id,
          number,
          body.name ?? current.name,
          body.description === undefined ? current.description : body.description,
        ],
      )
    );
    return c.json(await getLevel(db, tenantId, params.id));
  });

  r.route({
    method: "put",
    path: "/order",
    summary: "Reorder an integration's levels (highest first); the level numbers stay in place",
    roles: ["admin"],
    body: orderBody,
    responses: { 200: { description: "the levels in their new order", schema: z.array(level) }, 404: notFound },
  }, async (c, { body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    await requireIntegration(db, tenantId, body.integrationId, "integrationId");
    await db.transaction(async (tx) => {
      const rows = await tx.query<{ id: number; level_number: number }>(
        `SELECT id, level_number FROM wits_hierarchies WHERE tenant_id = $1 AND integration_id = $2
          ORDER BY level_number DESC FOR UPDATE`,
        [tenantId, body.integrationId],
      );
      requireWholeList(body.ids, rows.map((r) => r.id));
      const numbers = rows.map((r) => r.level_number);
      const moves = body.ids.map((levelId, i) => ({ id: levelId, n: numbers[i] }));
      // numbers are unique per integration: park every row out of range first, then give each its place
      await tx.query(
        `UPDATE wits_hierarchies SET level_number = -1000000 - level_number WHERE tenant_id = $1 AND integration_id = $2`,
        [tenantId, body.integrationId],
      );
      await tx.query(
        `UPDATE wits_hierarchies h SET level_number = x.n, updated_at = now()
           FROM jsonb_to_recordset($2::jsonb) AS x(id int, n int) WHERE h.tenant_id = $1 AND h.id = x.id`,
        [tenantId, JSON.stringify(moves)],
      );
    });
    return c.json(await integrationLevels(db, tenantId, body.integrationId));
  });

  r.route({
    method: "get",
    path: "/:id/dependents",
    summary: "The work item types on a level, and the levels they can move to",
    params: idParams,
    responses: { 200: { description: "dependents and reassignment targets", schema: dependents }, 404: notFound },
  }, async (c, { params }) => {
    const db = dbOf(c);
    const current = await getLevel(db, tenantOf(c), params.id) ?? missing("hierarchy level");
    return c.json(await dependentsOf(db, tenantOf(c), current));
  });

  r.route({
    method: "post",
    path: "/:id/reassign",
    summary: "Move the work item types of a level to another level of the same integration",
    roles: ["admin"],
    params: idParams,
    body: reassignBody,
    responses: { 200: { description: "how many types moved", schema: z.object({ moved: z.number().int() }) } },
  }, async (c, { params, body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    const current = await getLevel(db, tenantId, params.id) ?? missing("hierarchy level");
    requireTarget(current, await getLevel(db, tenantId, body.targetId));
    const moved = await db.transaction(async (tx) => {
      const types = await tx.query(
        `UPDATE wit_types SET wits_hierarchy_id = $3, updated_at = now()
          WHERE tenant_id = $1 AND wits_hierarchy_id = $2 RETURNING id`,
        [tenantId, params.id, body.targetId],
      );
      await tx.query(
        `UPDATE wits_mappings SET wits_hierarchy_id = $3, updated_at = now() WHERE tenant_id = $1 AND wits_hierarchy_id = $2`,
        [tenantId, params.id, body.targetId],
      );
      return types.length;
    });
    return c.json({ moved });
  });

  r.route({
    method: "delete",
    path: "/:id",
    summary: "Delete a hierarchy level no work item type uses",
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
    const current = await getLevel(db, tenantId, params.id) ?? missing("hierarchy level");
    const { types } = await dependentsOf(db, tenantId, current);
    const [mappings] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM wits_mappings WHERE tenant_id = $1 AND wits_hierarchy_id = $2",
      [tenantId, params.id],
    );
    if (types.length || mappings.n) {
      dependentsConflict(
        "level_in_use",
        `work item types use level "${current.name}": ${types.map((t) => t.name).join(", ")}; reassign them first`,
        types,
      );
    }
    await db.query("DELETE FROM wits_hierarchies WHERE tenant_id = $1 AND id = $2", [tenantId, params.id]);
    return c.json({ id: params.id });
  });

  return r.app;
}

async function dependentsOf(db: Queryable, tenantId: number, current: Level) {
  const types = await db.query<{ id: number; name: string; workItems: number }>(
    `SELECT t.id, t.name,
            (SELECT count(*)::int FROM work_items wi JOIN wits w ON w.id = wi.wit_id
               JOIN wits_mappings m ON m.id = w.wits_mapping_id WHERE m.wit_type_id = t.id AND wi.active) AS "workItems"
       FROM wit_types t WHERE t.tenant_id = $1 AND t.wits_hierarchy_id = $2 ORDER BY lower(t.name)`,
    [tenantId, current.id],
  );
  const targets = await db.query<{ id: number; number: number; name: string }>(
    `SELECT id, level_number AS number, level_name AS name FROM wits_hierarchies
      WHERE tenant_id = $1 AND integration_id = $2 AND id <> $3 ORDER BY level_number DESC`,
    [tenantId, current.integrationId, current.id],
  );
  return { types, targets };
}
