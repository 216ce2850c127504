import { assertEquals } from "../../tests/support/assert.ts";
import { RateTracker } from "./progress.ts";

Deno.test("rate tracker: unknown until two samples move, then records/s and ETA from the deltas", () => {
  const t = new RateTracker();
  assertEquals(t.estimate(), { recordsPerSecond: null, etaMs: null });
  t.add(1, { at: 0, records: 0, done: 0, expected: 10 });
  assertEquals(t.estimate(), { recordsPerSecond: null, etaMs: null });
  t.add(1, { at: 10_000, records: 500, done: 2, expected: 10 });
  // 500 records in 10 s; 2 batches in 10 s → 8 left take 40 s
  assertEquals(t.estimate(), { recordsPerSecond: 50, etaMs: 40_000 });
});

Deno.test("rate tracker: a new run starts over, stale and out-of-order samples are dropped", () => {
  const t = new RateTracker();
  t.add(1, { at: 0, records: 0, done: 0, expected: 4 });
  t.add(1, { at: 5_000, records: 100, done: 1, expected: 4 });
  t.add(1, { at: 4_000, records: 999, done: 3, expected: 4 });
  assertEquals(t.estimate().recordsPerSecond, 20);
  t.add(2, { at: 6_000, records: 10, done: 0, expected: 4 });
  assertEquals(t.estimate(), { recordsPerSecond: null, etaMs: null });
});

Deno.test("rate tracker: the estimate uses the last minute only", () => {
  const t = new RateTracker();
  t.add(1, { at: 0, records: 0, done: 0, expected: 100 });
  t.add(1, { at: 60_000, records: 6_000, done: 60, expected: 100 }); // fast first minute
  t.add(1, { at: 120_000, records: 6_600, done: 66, expected: 100 }); // slow second minute
  assertEquals(t.estimate().recordsPerSecond, 10);
  assertEquals(t.estimate().etaMs, 340_000);
});
