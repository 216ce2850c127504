// Flow metrics of one work item, computed from its COMPLETE ordered status history (study §3.6 recommendation,
// §13 rules 9–11). Every status is classified through statuses_mappings → workflows (the tenant's workflow step,
// its category and step number), never through Jira's three-value status category, and time is attributed to the
// status the item was sitting in (the FROM status), measured from the previous status change (or creation).
//
// Definitions (categories are the workflow step categories: To Do, In Progress, Waiting, Done, Discarded; an
// unmapped status has no category):
// - in flight       = In Progress or Waiting (waiting between active steps is still work in progress);
// - start           = a transition into an in-flight status from one that is not in flight;
// - completion      = a transition into Done from a status that is not Done;
// - backlog return  = a transition into To Do from an in-flight or Done status;
// - commitment      = the first entry into a status whose step number is at/after the commitment point's;
// - creation counts as entering the initial status (the first transition's FROM status), so an issue created
//   directly in a committed or in-flight status is committed/started at creation;
// - cycle time      = first start → last completion, lead time = first commitment → last completion, both only
//   while the item's latest status is Done (a reopened item has no finished cycle);
// - rework          = more than one start; direct completion = completed without ever being in flight;
// - through unmapped = the item sat in (or moved through) a status with no workflow step: its time and moves there
//   count in no bucket, so its metrics are flagged rather than silently short.

export type StepCategory = "To Do" | "In Progress" | "Waiting" | "Done" | "Discarded";

export interface StatusStep {
  category: StepCategory | null;
  stepNumber: number | null;
}

export interface Transition {
  externalId: string;
  /** Epoch milliseconds of the status change. */
  at: number;
  fromStatusId: number | null;
  toStatusId: number | null;
}

export interface FlowInput {
  /** Epoch ms of issue creation (null when unknown). */
  createdAt: number | null;
  /** Current status; the initial status when there is no transition at all. */
  currentStatusId: number | null;
  transitions: readonly Transition[];
  /** statuses.id → workflow step (undefined/null category when the status is unmapped). */
  stepOf: (statusId: number | null) => StatusStep | undefined;
  /** step_number of the integration's commitment point, null when none is configured. */
  commitmentStep: number | null;
}

export interface TransitionTiming {
  externalId: string;
  /** When the item entered the FROM status: previous status change, or creation for the first one. */
  startAt: number | null;
  /** Seconds spent in the FROM status. */
  seconds: number | null;
}

export interface FlowMetrics {
  work_first_committed_at: string | null;
  work_first_started_at: string | null;
  work_last_started_at: string | null;
  work_first_completed_at: string | null;
  work_last_completed_at: string | null;
  total_work_starts: number;
  total_completions: number;
  total_backlog_returns: number;
  total_work_time_seconds: number | null;
  total_waiting_time_seconds: number | null;
  total_cycle_time_seconds: number | null;
  total_lead_time_seconds: number | null;
  rework_indicator: boolean;
  direct_completion: boolean;
  flow_through_unmapped: boolean;
}

export const METRIC_COLUMNS: readonly (keyof FlowMetrics)[] = [
  "work_first_committed_at",
  "work_first_started_at",
  "work_last_started_at",
  "work_first_completed_at",
  "work_last_completed_at",
  "total_work_starts",
  "total_completions",
  "total_backlog_returns",
  "total_work_time_seconds",
  "total_waiting_time_seconds",
  "total_cycle_time_seconds",
  "total_lead_time_seconds",
  "rework_indicator",
  "direct_completion",
  "flow_through_unmapped",
];

const inFlight = (c: StepCategory | null | undefined) => c === "In Progress" || c === "Waiting";

/** Oldest first; ties (same millisecond) by numeric history id, which Jira assigns in order. */
export function orderTransitions(transitions: readonly Transition[]): Transition[] {
  return [...transitions].sort((a, b) =>
    (a.at - b.at) || (Number(a.externalId) - Number(b.externalId)) || a.externalId.localeCompare(b.externalId)
  );
}

/** Time in the FROM status for every transition, in history order. */
export function transitionTimings(createdAt: number | null, ordered: readonly Transition[]): TransitionTiming[] {
  return ordered.map((t, i) => {
    const startAt = i === 0 ? createdAt : ordered[i - 1].at;
    // clock skew between Jira nodes can put a change a few ms before the previous one; time is never negative
    const seconds = startAt === null ? null : Math.max(0, (t.at - startAt) / 1000);
    return { externalId: t.externalId, startAt, seconds };
  });
}

type TimeColumn =
  | "work_first_committed_at"
  | "work_first_started_at"
  | "work_last_started_at"
  | "work_first_completed_at"
  | "work_last_completed_at";
/** The metrics with their times as epoch ms (what a comparison with stored values needs: no text round trip). */
export type FlowMetricsMs = Omit<FlowMetrics, TimeColumn> & Record<TimeColumn, number | null>;

export function computeFlow(input: FlowInput): { metrics: FlowMetrics; timings: TransitionTiming[] } {
  const { metrics, timings } = computeFlowMs(input);
  const iso = (ms: number | null) => ms === null ? null : new Date(ms).toISOString();
  return {
    timings,
    metrics: {
      ...metrics,
      work_first_committed_at: iso(metrics.work_first_committed_at),
      work_first_started_at: iso(metrics.work_first_started_at),
      work_last_started_at: iso(metrics.work_last_started_at),
      work_first_completed_at: iso(metrics.work_first_completed_at),
      work_last_completed_at: iso(metrics.work_last_completed_at),
    },
  };
}

export function computeFlowMs(input: FlowInput): { metrics: FlowMetricsMs; timings: TransitionTiming[] } {
  const ordered = orderTransitions(input.transitions);
  return { metrics: metricsOfOrdered(input, ordered), timings: transitionTimings(input.createdAt, ordered) };
}

/**
 * A status history in columns, for callers with many items (the vocabulary preview): row `order[k]` is the k-th
 * change of the item for k in [start, end), oldest first; status ids 0 mean none.
 */
export interface HistoryRows {
  at: ArrayLike<number>;
  from: ArrayLike<number>;
  to: ArrayLike<number>;
  order: ArrayLike<number>;
  start: number;
  end: number;
}

export type FlowItem = Omit<FlowInput, "transitions">;

function metricsOfOrdered(input: FlowInput, ordered: readonly Transition[]): FlowMetricsMs {
  return flowMetricsOfRows(input, {
    at: ordered.map((t) => t.at),
    from: ordered.map((t) => t.fromStatusId ?? 0),
    to: ordered.map((t) => t.toStatusId ?? 0),
    order: ordered.map((_, i) => i),
    start: 0,
    end: ordered.length,
  });
}

/** The metrics of one item whose ordered history is given in columns (no object per change). */
export function flowMetricsOfRows(input: FlowItem, rows: HistoryRows): FlowMetricsMs {
  const category = (id: number | null) => input.stepOf(id || null)?.category ?? null;
  const committed = (id: number | null) => {
    const step = input.stepOf(id || null)?.stepNumber;
    return input.commitmentStep !== null && step !== null && step !== undefined && step >= input.commitmentStep;
  };
  const { at, from: fromIds, to: toIds, order, start, end } = rows;
  const length = end - start;

  let firstCommit: number | null = null;
  let firstStart: number | null = null;
  let lastStart: number | null = null;
  let firstDone: number | null = null;
  let lastDone: number | null = null;
  let starts = 0;
  let completions = 0;
  let returns = 0;
  let workSeconds = 0;
  let waitingSeconds = 0;

  const initial = length ? fromIds[order[start]] || null : input.currentStatusId;
  const unmapped = (id: number | null) => !!id && category(id) === null;
  let throughUnmapped = unmapped(initial);
  if (input.createdAt !== null) {
    if (committed(initial)) firstCommit = input.createdAt;
    if (inFlight(category(initial))) {
      starts++;
      firstStart = lastStart = input.createdAt;
    }
  }

  let previousAt = input.createdAt;
  let lastTo: StepCategory | null = null;
  for (let k = start; k < end; k++) {
    const row = order[k];
    const t = at[row];
    const from = category(fromIds[row]);
    const to = lastTo = category(toIds[row]);
    throughUnmapped ||= unmapped(fromIds[row]) || unmapped(toIds[row]);
    // the time in the FROM status, as transitionTimings measures it (never negative; unknown counts as 0)
    const seconds = previousAt === null ? 0 : Math.max(0, (t - previousAt) / 1000);
    previousAt = t;
    if (from === "In Progress") workSeconds += seconds;
    if (from === "Waiting") waitingSeconds += seconds;
    if (firstCommit === null && committed(toIds[row])) firstCommit = t;
    if (inFlight(to) && !inFlight(from)) {
      starts++;
      firstStart ??= t;
      lastStart = t;
    }
    if (to === "Done" && from !== "Done") {
      completions++;
      firstDone ??= t;
      lastDone = t;
    }
    if (to === "To Do" && (inFlight(from) || from === "Done")) returns++;
  }

  const finished = length > 0 && lastTo === "Done";
  const span = (from: number | null) =>
    finished && from !== null && lastDone !== null && lastDone >= from ? (lastDone - from) / 1000 : null;
  return {
    work_first_committed_at: firstCommit,
    work_first_started_at: firstStart,
    work_last_started_at: lastStart,
    work_first_completed_at: firstDone,
    work_last_completed_at: lastDone,
    total_work_starts: starts,
    total_completions: completions,
    total_backlog_returns: returns,
    total_work_time_seconds: length ? workSeconds : null,
    total_waiting_time_seconds: length ? waitingSeconds : null,
    total_cycle_time_seconds: span(firstStart),
    total_lead_time_seconds: span(firstCommit),
    rework_indicator: starts > 1,
    direct_completion: completions > 0 && starts === 0,
    flow_through_unmapped: throughUnmapped,
  };
}
