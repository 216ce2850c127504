// Flow metrics over constructed histories, each expectation worked out by hand in the comments. Workflow used
// (the seeded one): Backlog #1 (To Do), To Do #4 (To Do, commitment point), In Progress #5, Ready for Prod #10
// (Waiting), Done #11, Discarded (no number). Times are minutes after T0 to keep the arithmetic readable.
import { assertEquals } from "../../../../tests/support/assert.ts";
import { computeFlow, type StatusStep, type Transition } from "./flow_metrics.ts";

const T0 = Date.UTC(2024, 0, 1);
const min = (m: number) => T0 + m * 60_000;
const iso = (m: number) => new Date(min(m)).toISOString();

// status ids
const BACKLOG = 1, TODO = 2, PROGRESS = 3, READY_PROD = 4, DONE = 5, DISCARDED = 6, UNMAPPED = 7;
const STEPS: Record<number, StatusStep> = {
  [BACKLOG]: { category: "To Do", stepNumber: 1 },
  [TODO]: { category: "To Do", stepNumber: 4 },
  [PROGRESS]: { category: "In Progress", stepNumber: 5 },
  [READY_PROD]: { category: "Waiting", stepNumber: 10 },
  [DONE]: { category: "Done", stepNumber: 11 },
  [DISCARDED]: { category: "Discarded", stepNumber: null },
};

function flow(
  createdMin: number | null,
  moves: Array<[number, number, number]>,
  current = moves.at(-1)?.[2] ?? BACKLOG,
) {
  const transitions: Transition[] = moves.map(([at, from, to], i) => ({
    externalId: String(100 + i),
    at: min(at),
    fromStatusId: from,
    toStatusId: to,
  }));
  // shuffled on purpose: order must come from the timestamps, not the input order
  return computeFlow({
    createdAt: createdMin === null ? null : min(createdMin),
    currentStatusId: current,
    transitions: [...transitions].reverse(),
    stepOf: (id) => (id === null ? undefined : STEPS[id]),
    commitmentStep: 4,
  });
}

Deno.test("flow metrics: reopened issue counts two starts and two completions, cycle spans to the last completion", () => {
  // created 0 in Backlog; 10 → To Do (commit); 30 → In Progress (start 1); 90 → Done (completion 1);
  // 100 → In Progress (reopen: start 2); 160 → Done (completion 2)
  const { metrics, timings } = flow(0, [[10, BACKLOG, TODO], [30, TODO, PROGRESS], [90, PROGRESS, DONE], [
    100,
    DONE,
    PROGRESS,
  ], [160, PROGRESS, DONE]]);
  assertEquals(metrics, {
    work_first_committed_at: iso(10),
    work_first_started_at: iso(30),
    work_last_started_at: iso(100),
    work_first_completed_at: iso(90),
    work_last_completed_at: iso(160),
    total_work_starts: 2,
    total_completions: 2,
    total_backlog_returns: 0, // Done → In Progress is a reopen, not a return to To Do
    total_work_time_seconds: (60 + 60) * 60, // In Progress 30→90 and 100→160
    total_waiting_time_seconds: 0,
    total_cycle_time_seconds: (160 - 30) * 60, // first start 30 → last completion 160
    total_lead_time_seconds: (160 - 10) * 60, // commitment 10 → last completion 160
    rework_indicator: true,
    direct_completion: false,
    flow_through_unmapped: false,
  });
  // time in the FROM status, measured from the previous status change (creation for the first)
  assertEquals(timings.map((t) => t.seconds), [600, 1200, 3600, 600, 3600]);
});

Deno.test("flow metrics: a return to the backlog, waiting time and a restart", () => {
  // created 0 in To Do (committed at creation: To Do is the commitment point); 20 → In Progress (start 1);
  // 50 → Backlog (return 1); 80 → In Progress (start 2); 140 → Ready for Prod (waiting); 200 → Done
  const { metrics } = flow(0, [[20, TODO, PROGRESS], [50, PROGRESS, BACKLOG], [80, BACKLOG, PROGRESS], [
    140,
    PROGRESS,
    READY_PROD,
  ], [200, READY_PROD, DONE]]);
  assertEquals(metrics.work_first_committed_at, iso(0));
  assertEquals([metrics.total_work_starts, metrics.total_backlog_returns, metrics.total_completions], [2, 1, 1]);
  assertEquals(metrics.work_last_started_at, iso(80));
  assertEquals(metrics.total_work_time_seconds, (30 + 60) * 60); // In Progress 20→50 and 80→140
  assertEquals(metrics.total_waiting_time_seconds, 60 * 60); // Ready for Prod 140→200
  assertEquals(metrics.total_cycle_time_seconds, (200 - 20) * 60);
  assertEquals(metrics.total_lead_time_seconds, 200 * 60); // committed at creation (0) → 200
  assertEquals(metrics.rework_indicator, true);
});

Deno.test("flow metrics: skipped steps — straight from the backlog to Done is a direct completion", () => {
  // created 0 in Backlog; 45 → Done: no start, one completion; Done (#11) is past the commitment point, so the
  // commitment happens at the same moment (lead time 0); no start → no cycle time
  const { metrics } = flow(0, [[45, BACKLOG, DONE]]);
  assertEquals(metrics.total_work_starts, 0);
  assertEquals(metrics.total_completions, 1);
  assertEquals(metrics.direct_completion, true);
  assertEquals(metrics.work_first_committed_at, iso(45));
  assertEquals(metrics.total_lead_time_seconds, 0);
  assertEquals(metrics.total_cycle_time_seconds, null);
  assertEquals(metrics.total_work_time_seconds, 0);
});

Deno.test("flow metrics: a reopened item that is not Done again has no finished cycle", () => {
  // 10 → In Progress, 20 → Done, 30 → In Progress: completed once, currently in progress
  const { metrics } = flow(0, [[10, BACKLOG, PROGRESS], [20, PROGRESS, DONE], [30, DONE, PROGRESS]]);
  assertEquals([metrics.total_work_starts, metrics.total_completions], [2, 1]);
  assertEquals(metrics.work_last_completed_at, iso(20));
  assertEquals(metrics.total_cycle_time_seconds, null);
  assertEquals(metrics.total_lead_time_seconds, null);
});

Deno.test("flow metrics: discarded and unmapped statuses neither start, complete nor commit", () => {
  // 5 → unmapped status, 15 → Discarded; created directly in progress is a start at creation
  const discarded = flow(0, [[5, BACKLOG, UNMAPPED], [15, UNMAPPED, DISCARDED]]);
  assertEquals([discarded.metrics.total_work_starts, discarded.metrics.total_completions], [0, 0]);
  assertEquals(discarded.metrics.work_first_committed_at, null);
  assertEquals(discarded.metrics.flow_through_unmapped, true, "it sat 10 minutes in a status no step covers");
  assertEquals(flow(0, [], UNMAPPED).metrics.flow_through_unmapped, true, "created and still in it");
  const createdInProgress = flow(0, [[30, PROGRESS, DONE]]);
  assertEquals(createdInProgress.metrics.work_first_started_at, iso(0));
  assertEquals(createdInProgress.metrics.total_cycle_time_seconds, 30 * 60);
  assertEquals(createdInProgress.metrics.total_work_time_seconds, 30 * 60);
  assertEquals(createdInProgress.metrics.flow_through_unmapped, false);
});

Deno.test("flow metrics: no history means no counts, and an unknown creation time gives no first timing", () => {
  const none = flow(0, [], BACKLOG);
  assertEquals([none.metrics.total_work_starts, none.metrics.total_work_time_seconds], [0, null]);
  const unknownCreated = flow(null, [[10, BACKLOG, PROGRESS], [20, PROGRESS, DONE]]);
  assertEquals(unknownCreated.timings.map((t) => t.seconds), [null, 600]);
});
