import { assert, assertEquals } from "../../tests/support/assert.ts";
import { actionsFor, displayStatus, reviveCard, runAvailability, runTotals, statusText, stepRows } from "./job_view.ts";
import { sampleCard } from "./sample_card.ts";

Deno.test("job view: the badge follows active and status; blocked says why", () => {
  assertEquals(displayStatus(sampleCard({ active: false, status: "RUNNING" })), "inactive");
  assertEquals(
    ["READY", "RUNNING", "FINISHED", "FAILED", "RATE_LIMITED"].map((status) => displayStatus(sampleCard({ status }))),
    ["ready", "running", "finished", "failed", "rate_limited"],
  );
  const noConnector = sampleCard({
    hasConnector: false,
    integration: { ...sampleCard().integration, provider: "github" },
  });
  assertEquals([displayStatus(noConnector), statusText(noConnector)], [
    "blocked",
    "Blocked: no connector for GitHub yet",
  ]);
  const off = sampleCard({ status: "FAILED", integration: { ...sampleCard().integration, active: false } });
  assertEquals([displayStatus(off), statusText(off)], ["blocked", "Blocked: integration off"]);
  assertEquals(statusText(sampleCard({ active: false, hasConnector: false })), "Inactive", "off is not blocked");
  assertEquals(displayStatus(sampleCard({ hasConnector: null })), "ready", "unknown (no engine here) is not blocked");
});

Deno.test("job view: Run Now is refused with a reason when off, running, without connector or integration", () => {
  assertEquals(runAvailability(sampleCard()).allowed, true);
  assertEquals(runAvailability(sampleCard({ status: "FAILED" })).allowed, true);
  assertEquals(runAvailability(sampleCard({ status: "RUNNING" })), { allowed: false, reason: "Already running" });
  assert(runAvailability(sampleCard({ active: false })).reason.includes("turn it on"));
  const off = sampleCard();
  off.integration = { ...off.integration, active: false };
  assertEquals(runAvailability(off), { allowed: false, reason: "The Jira integration is inactive" });
  assertEquals(runAvailability(sampleCard({ hasConnector: false })), {
    allowed: false,
    reason: "No connector for Jira yet",
  });
});

Deno.test("job view: roles decide which actions exist", () => {
  assertEquals(actionsFor("viewer"), { run: false, configure: false });
  assertEquals(actionsFor("user"), { run: true, configure: false });
  assertEquals(actionsFor("admin"), { run: true, configure: true });
});

const running = (stages: NonNullable<ReturnType<typeof sampleCard>["currentRun"]>["stages"], over = {}) =>
  sampleCard({
    status: "RUNNING",
    stepStates: { a: { extract: "running", transform: "running", embed: "running" }, b: {} },
    currentRun: { id: 1, status: "RUNNING", startedAt: new Date(), stages },
    ...over,
  });

Deno.test("job view: extract progress is in records of the source's estimate, never full while the step runs", () => {
  // 9,000 of 12,713 issues extracted, every page published so far already transformed: nothing is full
  const card = running([
    { step: "a", stage: "extract", expected: 90, done: 90, records: 9_000, expectedRecords: 12_713 },
    { step: "a", stage: "transform", expected: 90, done: 90, records: 8_000 },
  ]);
  const [a, b] = stepRows(card);
  assertEquals(a.cells.map((c) => [c.stage, c.state, c.percent]), [
    ["extract", "running", 70],
    ["transform", "running", 99],
    ["embed", "running", null],
  ]);
  assertEquals([a.finished, b.finished, b.cells[0].state], [false, false, "idle"]);
  assertEquals(runTotals(card), { records: 9_000, remaining: 3_713 });
  // all records in, but the step has not ended yet: still not full
  const caught = running([{ step: "a", stage: "extract", expected: 3, done: 3, records: 300, expectedRecords: 300 }]);
  assertEquals(stepRows(caught)[0].cells[0].percent, 99);
});

Deno.test("job view: a later step's activity ends the earlier one; a finished run fills every bar", () => {
  const card = running([
    { step: "a", stage: "extract", expected: 4, done: 4, records: 400, expectedRecords: 380 },
    { step: "a", stage: "transform", expected: 4, done: 4, records: 100 },
    { step: "b", stage: "extract", expected: 3, done: 1, records: 50 },
  ]);
  const [a, b] = stepRows(card);
  assertEquals([a.finished, a.cells[0].percent, a.cells[0].state], [true, 100, "finished"]);
  assertEquals([b.finished, b.cells[0].state, b.cells[0].percent], [false, "running", 33]);
  assertEquals(runTotals(card), { records: 450, remaining: null }, "no estimate for the running step: no ETA");
  const done = sampleCard({
    status: "FINISHED",
    currentRun: {
      id: 1,
      status: "FINISHED",
      startedAt: new Date(),
      stages: [
        { step: "a", stage: "extract", expected: 1, done: 1, records: 0, expectedRecords: 0 },
        { step: "b", stage: "extract", expected: 2, done: 2, records: 12 },
        { step: "b", stage: "transform", expected: 2, done: 2, records: 3 },
      ],
    },
  });
  const rows = stepRows(done);
  assertEquals(rows.map((r) => [r.key, r.finished, r.noChanges]), [["a", true, true], ["b", true, false]]);
  assertEquals(rows[1].cells.map((c) => c.percent), [100, 100, null]);
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
