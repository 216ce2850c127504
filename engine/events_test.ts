import { assert, assertEquals } from "../tests/support/assert.ts";
import { type EngineEvent, EventBus, RateTracker } from "./events.ts";
import { setLogSink } from "../lib/log.ts";

Deno.test("event bus: typed and catch-all subscribers, a throwing one does not stop the others", () => {
  const bus = new EventBus();
  const all: EngineEvent[] = [];
  const failed: string[] = [];
  const restore = setLogSink(() => {});
  try {
    bus.on("run.finished", () => {
      throw new Error("broken subscriber");
    });
    bus.subscribe((e) => all.push(e));
    const off = bus.on("run.failed", (e) => failed.push(e.error));
    const base = { tenantId: 1, jobId: 2, runId: 3, at: new Date(0).toISOString() };
    bus.emit({ ...base, type: "run.finished", rowsWritten: 1, requestsMade: 1, durationMs: 5, nextRunAt: null });
    bus.emit({ ...base, type: "run.failed", error: "boom", details: {}, nextRunAt: null });
    off();
    bus.emit({ ...base, type: "run.failed", error: "again", details: {}, nextRunAt: null });
    assertEquals(all.map((e) => e.type), ["run.finished", "run.failed", "run.failed"]);
    assertEquals(failed, ["boom"]);
  } finally {
    restore();
  }
});

Deno.test("rate tracker: records/s over the window and ETA from the batch pace", () => {
  const r = new RateTracker(10_000);
  assertEquals(r.observe("1:s:transform", 0, 0, 0, 10), { recordsPerSecond: 0, etaSeconds: null });
  assertEquals(r.observe("1:s:transform", 2000, 200, 2, 10), { recordsPerSecond: 100, etaSeconds: 8 });
  assertEquals(r.observe("1:s:transform", 4000, 400, 4, 10), { recordsPerSecond: 100, etaSeconds: 6 });
  assertEquals(r.observe("1:s:transform", 5000, 500, 10, 10)?.etaSeconds, 0);
  r.forget(1);
  assertEquals(r.observe("1:s:transform", 6000, 0, 0, 1), { recordsPerSecond: 0, etaSeconds: null });
});

Deno.test("rate tracker: an update older than one already seen is refused (counters only grow)", () => {
  const r = new RateTracker(10_000);
  assert(r.observe("2:s:transform", 0, 100, 1, 6) !== null);
  assert(r.observe("2:s:transform", 10, 600, 6, 6) !== null);
  // a concurrent consumer's earlier update resumed late: publishing it would show 5/6 after 6/6
  assertEquals(r.observe("2:s:transform", 20, 500, 5, 6), null);
  assertEquals(r.observe("2:s:extract", 20, 600, 6, 7), { recordsPerSecond: 0, etaSeconds: null });
  assertEquals(r.observe("2:s:extract", 30, 600, 6, 6), null, "expected never shrinks either");
  assert(r.observe("2:s:transform", 40, 600, 6, 6) !== null, "an equal value is not stale");
});
