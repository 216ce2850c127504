// The values of one work item derived from its complete history — flow metrics, each transition's start and time in
// status, sprint memberships — as rows to write. One function for both callers, so they cannot disagree: the page
// load (derived_page.ts), which holds every stored input of its items under their locks, and the after-step
// recompute (recompute_derived.ts) for items a page could not derive.
import { computeFlow, type FlowMetrics, type StatusStep, type Transition } from "../derived/flow_metrics.ts";
import { type Membership, sprintMemberships, type SprintRef } from "../derived/sprint_history.ts";
import type { JiraChangeItem, JiraHistory } from "../client/types.ts";

export interface ItemHistory {
  createdAt: number | null;
  statusId: number | null;
  storyPoints: number | null;
  /** The newest snapshot's sprint field. */
  currentSprints: SprintRef[];
  /** Every status transition stored for the item. */
  transitions: Transition[];
  /** Every stored history with sprint or story-point items, as [history id, ISO time, those items]. */
  histories: Array<[string, string, JiraChangeItem[]]>;
}

export interface Steps {
  stepOf: (statusId: number | null) => StatusStep | undefined;
  commitmentStep: number | null;
}

export interface TransitionTimingRow {
  externalId: string;
  startAt: number | null;
  seconds: number | null;
}

/** Flow metrics and per-transition timings of one item. */
export function deriveFlow(item: ItemHistory, steps: Steps): { metrics: FlowMetrics; timings: TransitionTimingRow[] } {
  const flow = computeFlow({
    createdAt: item.createdAt,
    currentStatusId: item.statusId,
    transitions: item.transitions,
    stepOf: steps.stepOf,
    commitmentStep: steps.commitmentStep,
  });
  return {
    metrics: flow.metrics,
    timings: flow.timings.map((t) => ({ externalId: t.externalId, startAt: t.startAt, seconds: t.seconds })),
  };
}

/** Sprint memberships of one item, and the sprints known to it only by id and name from history. */
export function deriveMemberships(
  item: ItemHistory,
  sprintFieldId: string,
  storyPointsFieldId: string | null,
): { memberships: Membership[]; historyOnly: SprintRef[] } {
  // oldest first, ties by history id: the stored rows come back in no particular order
  const histories: JiraHistory[] = [...item.histories]
    .sort(([a, at], [b, bt]) => Date.parse(at) - Date.parse(bt) || a.localeCompare(b))
    .map(([id, at, items]) => ({ id, created: new Date(at).toISOString(), items }));
  return sprintMemberships({
    current: item.currentSprints,
    histories,
    sprintFieldId,
    storyPointsFieldId,
    currentPoints: item.storyPoints,
    createdAt: item.createdAt,
  });
}
