// Values derived from history, computed while a page of issues loads: the page holds its items' locks
// (page_context.ts lockIssues) and read every stored input of them, so stored history ∪ the page's history is the
// complete history the after-step recompute would read once the page commits — the values are the same, and the
// recompute's second pass over every item of a first sync (a full read of all history plus an UPDATE of every new
// row: a fifth of the issue step, and the step's peak memory at 100,000 issues) is not needed. Items a page cannot
// finish stay pending for that recompute: one inserted by another writer after the page's context was read, and
// one whose history names a sprint no row exists for yet (see writeMemberships).
import { idsByExternalId, type Scope } from "../../common/db_util.ts";
import type { StoredTransition } from "./page_context.ts";
import type { ExistingItem } from "./page_context.ts";
import type { PreparedIssue } from "./issue_row.ts";
import { deriveMemberships, type ItemHistory, type TransitionTimingRow } from "./derive_item.ts";
import { parseSprintField, type SprintRef } from "../derived/sprint_history.ts";
import { upsertMemberships, upsertSprints } from "./load_sprints.ts";
import { historyTime, jiraTime } from "./history_time.ts";
import type { JiraChangeItem, JiraHistory } from "../client/types.ts";
import type { FieldMapping } from "./field_mapping.ts";

const time = (v: unknown) => (v === null || v === undefined ? null : Date.parse(String(v)));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const isStatus = (item: { field?: string; fieldId?: string }) => (item.fieldId ?? item.field) === "status";

/** The sprint and story-point items of each history (status items are changelogs), as stored and derived from. */
export function fieldHistoryRows(ordered: readonly JiraHistory[]) {
  const out: Array<{ id: string; changedAt: string; items: JiraChangeItem[] }> = [];
  for (const h of ordered) {
    const at = historyTime(h);
    const items = (h.items ?? []).filter((i) => !isStatus(i)).map((i) => ({
      field: i.field,
      fieldId: i.fieldId,
      from: i.from ?? null,
      to: i.to ?? null,
      fromString: i.fromString ?? null,
      toString: i.toString ?? null,
    }));
    if (!items.length || !Number.isFinite(at)) continue;
    out.push({ id: String(h.id), changedAt: new Date(at).toISOString(), items });
  }
  return out;
}

/** The sprint field of the newest snapshot: an older page (redelivered after a newer one) does not replace it. */
export function newestSprints(
  page: { sprints: SprintRef[]; updatedAt: number | null },
  stored: ExistingItem["derivation"],
): SprintRef[] {
  if (!stored || stored.snapshotUpdatedAt === null) return page.sprints;
  return page.updatedAt !== null && page.updatedAt >= stored.snapshotUpdatedAt ? page.sprints : stored.currentSprints;
}

/**
 * The complete history of one issue of the page: what is stored for it, with the page's transitions replacing
 * stored ones of the same id (the load overwrites them) and the page's field histories added where new (they are
 * insert-once); the current values from the work item row the page writes.
 */
export function pageItemHistory(
  p: PreparedIssue,
  row: Record<string, unknown>,
  transitions: StoredTransition[],
  stored: ExistingItem | undefined,
  mapping: FieldMapping,
): ItemHistory {
  const byId = new Map<string, StoredTransition>(stored?.transitions ?? []);
  for (const t of transitions) byId.set(t.externalId, t);
  const histories = [...stored?.histories ?? []];
  const known = new Set(histories.map(([id]) => id));
  for (const h of fieldHistoryRows(p.histories)) if (!known.has(h.id)) histories.push([h.id, h.changedAt, h.items]);
  const updated = jiraTime(p.fields.updated);
  const sprints = mapping.sprints ? parseSprintField(p.fields[mapping.sprints]) : [];
  return {
    createdAt: time(row.source_created_at),
    statusId: num(row.status_id),
    storyPoints: num(row.story_points),
    currentSprints: newestSprints(
      { sprints, updatedAt: Number.isFinite(updated) ? updated : null },
      stored?.derivation ?? null,
    ),
    transitions: [...byId.values()].map(({ externalId, at, fromStatusId, toStatusId }) => ({
      externalId,
      at,
      fromStatusId,
      toStatusId,
    })),
    histories,
  };
}

/** The derived columns of a changelog row. */
export function timingColumns(t: TransitionTimingRow) {
  return {
    external_id: t.externalId,
    transition_start_date: t.startAt === null ? null : new Date(t.startAt).toISOString(),
    time_in_status_seconds: t.seconds,
  };
}

/**
 * Sprint memberships of the items. `historyOnly`: "insert" — sprints their histories alone name are inserted once
 * (the recompute, visiting items in external-id order, so such a sprint named differently in two histories is named
 * the same way whatever order the pages came in); "defer" — the page load does not insert them: an item naming one
 * no row exists for yet is returned as incomplete and left pending for the recompute, since inserting it would make
 * which page names it (and whether a later page's sprint field then rewrites it) depend on page order.
 */
export async function writeMemberships(
  scope: Scope,
  items: Array<{ workItemId: number; current: SprintRef[]; history: ItemHistory }>,
  sprintFieldId: string,
  storyPointsFieldId: string | null,
  historyOnly: "insert" | "defer",
): Promise<{ rows: number; incomplete: Set<number> }> {
  const named: SprintRef[] = [];
  const perIssue = [];
  for (const item of items) {
    const derived = deriveMemberships(item.history, sprintFieldId, storyPointsFieldId);
    named.push(...item.current, ...derived.historyOnly);
    perIssue.push(...derived.memberships.map((m) => ({ workItemId: item.workItemId, m })));
  }
  const incomplete = new Set<number>();
  if (perIssue.length === 0) return { rows: 0, incomplete };
  let written: number[] = [];
  let ids: Map<string, number>;
  if (historyOnly === "insert") {
    // current sprints were written with their details by the page loads; here they are only looked up
    ({ ids, written } = await upsertSprints(scope, [], named));
  } else {
    ids = await idsByExternalId(scope, "sprints", named.map((s) => s.id));
    for (const { workItemId, m } of perIssue) if (!ids.has(m.sprintId)) incomplete.add(workItemId);
  }
  return { rows: written.length + await upsertMemberships(scope, perIssue, ids), incomplete };
}
