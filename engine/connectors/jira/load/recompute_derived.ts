// The Jira after-step hook: values derived from history — flow metrics, each transition's start and time in status,
// sprint membership dates and estimates — recomputed for every pending item from the COMPLETE stored history
// (changelogs for status transitions, jira_field_histories for sprint and story-point changes, jira_derivations for
// the sprint field of the newest snapshot). The page loads derive their items themselves (derived_page.ts); what
// they leave pending is what they could not: an item whose stored history a page could not read, one whose history
// names a sprint no row exists for yet, and items a back-fill changed. Computed from what is stored only, so batch
// order, redelivery and replay after a crash cannot change the result (issue #10 §1), in the transaction that
// advances the step. Items are visited in external-id order so that the few insert-once rows (sprints known only
// from history) are named the same way whatever order the pages came in.
import type { Queryable } from "../../../../db/port.ts";
import type { Scope } from "../../common/db_util.ts";
import { METRIC_COLUMNS } from "../derived/flow_metrics.ts";
import type { SprintRef } from "../derived/sprint_history.ts";
import type { JiraChangeItem } from "../client/types.ts";
import { loadStatusSteps, type StatusSteps } from "./page_context.ts";
import { type FieldMapping, loadFieldMapping } from "./field_mapping.ts";
import { deriveFlow, type ItemHistory } from "./derive_item.ts";
import { timingColumns, writeMemberships } from "./derived_page.ts";

/**
 * Items recomputed per statement group: bounds memory on a 100k-issue first sync — right after its recompute the
 * process's RSS was 330 MB at 2,000 items per chunk and 245 MB at 500 (V8's default flags, bench/jira_bench.ts); at
 * 500 the old generation still grew 40 → 82 MB during the recompute (each chunk's parsed histories outlive two
 * scavenges while its statements run) and RSS peaked at 287 MB there, at 250 items at 261 MB.
 */
export const RECOMPUTE_CHUNK = 250;

type TransitionRow = [string, number | null, number | null, string];
type HistoryRow = [string, string, JiraChangeItem[]];

interface PendingItem {
  id: number;
  external_id: string;
  created: Date | string | null;
  status_id: number | null;
  story_points: number | null;
  current_sprints: SprintRef[];
  transitions: TransitionRow[];
  histories: HistoryRow[];
}

// The pending items in external-id order, read once: a keyset walk (`external_id > $cursor ORDER BY external_id
// LIMIT n`) cannot be served by the pending index, so every chunk joined and sorted ALL remaining pending items —
// quadratic in a first sync's size (0.5–2 s per chunk at 100,000 issues).
// One array, not a row per item: 100,000 row objects stayed in the old generation for the whole recompute.
const PENDING_ORDER_SQL = `SELECT coalesce(array_agg(wi.id::int8 ORDER BY wi.external_id), '{}') AS ids
  FROM jira_derivations d JOIN work_items wi ON wi.id = d.work_item_id
  WHERE d.tenant_id = $1 AND d.integration_id = $2 AND d.pending`;

const PENDING_SQL = `SELECT wi.id::int8 AS id, wi.external_id, wi.source_created_at AS created, wi.status_id,
    wi.story_points, d.current_sprints,
    (SELECT coalesce(jsonb_agg(jsonb_build_array(c.external_id, c.from_status_id, c.to_status_id,
              c.transition_change_date)), '[]'::jsonb) FROM changelogs c WHERE c.work_item_id = wi.id) AS transitions,
    (SELECT coalesce(jsonb_agg(jsonb_build_array(h.external_id, h.changed_at, h.items)), '[]'::jsonb)
       FROM jira_field_histories h WHERE h.work_item_id = wi.id) AS histories
  FROM jira_derivations d JOIN work_items wi ON wi.id = d.work_item_id
  WHERE d.work_item_id = ANY($1::int8[]) AND d.pending
  ORDER BY wi.external_id`;

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const time = (v: Date | string | null) => (v === null ? null : new Date(v).getTime());

export interface RecomputeResult {
  items: number;
  rows: number;
}

/** Recomputes every pending item of the integration; returns how many items and rows it changed. */
export async function recomputeDerived(scope: Scope): Promise<RecomputeResult> {
  const steps = await loadStatusSteps(scope);
  const mapping = await loadFieldMapping(scope.tx, scope.tenantId, scope.integrationId);
  const total: RecomputeResult = { items: 0, rows: 0 };
  // a chunk's read looks costly to the planner (a sub-select per item), so the server JIT-compiled it on every
  // execution — tens to hundreds of milliseconds per chunk for a plan that runs in about as long without it
  await scope.tx.exec("SET LOCAL jit = off");
  const [{ ids }] = await scope.tx.query<{ ids: Array<number | string> }>(PENDING_ORDER_SQL, [
    scope.tenantId,
    scope.integrationId,
  ]);
  const pending = ids.map(Number);
  for (let start = 0; start < pending.length; start += RECOMPUTE_CHUNK) {
    const items = await scope.tx.query<PendingItem>(PENDING_SQL, [pending.slice(start, start + RECOMPUTE_CHUNK)]);
    if (items.length === 0) continue;
    total.rows += await recomputeChunk(scope, items, steps, mapping);
    total.items += items.length;
    await scope.tx.query("UPDATE jira_derivations SET pending = false WHERE work_item_id = ANY($1::int8[])", [
      items.map((i) => i.id),
    ]);
  }
  return total;
}

async function recomputeChunk(scope: Scope, items: PendingItem[], steps: StatusSteps, mapping: FieldMapping) {
  const metricRows: Record<string, unknown>[] = [];
  const timingRows: Record<string, unknown>[] = [];
  const histories = items.map((item): ItemHistory => ({
    createdAt: time(item.created),
    statusId: num(item.status_id),
    storyPoints: num(item.story_points),
    currentSprints: item.current_sprints,
    transitions: item.transitions.map(([externalId, from, to, at]) => ({
      externalId,
      at: new Date(at).getTime(),
      fromStatusId: num(from),
      toStatusId: num(to),
    })),
    histories: item.histories,
  }));
  for (const [i, item] of items.entries()) {
    const flow = deriveFlow(histories[i], steps);
    metricRows.push({ id: item.id, ...flow.metrics });
    for (const t of flow.timings) timingRows.push({ work_item_id: item.id, ...timingColumns(t) });
  }
  let rows = await updateChanged(scope.tx, "work_items", ["id"], [...METRIC_COLUMNS], metricRows);
  rows += await updateChanged(scope.tx, "changelogs", ["work_item_id", "external_id"], [
    "transition_start_date",
    "time_in_status_seconds",
  ], timingRows);
  if (mapping.sprints) {
    const derived = items.map((item, i) => ({
      workItemId: item.id,
      current: item.current_sprints,
      history: histories[i],
    }));
    rows += (await writeMemberships(scope, derived, mapping.sprints, mapping.storyPoints, "insert")).rows;
  }
  return rows;
}

/** UPDATE of `columns` for rows matched on `key`, only where a value differs; returns the rows changed. */
async function updateChanged(
  tx: Queryable,
  table: string,
  key: string[],
  columns: string[],
  rows: Record<string, unknown>[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const set = columns.map((c) => `${c} = r.${c}`).join(", ");
  const on = key.map((k) => `t.${k} = r.${k}`).join(" AND ");
  const changed = `(${columns.map((c) => `t.${c}`).join(", ")}) IS DISTINCT FROM (${
    columns.map((c) => `r.${c}`).join(", ")
  })`;
  const written = await tx.query(
    `UPDATE ${table} t SET ${set}, updated_at = now()
       FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb) r WHERE ${on} AND ${changed} RETURNING t.id`,
    [JSON.stringify(rows)],
  );
  return written.length;
}
