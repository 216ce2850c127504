// What a vocabulary change does to the stored work items, computed on the server from stored data: the change is
// written inside a transaction, the before and after vocabularies are read in it, the flow metrics of every work
// item whose history touches a status whose workflow step changes are recomputed with the load's own metrics core
// over the stored status history (flow_effect.ts), and the differences are counted with a few examples. A
// preview rolls the transaction back (nothing is kept); apply commits it and starts a re-transform from raw, whose
// result is what the preview showed.
import { z } from "zod";
import type { Db, Queryable } from "../../../../db/port.ts";
import { id } from "../../../../server/api/schemas.ts";
import { saveStatusMappings, saveWitMappings } from "../../../../db/vocabulary/mappings.ts";
import type { StepCategory } from "../../../../engine/connectors/jira/derived/flow_metrics.ts";
import { flowEffect } from "./flow_effect.ts";
import { sourceNames } from "./common.ts";
import { stepPatch, updateStep } from "./workflows.ts";

export const changeBody = z.object({
  integrationId: id,
  statuses: z.array(z.object({ names: sourceNames, workflowId: id.nullable() }).strict()).max(20).optional()
    .meta({ description: "status names → workflow step (null: unmapped)" }),
  wits: z.array(z.object({ sources: sourceNames, witTypeId: id.nullable() }).strict()).max(20).optional()
    .meta({ description: "source type names → normalized type (null: unmapped)" }),
  workflows: z.array(stepPatch.extend({ id })).max(20).optional()
    .meta({ description: "workflow step changes (name, category, commitment point), as PATCH /workflows/:id" }),
}).strict();
export type Change = z.infer<typeof changeBody>;

const example = z.object({ key: z.string(), before: z.string().nullable(), after: z.string().nullable() });
const changeCount = z.object({ count: z.number().int().min(0), examples: z.array(example) });
export const effectBody = z.object({
  workItems: changeCount.meta({ description: "work items whose normalized type changes" }),
  categories: changeCount.meta({ description: "work items whose current status category changes" }),
  steps: changeCount.meta({ description: "work items whose current workflow step changes" }),
  flowMetrics: z.object({
    count: z.number().int().min(0).meta({ description: "work items with at least one flow metric changing" }),
    metrics: z.number().int().min(0).meta({ description: "flow metric values changing" }),
    examples: z.array(example.extend({ metric: z.string() })),
  }),
  unmappedAfter: z.number().int().min(0)
    .meta({ description: "of the work items the change touches, those whose metrics still pass an unmapped status" }),
}).meta({ id: "VocabularyEffect" });
export type Effect = z.infer<typeof effectBody>;

const EXAMPLES = 5;

interface StatusStepRow {
  id: number;
  step: string | null;
  category: StepCategory | null;
  number: number | null;
}

async function statusSteps(tx: Queryable, tenantId: number, integrationId: number) {
  const rows = await tx.query<StatusStepRow>(
    `SELECT s.id, w.step_name AS step, w.step_category AS category, w.step_number AS number
       FROM statuses s LEFT JOIN statuses_mappings m ON m.id = s.status_mapping_id AND m.active
       LEFT JOIN workflows w ON w.id = m.workflow_id AND w.active
      WHERE s.tenant_id = $1 AND s.integration_id = $2`,
    [tenantId, integrationId],
  );
  const [commitment] = await tx.query<{ n: number | null }>(
    `SELECT step_number AS n FROM workflows WHERE tenant_id = $1 AND integration_id = $2 AND is_commitment_point
        AND active LIMIT 1`,
    [tenantId, integrationId],
  );
  return { byId: new Map(rows.map((r) => [Number(r.id), r])), commitment: commitment?.n ?? null };
}

async function witTypes(tx: Queryable, tenantId: number, integrationId: number) {
  const rows = await tx.query<{ id: number; name: string | null }>(
    `SELECT w.id, t.name FROM wits w LEFT JOIN wits_mappings m ON m.id = w.wits_mapping_id AND m.active
       LEFT JOIN wit_types t ON t.id = m.wit_type_id WHERE w.tenant_id = $1 AND w.integration_id = $2`,
    [tenantId, integrationId],
  );
  return new Map(rows.map((r) => [Number(r.id), r.name]));
}

/** Writes the change in `tx` (the caller commits or rolls back). */
export async function saveChange(tx: Queryable, tenantId: number, change: Change) {
  const scope = { tx, tenantId, integrationId: change.integrationId };
  for (const s of change.statuses ?? []) await saveStatusMappings(scope, s.names, s.workflowId);
  for (const w of change.wits ?? []) await saveWitMappings(scope, w.sources, w.witTypeId);
  for (const [i, { id: stepId, ...patch }] of (change.workflows ?? []).entries()) {
    await updateStep(tx, tenantId, stepId, patch, `workflows.${i}.`);
  }
}

/** Saves the change in `tx` and reports what it does to the stored work items. */
export async function changeEffect(db: Db, tx: Queryable, tenantId: number, change: Change): Promise<Effect> {
  const { integrationId } = change;
  const before = await statusSteps(tx, tenantId, integrationId);
  const typesBefore = await witTypes(tx, tenantId, integrationId);
  await saveChange(tx, tenantId, change);
  const after = await statusSteps(tx, tenantId, integrationId);
  const typesAfter = await witTypes(tx, tenantId, integrationId);

  const changedStatuses = [...after.byId.values()].filter((s) => {
    const b = before.byId.get(Number(s.id));
    return !b || b.step !== s.step || b.category !== s.category || b.number !== s.number;
  }).map((s) => Number(s.id));
  const changedTypes = [...typesAfter].filter(([wid, name]) => typesBefore.get(wid) !== name).map(([wid]) => wid);
  const everyItem = before.commitment !== after.commitment;

  // the flow metrics read stored rows on their own connections: they run while the transaction counts the rest
  const flow = flowEffect(db, {
    tenantId,
    integrationId,
    changedStatuses,
    everyItem,
    stepOf: new Map(
      [...after.byId].map(([sid, s]) => [sid, {
        category: s.category,
        stepNumber: s.number === null ? null : Number(s.number),
      }]),
    ),
    commitmentStep: after.commitment === null ? null : Number(after.commitment),
  });
  // awaited below; should the transaction fail first, its own failure is the one reported
  flow.catch(() => {});
  const typed = await tx.query<{ key: string; wit_id: number }>(
    `SELECT key, wit_id FROM work_items WHERE tenant_id = $1 AND integration_id = $2 AND active
        AND wit_id = ANY($3::int[]) ORDER BY key`,
    [tenantId, integrationId, changedTypes],
  );
  const current = await currentStepEffect(tx, { tenantId, integrationId, changedStatuses, before, after });
  const { unmappedAfter, ...flowMetrics } = await flow;
  const effect: Effect = {
    workItems: {
      count: typed.length,
      examples: typed.slice(0, EXAMPLES).map((t) => ({
        key: t.key,
        before: typesBefore.get(Number(t.wit_id)) ?? null,
        after: typesAfter.get(Number(t.wit_id)) ?? null,
      })),
    },
    ...current,
    flowMetrics,
    unmappedAfter,
  };
  return effect;
}

/** Work items whose current category or step changes: counted per status in SQL, examples by key. */
async function currentStepEffect(
  tx: Queryable,
  { tenantId, integrationId, changedStatuses, before, after }: {
    tenantId: number;
    integrationId: number;
    changedStatuses: number[];
    before: Awaited<ReturnType<typeof statusSteps>>;
    after: Awaited<ReturnType<typeof statusSteps>>;
  },
): Promise<Pick<Effect, "categories" | "steps">> {
  const counts = await tx.query<{ status_id: number; n: number }>(
    `SELECT status_id, count(*)::int AS n FROM work_items WHERE tenant_id = $1 AND integration_id = $2 AND active
        AND status_id = ANY($3::int[]) GROUP BY status_id`,
    [tenantId, integrationId, changedStatuses],
  );
  const bucket = async (field: "category" | "step") => {
    const moved = counts.filter((c) =>
      (before.byId.get(Number(c.status_id))?.[field] ?? null) !== (after.byId.get(Number(c.status_id))?.[field] ?? null)
    );
    const examples = moved.length === 0 ? [] : await tx.query<{ key: string; status_id: number }>(
      `SELECT key, status_id FROM work_items WHERE tenant_id = $1 AND integration_id = $2 AND active
          AND status_id = ANY($3::int[]) ORDER BY key LIMIT ${EXAMPLES}`,
      [tenantId, integrationId, moved.map((c) => Number(c.status_id))],
    );
    return {
      count: moved.reduce((sum, c) => sum + Number(c.n), 0),
      examples: examples.map((e) => ({
        key: e.key,
        before: before.byId.get(Number(e.status_id))?.[field] ?? null,
        after: after.byId.get(Number(e.status_id))?.[field] ?? null,
      })),
    };
  };
  return { categories: await bucket("category"), steps: await bucket("step") };
}
