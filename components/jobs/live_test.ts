import { signal } from "@preact/signals";
import { assert, assertEquals } from "../../tests/support/assert.ts";
import { applyLiveFrame, type JobSignals } from "./live.ts";
import { sampleCard } from "./sample_card.ts";
import type { JobCardData } from "./types.ts";

function board(): JobSignals {
  return { "7": signal<JobCardData>(sampleCard()) };
}

Deno.test("live: a progress frame starts a run on the card and merges stage counters", () => {
  const jobs = board();
  const before = jobs["7"].value;
  assertEquals(
    applyLiveFrame(jobs, {
      type: "progress",
      event: { jobId: 7, runId: 41, status: "RUNNING", at: "2026-03-01T10:00:00Z" },
    }),
    1,
  );
  const started = jobs["7"].value;
  assert(started !== before, "a new object, so the card re-renders");
  assertEquals([started.status, started.currentRun?.id, started.currentRun?.stages], ["RUNNING", 41, []]);
  applyLiveFrame(jobs, {
    type: "progress",
    event: { jobId: 7, runId: 41, stages: [{ step: "a", stage: "extract", expected: 5, done: 1, records: 100 }] },
  });
  applyLiveFrame(jobs, {
    type: "progress",
    event: { jobId: 7, runId: 41, stages: [{ step: "a", stage: "transform", expected: 1, done: 0, records: 0 }] },
  });
  assertEquals(jobs["7"].value.currentRun?.stages.map((s) => `${s.stage}:${s.done}/${s.expected}`), [
    "extract:1/5",
    "transform:0/1",
  ]);
  applyLiveFrame(jobs, {
    type: "progress",
    event: { jobId: 7, runId: 41, status: "RATE_LIMITED", resumeAt: "2026-03-01T10:15:00Z", error: null },
  });
  const limited = jobs["7"].value;
  assertEquals([limited.status, limited.resumeAt?.toISOString()], ["RATE_LIMITED", "2026-03-01T10:15:00.000Z"]);
});

Deno.test("live: snapshots replace known cards; unknown jobs are ignored", () => {
  const jobs = board();
  const fresh = JSON.parse(JSON.stringify(sampleCard({ status: "FAILED", error: "boom" })));
  const other = JSON.parse(JSON.stringify(sampleCard({ id: 99 })));
  assertEquals(applyLiveFrame(jobs, { type: "snapshot", jobs: [fresh, other] }), 1);
  assertEquals([jobs["7"].value.status, jobs["7"].value.error], ["FAILED", "boom"]);
  assertEquals(applyLiveFrame(jobs, { type: "progress", event: { jobId: 99, status: "RUNNING" } }), 0);
});
