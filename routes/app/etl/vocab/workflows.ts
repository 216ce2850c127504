// /app/etl/workflows — each integration's workflow: ordered steps with a category (To Do, In Progress, Waiting,
// Done, Discarded) and exactly one commitment point (where lead time starts). Everyone reads; admins create,
// update, reorder and delete. Moving the commitment point is setting it on another step (the old one is cleared
// in the same transaction); it cannot be switched off, deleted, or put on a Discarded step. A step that status
// mappings use cannot be deleted (409 listing them) until a reassign moves them to another step.
import { z } from "zod";
import { apiRouter } from "../../../../server/api/route.ts";
import { id, idParams, idText } from "../../../../server/api/schemas.ts";
import { containsPattern, listQuery, pageBody } from "../../../../server/api/list_query.ts";
import type { Queryable } from "../../../../db/port.ts";
import { ApiError } from "../../../../server/http_errors.ts";
import {
  dbOf,
  dependentsConflict,
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

export const STEP_CATEGORIES = ["To Do", "In Progress", "Waiting", "Done", "Discarded"] as const;
export const category = z.enum(STEP_CATEGORIES, { error: `must be one of ${STEP_CATEGORIES.join(", ")}` });

export const step = z.object({
  id: z.number().int(),
  integrationId: z.number().int(),
  number: z.number().int().nullable().meta({ description: "position; null for Discarded steps" }),
  name: z.string(),
  category,
  commitmentPoint: z.boolean(),
  statuses: z.number().int().min(0).meta({ description: "source status names mapped to the step" }),
  workItems: z.number().int().min(0).meta({ description: "active work items whose status is on the step" }),
}).meta({ id: "WorkflowStep" });
export type Step = z.infer<typeof step>;

const SELECT = `SELECT w.id, w.integration_id AS "integrationId", w.step_number AS number, w.step_name AS name,
    w.step_category AS category, w.is_commitment_point AS "commitmentPoint",
    (SELECT count(*)::int FROM statuses_mappings m WHERE m.workflow_id = w.id AND m.active) AS statuses,
    (SELECT count(*)::int FROM work_items wi JOIN statuses s ON s.id = wi.status_id
       JOIN statuses_mappings m ON m.id = s.status_mapping_id WHERE m.workflow_id = w.id AND wi.active) AS "workItems"
  FROM workflows w`;
const ORDER = "ORDER BY w.integration_id, w.step_number NULLS LAST, w.id";

async function getStep(db: Queryable, tenantId: number, stepId: number): Promise<Step | undefined> {
  const [row] = await db.query<Step>(`${SELECT} WHERE w.tenant_id = $1 AND w.id = $2 AND w.active`, [tenantId, stepId]);
  return row;
}

/** Every step of an integration's workflow in order (the reorder answer and the /workflows page). */
export async function stepsOf(db: Queryable, tenantId: number, integrationId: number): Promise<Step[]> {
  return await db.query<Step>(`${SELECT} WHERE w.tenant_id = $1 AND w.integration_id = $2 AND w.active ${ORDER}`, [
    tenantId,
    integrationId,
  ]);
}

async function nameTaken(
  db: Queryable,
  tenantId: number,
  integrationId: number,
  stepName: string,
  except = 0,
  field = "name",
) {
  const rows = await db.query(
    "SELECT 1 FROM workflows WHERE tenant_id = $1 AND integration_id = $2 AND lower(step_name) = lower($3) AND id <> $4",
    [tenantId, integrationId, stepName, except],
  );
  if (rows.length) invalidField(field, "another step of this workflow has this name");
}

/** Numbers 1..n over the steps that are not Discarded, in their current order (after an insert or a category move). */
async function renumber(tx: Queryable, tenantId: number, integrationId: number, ids?: number[]) {
  await tx.query(
    `UPDATE workflows w SET step_number = x.n, updated_at = now()
       FROM (SELECT id, CASE WHEN step_category = 'Discarded' THEN NULL
                        ELSE row_number() OVER (PARTITION BY step_category = 'Discarded'
                               ORDER BY coalesce(array_position($3::int[], id), 0), step_number NULLS LAST, id) END AS n
               FROM workflows WHERE tenant_id = $1 AND integration_id = $2 AND active) x
      WHERE w.id = x.id AND w.step_number IS DISTINCT FROM x.n`,
    [tenantId, integrationId, ids ?? null],
  );
}

/** Makes `stepId` the integration's only commitment point. */
async function setCommitmentPoint(tx: Queryable, tenantId: number, integrationId: number, stepId: number) {
  await tx.query(
    `UPDATE workflows SET is_commitment_point = false, updated_at = now()
      WHERE tenant_id = $1 AND integration_id = $2 AND is_commitment_point AND id <> $3`,
    [tenantId, integrationId, stepId],
  );
  await tx.query(
    "UPDATE workflows SET is_commitment_point = true, updated_at = now() WHERE tenant_id = $1 AND id = $2",
    [tenantId, stepId],
  );
}

export const stepPatch = z.object({
  name: name.optional(),
  category: category.optional(),
  commitmentPoint: z.boolean().optional(),
}).strict();

/**
 * Renames a step, moves it to another category or makes it the commitment point, in `tx` — the PATCH route and
 * the vocabulary preview/apply (which shows the effect on flow metrics first) share it. `field` prefixes the
 * names of invalid fields.
 */
export async function updateStep(
  tx: Queryable,
  tenantId: number,
  stepId: number,
  body: z.infer<typeof stepPatch>,
  field = "",
) {
  const current = await getStep(tx, tenantId, stepId) ?? missing("workflow step");
  if (body.name !== undefined) {
    await nameTaken(tx, tenantId, current.integrationId, body.name, current.id, `${field}name`);
  }
  if (body.commitmentPoint === false && current.commitmentPoint) {
    invalidField(
      `${field}commitmentPoint`,
      "a workflow keeps exactly one commitment point: set it on another step instead",
    );
  }
  const nextCategory = body.category ?? current.category;
  const commitment = body.commitmentPoint ?? current.commitmentPoint;
  if (commitment && nextCategory === "Discarded") {
    invalidField(
      field + (body.commitmentPoint ? "commitmentPoint" : "category"),
      "the commitment point cannot be a Discarded step; move the commitment point first",
    );
  }
  const stepName = body.name ?? current.name;
  await tx.query(
    `UPDATE workflows SET step_name = $3, step_category = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, current.id, stepName, nextCategory],
  );
  // mappings carry the step's name and category (vector texts and the old API shape read them)
  await tx.query(
    `UPDATE statuses_mappings SET status_to = $3, status_category = $4, updated_at = now()
      WHERE tenant_id = $1 AND workflow_id = $2`,
    [tenantId, current.id, stepName, nextCategory],
  );
  if (nextCategory !== current.category) await renumber(tx, tenantId, current.integrationId);
  if (body.commitmentPoint) await setCommitmentPoint(tx, tenantId, current.integrationId, current.id);
}

export function workflowRoutes() {
  const r = apiRouter("/app/etl/workflows", "vocabulary");

  r.route({
    method: "get",
    path: "/",
    summary: "Workflow steps in order, with the commitment point",
    query: listQuery({ integrationId: idText.optional(), category: category.optional() }, 50),
    responses: { 200: { description: "a page of steps", schema: pageBody(step) } },
  }, async (c, { query }) => {
    const args = [
      tenantOf(c),
      query.integrationId ?? null,
      query.category ?? null,
      query.q ? containsPattern(query.q) : null,
    ];
    const where = `WHERE w.tenant_id = $1 AND w.active AND ($2::int IS NULL OR w.integration_id = $2)
      AND ($3::text IS NULL OR w.step_category = $3) AND ($4::text IS NULL OR w.step_name ILIKE $4)`;
    const [{ total }] = await dbOf(c).query<{ total: number }>(
      `SELECT count(*)::int AS total FROM workflows w ${where}`,
      args,
    );
    const items = await dbOf(c).query<Step>(`${SELECT} ${where} ${ORDER} LIMIT $5 OFFSET $6`, [
      ...args,
      query.limit,
      query.offset,
    ]);
    return c.json(page(items, total, query));
  });

  r.route({
    method: "post",
    path: "/",
    summary: "Add a step at the end of the workflow",
    description: "The first step that is not Discarded becomes the commitment point when the workflow has none.",
    roles: ["admin"],
    body: z.object({ integrationId: id, name, category, commitmentPoint: z.boolean().optional() }).strict(),
    responses: { 201: { description: "the step", schema: step }, 404: notFound },
  }, async (c, { body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    await requireIntegration(db, tenantId, body.integrationId, "integrationId");
    await nameTaken(db, tenantId, body.integrationId, body.name);
    if (body.commitmentPoint && body.category === "Discarded") {
      invalidField("commitmentPoint", "a Discarded step cannot be the commitment point");
    }
    const stepId = await db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO workflows (tenant_id, integration_id, step_number, step_name, step_category)
         VALUES ($1, $2, (SELECT coalesce(max(step_number), 0) + 1 FROM workflows
                           WHERE tenant_id = $1 AND integration_id = $2 AND active), $3, $4) RETURNING id`,
        [tenantId, body.integrationId, body.name, body.category],
      );
      await renumber(tx, tenantId, body.integrationId);
      const [{ has }] = await tx.query<{ has: boolean }>(
        `SELECT exists(SELECT 1 FROM workflows WHERE tenant_id = $1 AND integration_id = $2 AND is_commitment_point
           AND active) AS has`,
        [tenantId, body.integrationId],
      );
      if (body.commitmentPoint || (!has && body.category !== "Discarded")) {
        await setCommitmentPoint(tx, tenantId, body.integrationId, row.id);
      }
      return row.id;
    });
    return c.json(await getStep(db, tenantId, stepId), 201);
  });

  r.route({
    method: "patch",
    path: "/:id",
    summary: "Rename a step, change its category, or make it the commitment point",
    roles: ["admin"],
    params: idParams,
    body: stepPatch,
    responses: { 200: { description: "the step", schema: step }, 404: notFound },
  }, async (c, { params, body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    await db.transaction((tx) => updateStep(tx, tenantId, params.id, body));
    return c.json(await getStep(db, tenantId, params.id));
  });

  r.route({
    method: "put",
    path: "/order",
    summary: "Reorder the steps that are not Discarded (numbers become 1..n in this order)",
    roles: ["admin"],
    body: orderBody,
    responses: { 200: { description: "the steps in their new order", schema: z.array(step) }, 404: notFound },
  }, async (c, { body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    await requireIntegration(db, tenantId, body.integrationId, "integrationId");
    await db.transaction(async (tx) => {
      const rows = await tx.query<{ id: number }>(
        `SELECT id FROM workflows WHERE tenant_id = $1 AND integration_id = $2 AND active
            AND step_category <> 'Discarded' FOR UPDATE`,
        [tenantId, body.integrationId],
      );
      requireWholeList(body.ids, rows.map((r) => r.id));
      await renumber(tx, tenantId, body.integrationId, body.ids);
    });
    return c.json(await stepsOf(db, tenantId, body.integrationId));
  });

  r.route({
    method: "get",
    path: "/:id/dependents",
    summary: "The status names mapped to a step, and the steps they can move to",
    params: idParams,
    responses: {
      200: {
        description: "dependents and reassignment targets",
        schema: z.object({
          mappings: z.array(z.object({ id: z.number().int(), name: z.string() })),
          workItems: z.number().int(),
          targets: z.array(z.object({ id: z.number().int(), name: z.string(), category })),
        }),
      },
      404: notFound,
    },
  }, async (c, { params }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    const current = await getStep(db, tenantId, params.id) ?? missing("workflow step");
    const targets = (await stepsOf(db, tenantId, current.integrationId)).filter((s) => s.id !== current.id)
      .map((s) => ({ id: s.id, name: s.name, category: s.category }));
    return c.json({ mappings: await mappingsOf(db, tenantId, current.id), workItems: current.workItems, targets });
  });

  r.route({
    method: "post",
    path: "/:id/reassign",
    summary: "Move the status names mapped to a step to another step of the same workflow",
    roles: ["admin"],
    params: idParams,
    body: reassignBody,
    responses: { 200: { description: "how many mappings moved", schema: z.object({ moved: z.number().int() }) } },
  }, async (c, { params, body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    const current = await getStep(db, tenantId, params.id) ?? missing("workflow step");
    const target = requireTarget(current, await getStep(db, tenantId, body.targetId));
    const moved = await db.query(
      `UPDATE statuses_mappings SET workflow_id = $3, status_to = $4, status_category = $5, updated_at = now()
        WHERE tenant_id = $1 AND workflow_id = $2 RETURNING id`,
      [tenantId, current.id, target.id, target.name, target.category],
    );
    return c.json({ moved: moved.length });
  });

  r.route({
    method: "delete",
    path: "/:id",
    summary: "Delete a step no status mapping uses (not the commitment point)",
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
    const current = await getStep(db, tenantId, params.id) ?? missing("workflow step");
    const mappings = await mappingsOf(db, tenantId, current.id);
    if (mappings.length) {
      dependentsConflict(
        "step_in_use",
        `${mappings.length} status names map to "${current.name}": reassign them first`,
        mappings,
      );
    }
    if (current.commitmentPoint) {
      throw new ApiError(409, "commitment_point", "this step is the commitment point: set it on another step first");
    }
    await db.transaction(async (tx) => {
      await tx.query("DELETE FROM workflows WHERE tenant_id = $1 AND id = $2", [tenantId, current.id]);
      await renumber(tx, tenantId, current.integrationId);
    });
    return c.json({ id: current.id });
  });

  return r.app;
}

async function mappingsOf(db: Queryable, tenantId: number, stepId: number) {
  return await db.query<{ id: number; name: string }>(
    `SELECT id, status_from AS name FROM statuses_mappings WHERE tenant_id = $1 AND workflow_id = $2
      ORDER BY lower(status_from)`,
    [tenantId, stepId],
  );
}
