// SYNTHESIZED greenhopper sprint reports (no recorded report exists): built from the issues' own histories, so the
// report agrees with the changelogs the connector also reads. For the sprint's window [start, complete/now]:
// - member at the end and done → completedIssues; member at the end, not done → issuesNotCompletedInCurrentSprint;
// - in the sprint at some point, gone by the end → puntedIssues;
// - joined after the start → issueKeysAddedDuringSprint;
// - estimateStatistic = estimate at the end of the sprint, currentEstimateStatistic = estimate now; initial sums use
//   the estimate when the issue entered the sprint (or at its start).
import { catalog } from "./catalog.ts";
import { parseJiraDate } from "./dates.ts";
import type { FakeState } from "./state.ts";
import type { StoredIssue } from "./store.ts";
import { SPRINT_FIELD } from "./synth.ts";

type Obj = Record<string, unknown>;
interface Item {
  field?: string;
  fieldId?: string;
  from?: string | null;
  to?: string | null;
}
interface Change {
  at: number;
  item: Item;
}

const ids = (value: string | null | undefined) => (value ? value.split(",").map((s) => s.trim()).filter(Boolean) : []);

function changes(issue: StoredIssue, match: (i: Item) => boolean): Change[] {
  const out: Change[] = [];
  for (const h of issue.histories) {
    for (const item of h.items as Item[]) if (match(item)) out.push({ at: parseJiraDate(h.created), item });
  }
  return out;
}

/** Value of a field at `t` replayed from its changes (before the first change: that change's `from`). */
function valueAt(
  list: Change[],
  t: number,
  current: string | null,
  pick: (i: Item, side: "from" | "to") => string | null,
) {
  if (list.length === 0) return current;
  let value = pick(list[0].item, "from");
  for (const c of list) if (c.at <= t) value = pick(c.item, "to");
  return value;
}

function sum(values: (number | null)[]): Obj {
  const numbers = values.filter((v): v is number => typeof v === "number");
  if (numbers.length === 0) return { text: "null" };
  const value = numbers.reduce((a, b) => a + b, 0);
  return { value, text: String(value) };
}

function greenhopperDate(ms: number): string {
  const d = new Date(ms);
  const mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  const h = d.getUTCHours();
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  const day = String(d.getUTCDate()).padStart(2, "0");
  const yy = String(d.getUTCFullYear() % 100).padStart(2, "0");
  return `${day}/${mon}/${yy} ${h % 12 || 12}:${mm} ${h < 12 ? "AM" : "PM"}`;
}

function candidates(state: FakeState, boardId: number, startMs: number, endMs: number): StoredIssue[] {
  const out: StoredIssue[] = [];
  const synth = state.store.synth;
  const synthProject = synth?.projectKeys.findIndex((_, idx) => synth.boardId(idx) === boardId) ?? -1;
  for (const ref of state.store.refs()) {
    if (ref >= 0) {
      if (synthProject < 0) break;
      const row = synth!.row(ref);
      if (row.projectIdx !== synthProject || row.createdMs > endMs || row.updatedMs < startMs) continue;
    }
    out.push(state.store.get(ref));
  }
  return out;
}

export function buildSprintReport(state: FakeState, boardId: number, sprintId: number): Obj | undefined {
  const board = catalog(state).boards.get(boardId);
  const sprint = board?.sprints?.find((s) => Number(s.id) === sprintId);
  if (!board || !sprint) return undefined;
  const id = String(sprintId);
  const startMs = parseJiraDate(sprint.startDate);
  const closed = sprint.state === "closed";
  const endMs = closed ? parseJiraDate(sprint.completeDate ?? sprint.endDate) : state.now();
  const estimateField = board.estimateField;
  const category = catalog(state).statusCategory;
  const completed: Obj[] = [];
  const notCompleted: Obj[] = [];
  const punted: Obj[] = [];
  const added: Record<string, boolean> = {};
  const initial = new Map<Obj, number | null>();

  for (const issue of Number.isFinite(startMs) ? candidates(state, boardId, startMs, endMs) : []) {
    const sprintChanges = changes(issue, (i) => i.fieldId === SPRINT_FIELD || i.field === "Sprint");
    const currentSprints = ((issue.fields[SPRINT_FIELD] ?? []) as { id?: number }[]).map((s) => String(s.id));
    const memberAt = (t: number) => {
      if (sprintChanges.length === 0) return currentSprints.includes(id);
      return ids(valueAt(sprintChanges, t, null, (i, side) => i[side] ?? null)).includes(id);
    };
    const joinedDuring = sprintChanges.find((c) =>
      c.at > startMs && c.at <= endMs && ids(c.item.to).includes(id) && !ids(c.item.from).includes(id)
    );
    const atStart = memberAt(startMs);
    if (!atStart && !joinedDuring) continue;
    const atEnd = memberAt(endMs);

    const statusChanges = changes(issue, (i) => i.fieldId === "status" || i.field === "status");
    const status = issue.fields.status as { id?: string } | undefined;
    const statusAtEnd = valueAt(statusChanges, endMs, status?.id ?? null, (i, side) => i[side] ?? null);
    const estimates = changes(issue, (i) => i.fieldId === estimateField);
    const num = (v: string | null | undefined) => (v === null || v === undefined || v === "" ? null : Number(v));
    const currentEstimate = num(issue.fields[estimateField] as string | null);
    const estimateAt = (t: number) => num(valueAt(estimates, t, String(currentEstimate ?? ""), (i, s) => i[s] ?? null));
    const f = issue.fields as { summary?: string; issuetype?: { id?: string }; priority?: { id?: string } };
    const done = category.get(String(statusAtEnd)) === "done";
    const entry: Obj = {
      id: Number(issue.id),
      key: issue.key,
      hidden: false,
      summary: f.summary,
      typeId: f.issuetype?.id,
      priorityId: f.priority?.id,
      statusId: statusAtEnd,
      done,
      estimateStatistic: { statFieldId: estimateField, statFieldValue: wrap(estimateAt(endMs)) },
      currentEstimateStatistic: { statFieldId: estimateField, statFieldValue: wrap(currentEstimate) },
    };
    initial.set(entry, estimateAt(joinedDuring ? joinedDuring.at : startMs));
    if (joinedDuring && !atStart) added[issue.key] = true;
    (!atEnd ? punted : done ? completed : notCompleted).push(entry);
  }

  const atEndSum = (list: Obj[]) =>
    sum(list.map((e) => ((e.estimateStatistic as Obj).statFieldValue as { value?: number }).value ?? null));
  const initialSum = (list: Obj[]) => sum(list.map((e) => initial.get(e) ?? null));
  return {
    contents: {
      completedIssues: completed,
      issuesNotCompletedInCurrentSprint: notCompleted,
      puntedIssues: punted,
      issuesCompletedInAnotherSprint: [],
      completedIssuesInitialEstimateSum: initialSum(completed),
      completedIssuesEstimateSum: atEndSum(completed),
      issuesNotCompletedInitialEstimateSum: initialSum(notCompleted),
      issuesNotCompletedEstimateSum: atEndSum(notCompleted),
      allIssuesEstimateSum: atEndSum([...completed, ...notCompleted]),
      puntedIssuesInitialEstimateSum: initialSum(punted),
      puntedIssuesEstimateSum: atEndSum(punted),
      issuesCompletedInAnotherSprintInitialEstimateSum: { text: "null" },
      issuesCompletedInAnotherSprintEstimateSum: { text: "null" },
      issueKeysAddedDuringSprint: added,
    },
    sprint: {
      id: sprintId,
      sequence: sprintId,
      name: sprint.name,
      goal: sprint.goal ?? "",
      state: String(sprint.state).toUpperCase(),
      linkedPagesCount: 0,
      startDate: Number.isFinite(startMs) ? greenhopperDate(startMs) : "None",
      endDate: sprint.endDate ? greenhopperDate(parseJiraDate(sprint.endDate)) : "None",
      completeDate: closed ? greenhopperDate(endMs) : "None",
      isoStartDate: sprint.startDate,
      isoEndDate: sprint.endDate,
      ...(closed ? { isoCompleteDate: sprint.completeDate ?? sprint.endDate } : {}),
      canUpdateSprint: true,
      remoteLinks: [],
      daysRemaining: 0,
    },
    lastUserToClose: closed ? "Sluice Bot" : null,
    supportsPages: true,
  };
}

function wrap(value: number | null): Obj {
  return value === null ? {} : { value };
}
