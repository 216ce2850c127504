import { assert, assertEquals } from "../../support/assert.ts";
import { parseJiraDate } from "./dates.ts";
import { SPRINT_FIELD, STORY_POINTS_FIELD, SYNTH_STATUSES, synthesizeIssues } from "./synth.ts";

type Item = { field: string; fieldId: string; from: string | null; to: string | null };
type History = { id: string; created: string; items: Item[] };

Deno.test("synthesized issues are deterministic per seed and differ across seeds", () => {
  const a = synthesizeIssues(50, 11).build(17);
  const b = synthesizeIssues(50, 11).build(17);
  assertEquals(a, b);
  assert(JSON.stringify(synthesizeIssues(50, 12).build(17)) !== JSON.stringify(a));
});

Deno.test("synthesized histories are ordered, unique, end at `updated`, and agree with the fields", () => {
  const synth = synthesizeIssues(400, 4);
  const seen = new Set<string>();
  for (let i = 0; i < synth.count; i++) {
    const { issue, histories } = synth.build(i);
    const row = synth.row(i);
    const times = (histories as History[]).map((h) => parseJiraDate(h.created));
    assert(times.every((t, n) => n === 0 || t > times[n - 1]), `${issue.key} histories ascending`);
    assertEquals(times.at(-1), row.updatedMs);
    assertEquals(parseJiraDate(issue.fields.updated), row.updatedMs);
    assertEquals(synth.indexOfKey(issue.key), i);
    assertEquals(synth.indexOfId(issue.id), i);
    for (const h of histories as History[]) {
      assert(!seen.has(h.id), `history id ${h.id} is unique`);
      seen.add(h.id);
    }
    // The last status transition lands on the current status; the last points change on the current points.
    const items = (histories as History[]).flatMap((h) => h.items);
    const lastStatus = items.filter((x) => x.fieldId === "status").at(-1);
    assertEquals((issue.fields.status as { id: string }).id, lastStatus?.to ?? SYNTH_STATUSES[0].id);
    const lastPoints = items.filter((x) => x.fieldId === STORY_POINTS_FIELD).at(-1);
    assertEquals(issue.fields[STORY_POINTS_FIELD], lastPoints ? Number(lastPoints.to) : null);
    const lastSprint = items.filter((x) => x.fieldId === SPRINT_FIELD).at(-1);
    const sprintIds = ((issue.fields[SPRINT_FIELD] ?? []) as { id: number }[]).map((s) => String(s.id)).join(", ");
    assertEquals(sprintIds, lastSprint?.to ?? "");
  }
});

Deno.test("synthesized lifecycles cover reopen, backlog returns, skipped steps, sprint moves and long histories", () => {
  const synth = synthesizeIssues(600, 9);
  const seen = new Set<string>();
  let long = 0;
  for (let i = 0; i < synth.count; i++) {
    const { histories } = synth.build(i);
    if (histories.length > 40) long++;
    for (const h of histories as History[]) {
      for (const x of h.items) {
        if (x.fieldId === "status") seen.add(`${x.from}>${x.to}`);
        if (x.fieldId === SPRINT_FIELD) {
          const from = x.from ? x.from.split(", ") : [];
          const to = x.to ? x.to.split(", ") : [];
          if (to.length > from.length && from.length > 0) seen.add("sprint carry-over");
          if (to.length < from.length) seen.add("sprint removed");
          if (to.length === from.length && from.length > 0) seen.add("sprint moved");
        }
        if (x.fieldId === "assignee") seen.add("assignee");
        if (x.fieldId === STORY_POINTS_FIELD && x.from !== null) seen.add("points re-estimated");
      }
    }
  }
  for (
    const expected of [
      "10034>3", // Done → In Progress (reopen)
      "3>10039", // In Progress → Backlog
      "10039>3", // Backlog → In Progress (skipped Selected)
      "3>10034", // In Progress → Done (skipped Review)
      "10153>3", // Review → In Progress (sent back)
      "sprint carry-over",
      "sprint removed",
      "sprint moved",
      "assignee",
      "points re-estimated",
    ]
  ) assert(seen.has(expected), `missing ${expected}`);
  assert(long >= 10, `${long} long histories`);
});

Deno.test("100,000 synthesized rows are cheap: no issue is built to list them", () => {
  const synth = synthesizeIssues(100_000, 1);
  const started = performance.now();
  let maxUpdated = 0;
  for (let i = 0; i < synth.count; i++) maxUpdated = Math.max(maxUpdated, synth.row(i).updatedMs);
  assert(performance.now() - started < 1500, "row() is O(1)");
  assert(maxUpdated > synth.startMs);
  assertEquals(synth.row(99_999).key, "ALPHA-33334");
});
