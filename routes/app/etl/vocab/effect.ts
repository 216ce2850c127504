// What a vocabulary change does to the stored work items, computed on the server from stored data: the change is
// written inside a transaction, the before and after vocabularies are read in it, the flow metrics of every work
// item whose history touches a status whose workflow step changes are recomputed with the same function the load
// uses (computeFlow over the stored status history), and the differences are counted with a few examples. A
// preview rolls the transaction back (nothing is kept); apply commits it and starts a re-transform from raw, whose
// result is what the preview showed.
import { z } from "zod";
import type { Queryable } from "../../../../db/port.ts";
import { id } from "../../../../server/api/schemas.ts";
import { saveStatusMappings, saveWitMappings } from "../../../../db/vocabulary/mappings.ts";
import { computeFlow, METRIC_COLUMNS } from "../../../../engine/connectors/jira/derived/flow_metrics.ts";
import type { StepCategory, Transition } from "../../../../engine/connectors/jira/derived/flow_metrics.ts";
import { sourceNames } from "./common.ts";

export const changeBody = z.object({
  integrationId: id,
  statuses: z.array(z.object({ names: sourceNames, workflowId: id.nullable() }).strict()).max(20).optional()
    .meta({ description: "status names → workflow step (null: unmapped)" }),
  wits: z.array(z.object({ sources: sourceNames, witTypeId: id.nullable() }).strict()).max(20).optional()
    .meta({ description: "source type names → normalized type (null: unmapped)" }),
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
}

const TIME_COLUMNS = new Set<string>(METRIC_COLUMNS.filter((c) => c.endsWith("_at")));
const epoch = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;
const EPOCH_CHANGE = epoch("c.transition_change_date");

type ItemRow = {
  key: string;
  status_id: number | null;
  created: number | null;
  /** "epochMs,fromId,toId,externalId;…" (0 = no status): one string parses far faster than four arrays */
  history: string | null;
} & Record<string, unknown>;

function parseHistory(history: string | null): Transition[] {
  if (!history) return [];
  return history.split(";").map((entry) => {
    const [at, from, to, ...id] = entry.split(",");
    // the external id is last and may itself hold commas
    return {
      at: Number(at),
      fromStatusId: Number(from) || null,
      toStatusId: Number(to) || null,
      externalId: id.join(","),
    };
  });
}

/** Stored value (times as epoch ms) equals the computed one (times as ISO text); no strings built on the way. */
function same(column: string, stored: unknown, computed: unknown): boolean {
  if (stored === null || stored === undefined || computed === null) return (stored ?? null) === computed;
  if (TIME_COLUMNS.has(column)) return Number(stored) === Date.parse(computed as string);
  return typeof computed === "boolean" ? stored === computed : Number(stored) === computed;
}

/** A metric value as the API shows it: times as ISO 8601 (stored ones arrive as epoch ms), the rest as text. */
function shown(column: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (TIME_COLUMNS.has(column)) {
    return new Date(typeof value === "string" ? Date.parse(value) : Number(value)).toISOString();
  }
  return String(value);
}

/** Saves the change in `tx` and reports what it does to the stored work items. */
export async function changeEffect(tx: Queryable, tenantId: number, change: Change): Promise<Effect> {
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

  const typed = await tx.query<{ key: string; wit_id: number }>(
    `SELECT key, wit_id FROM work_items WHERE tenant_id = $1 AND integration_id = $2 AND active
        AND wit_id = ANY($3::int[]) ORDER BY key`,
    [tenantId, integrationId, changedTypes],
  );
  // one row per touched item with its history in one string and times as epoch ms (cheap to parse at 100,000 rows)
  const items = await tx.query<ItemRow>(
    `WITH h AS (
       SELECT c.work_item_id AS id,
              string_agg(concat_ws(',', ${EPOCH_CHANGE}, coalesce(c.from_status_id, 0), coalesce(c.to_status_id, 0),
                c.external_id), ';') AS history,
              bool_or(c.from_status_id = ANY($3::int[]) OR c.to_status_id = ANY($3::int[])) AS touched
         FROM changelogs c WHERE c.tenant_id = $1 AND c.integration_id = $2 GROUP BY c.work_item_id)
     SELECT wi.key, wi.status_id, ${epoch("wi.source_created_at")} AS created,
            ${METRIC_COLUMNS.map((c) => `${TIME_COLUMNS.has(c) ? epoch(`wi.${c}`) : `wi.${c}`} AS ${c}`).join(", ")},
            h.history
       FROM work_items wi LEFT JOIN h ON h.id = wi.id
      WHERE wi.tenant_id = $1 AND wi.integration_id = $2 AND wi.active
        AND ($4 OR h.touched OR wi.status_id = ANY($3::int[]))
      ORDER BY wi.key`,
    [tenantId, integrationId, changedStatuses, everyItem],
  );

  const effect: Effect = {
    workItems: { count: typed.length, examples: [] },
    categories: { count: 0, examples: [] },
    steps: { count: 0, examples: [] },
    flowMetrics: { count: 0, metrics: 0, examples: [] },
    unmappedAfter: 0,
  };
  for (const t of typed.slice(0, EXAMPLES)) {
    effect.workItems.examples.push({
      key: t.key,
      before: typesBefore.get(Number(t.wit_id)) ?? null,
      after: typesAfter.get(Number(t.wit_id)) ?? null,
    });
  }
  const push = (bucket: Effect["categories"], key: string, b: string | null, a: string | null) => {
    bucket.count++;
    if (bucket.examples.length < EXAMPLES) bucket.examples.push({ key, before: b, after: a });
  };
  const stepOf = (steps: typeof after) => (sid: number | null) => {
    const s = sid === null ? undefined : steps.byId.get(sid);
    return s ? { category: s.category, stepNumber: s.number === null ? null : Number(s.number) } : undefined;
  };
  for (const item of items) {
    const sid = item.status_id === null ? null : Number(item.status_id);
    const b = sid === null ? undefined : before.byId.get(sid);
    const a = sid === null ? undefined : after.byId.get(sid);
    if ((b?.category ?? null) !== (a?.category ?? null)) {
      push(effect.categories, item.key, b?.category ?? null, a?.category ?? null);
    }
    if ((b?.step ?? null) !== (a?.step ?? null)) push(effect.steps, item.key, b?.step ?? null, a?.step ?? null);
    const num = (v: number | null) => (v === null ? null : Number(v));
    const { metrics } = computeFlow({
      createdAt: num(item.created),
      currentStatusId: sid,
      transitions: parseHistory(item.history),
      stepOf: stepOf(after),
      commitmentStep: after.commitment === null ? null : Number(after.commitment),
    });
    if (metrics.flow_through_unmapped) effect.unmappedAfter++;
    let changed = false;
    for (const column of METRIC_COLUMNS) {
      if (same(column, item[column], metrics[column])) continue;
      changed = true;
      effect.flowMetrics.metrics++;
      if (effect.flowMetrics.examples.length < EXAMPLES) {
        const before = shown(column, item[column]);
        effect.flowMetrics.examples.push({
          key: item.key,
          metric: column,
          before,
          after: shown(column, metrics[column]),
        });
      }
    }
    if (changed) effect.flowMetrics.count++;
  }
  return effect;
}
