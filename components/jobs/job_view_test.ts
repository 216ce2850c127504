import { assert, assertEquals } from "../../tests/support/assert.ts";
import { actionsFor, displayStatus, reviveCard, runAvailability, runTotals, stepRows } from "./job_view.ts";
import { sampleCard } from "./sample_card.ts";

Deno.test("job view: the badge follows active and status", () => {
  assertEquals(displayStatus(sampleCard({ active: false, status: "RUNNING" })), "inactive");
  assertEquals(
    ["READY", "RUNNING", "FINISHED", "FAILED", "RATE_LIMITED"].map((status) => displayStatus(sampleCard({ status }))),
    ["ready", "running", "finished", "failed", "rate_limited"],
  );
});

Deno.test("job view: Run Now is refused with a reason when off, running or the integration is inactive", () => {
  assertEquals(runAvailability(sampleCard()).allowed, true);
  assertEquals(runAvailability(sampleCard({ status: "FAILED" })).allowed, true);
  assertEquals(runAvailability(sampleCard({ status: "RUNNING" })), { allowed: false, reason: "Already running" });
  assert(runAvailability(sampleCard({ active: false })).reason.includes("turn it on"));
  const off = sampleCard();
  off.integration = { ...off.integration, active: false };
  assertEquals(runAvailability(off), { allowed: false, reason: "The Jira integration is inactive" });
});

Deno.test("job view: roles decide which actions exist", () => {
  assertEquals(actionsFor("viewer"), { run: false, configure: false });
  assertEquals(actionsFor("user"), { run: true, configure: false });
  assertEquals(actionsFor("admin"), { run: true, configure: true });
});

Deno.test("job view: step rows are ordered and carry per-stage progress and state", () => {
  const card = sampleCard({
    status: "RUNNING",
    stepStates: { a: { extract: "finished", transform: "running", embed: "idle" }, b: {} },
    currentRun: {
      id: 1,
      status: "RUNNING",
      startedAt: new Date(),
      stages: [
        { step: "a", stage: "extract", expected: 4, done: 4, records: 400 },
        { step: "a", stage: "transform", expected: 4, done: 1, records: 100 },
        { step: "b", stage: "extract", expected: 3, done: 1, records: 50 },
      ],
    },
  });
  const rows = stepRows(card);
  assertEquals(rows.map((r) => r.name), ["First", "Second"]);
  assertEquals(rows[0].cells.map((c) => [c.stage, c.state, c.percent]), [
    ["extract", "finished", 100],
    ["transform", "running", 25],
    ["embed", "idle", null],
  ]);
  assertEquals(rows[1].cells[0].state, "running", "no saved state: inferred from counters while running");
  assertEquals(runTotals(card), { records: 100, done: 6, expected: 11 });
});

Deno.test("job view: cards from JSON get Date objects back", () => {
  const raw = JSON.parse(JSON.stringify(sampleCard({
    nextRunAt: new Date("2026-01-01T00:00:00Z"),
    currentRun: { id: 1, status: "RUNNING", startedAt: new Date("2026-01-01T01:00:00Z"), stages: [] },
  })));
  const card = reviveCard(raw);
  assert(card.nextRunAt instanceof Date);
  assertEquals(card.nextRunAt!.toISOString(), "2026-01-01T00:00:00.000Z");
  assertEquals(card.currentRun!.startedAt.toISOString(), "2026-01-01T01:00:00.000Z");
  assertEquals(card.lastRunStartedAt, null);
});
