import { assertEquals } from "../../tests/support/assert.ts";
import { RateTracker } from "./progress.ts";

Deno.test("rate tracker: unknown until two samples move; ETA = remaining expected records ÷ recent rate", () => {
  const t = new RateTracker();
  assertEquals(t.estimate(), { recordsPerSecond: null, etaMs: null });
  t.add(1, { at: 0, records: 0, remaining: 1000 });
  assertEquals(t.estimate(), { recordsPerSecond: null, etaMs: null });
  t.add(1, { at: 10_000, records: 500, remaining: 500 });
  // 500 records in 10 s; 500 more expected → 10 s
  assertEquals(t.estimate(), { recordsPerSecond: 50, etaMs: 10_000 });
});

Deno.test("rate tracker: no estimate from the source → a rate but no ETA (never a made-up 0 s)", () => {
  const t = new RateTracker();
  t.add(1, { at: 0, records: 0, remaining: null });
  t.add(1, { at: 2_000, records: 100, remaining: null });
  assertEquals(t.estimate(), { recordsPerSecond: 50, etaMs: null });
  // no movement: no rate, so no ETA either
  const still = new RateTracker();
  still.add(1, { at: 0, records: 10, remaining: 90 });
  still.add(1, { at: 5_000, records: 10, remaining: 90 });
  assertEquals(still.estimate(), { recordsPerSecond: null, etaMs: null });
});

Deno.test("rate tracker: a new run starts over, stale and out-of-order samples are dropped", () => {
  const t = new RateTracker();
  t.add(1, { at: 0, records: 0, remaining: 400 });
  t.add(1, { at: 5_000, records: 100, remaining: 300 });
  t.add(1, { at: 4_000, records: 999, remaining: 0 });
  assertEquals(t.estimate().recordsPerSecond, 20);
  t.add(2, { at: 6_000, records: 10, remaining: 400 });
  assertEquals(t.estimate(), { recordsPerSecond: null, etaMs: null });
});

Deno.test("rate tracker: the estimate uses the last minute only", () => {
  const t = new RateTracker();
  t.add(1, { at: 0, records: 0, remaining: 10_000 });
  t.add(1, { at: 60_000, records: 6_000, remaining: 4_000 }); // fast first minute
  t.add(1, { at: 120_000, records: 6_600, remaining: 3_400 }); // slow second minute
  assertEquals(t.estimate().recordsPerSecond, 10);
  assertEquals(t.estimate().etaMs, 340_000);
});
