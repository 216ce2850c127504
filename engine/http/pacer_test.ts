import { assert, assertEquals } from "../../tests/support/assert.ts";
import { Pacer } from "./pacer.ts";

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

Deno.test("pacer lets a burst through, then spaces requests at the configured rate", () => {
  const pacer = new Pacer({ ratePerSecond: 4, burst: 2 }, T0);
  assertEquals(pacer.reserve("GET x", T0).waitMs, 0);
  assertEquals(pacer.reserve("GET x", T0).waitMs, 0);
  assertEquals(pacer.reserve("GET x", T0).waitMs, 250, "third request waits one token at 4 rps");
  assertEquals(pacer.reserve("GET x", T0).waitMs, 500, "queued callers wait in line");
  assertEquals(pacer.reserve("GET x", T0 + 2000).waitMs, 0, "tokens refill over time");
});

Deno.test("remaining/reset headers spread the rest of the budget until the reset", () => {
  const pacer = new Pacer({ ratePerSecond: 50 }, T0);
  pacer.observe("GET x", { remaining: 100, resetAt: new Date(T0 + 50_000) }, T0);
  assertEquals(pacer.currentRatePerSecond, 2);
  // The burst is capped to what the server says is left.
  pacer.observe("GET x", { remaining: 1, resetAt: new Date(T0 + 1_000) }, T0);
  assertEquals(pacer.reserve("GET x", T0).waitMs, 0);
  assert(pacer.reserve("GET x", T0).waitMs > 0, "no second request within the last token");
});

Deno.test("remaining 0 blocks every endpoint until the reset", () => {
  const pacer = new Pacer({ ratePerSecond: 10 }, T0);
  pacer.observe("GET a", { remaining: 0, resetAt: new Date(T0 + 30_000), reason: "quota" }, T0);
  const r = pacer.reserve("GET b", T0);
  assertEquals(r.waitMs, 30_000);
  assertEquals(r.reason, "quota");
});

Deno.test("a burst-based 429 slows only its endpoint; a quota 429 slows all of them", () => {
  const pacer = new Pacer({ ratePerSecond: 10, burst: 10 }, T0);
  pacer.throttled("POST search", T0 + 5_000, { reason: "jira-burst-based" }, T0);
  assertEquals(pacer.reserve("POST search", T0).waitMs, 5_000);
  assert(pacer.reserve("GET field", T0).waitMs < 1_000, "other endpoints keep going");
  assertEquals(pacer.currentRatePerSecond, 5, "the rate is halved");

  const quota = new Pacer({ ratePerSecond: 10 }, T0);
  quota.throttled("POST search", T0 + 8_000, { reason: "jira-quota-global-based" }, T0);
  assertEquals(quota.reserve("GET field", T0).waitMs, 8_000);
});

Deno.test("near-limit halves the rate and silence creeps back to the maximum", () => {
  const pacer = new Pacer({ ratePerSecond: 8, minRatePerSecond: 1 }, T0);
  pacer.observe("GET x", { nearLimit: true }, T0);
  assertEquals(pacer.currentRatePerSecond, 4);
  for (let i = 0; i < 100; i++) pacer.observe("GET x", {}, T0);
  assertEquals(pacer.currentRatePerSecond, 8);
  for (let i = 0; i < 20; i++) pacer.observe("GET x", { nearLimit: true }, T0);
  assertEquals(pacer.currentRatePerSecond, 1, "never below the floor");
});
