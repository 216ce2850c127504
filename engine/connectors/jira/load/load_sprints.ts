// Sprints and sprint membership: sprint rows from issues' sprint fields and board listings, work_items_sprints from
// issue history, and the sprint-report outcome per (issue, sprint) plus the sprint totals (study §3.9, rule 14).
import { insertMany } from "../../../../db/port.ts";
import type { JiraSprintReport } from "../client/types.ts";
import {
  conflictClause,
  dedupeBy,
  idsByExternalId,
  type Scope,
  scoped,
  storedState,
  type UpsertSpec,
  upsertWithIds,
  writeStale,
} from "../../common/db_util.ts";
import { ensureReferences } from "./references.ts";
import type { Membership, SprintRef } from "../derived/sprint_history.ts";

export const SPRINTS: UpsertSpec = {
  table: "sprints",
  columns: [
    "tenant_id",
    "integration_id",
    "external_id",
    "board_id",
    "name",
    "state",
    "goal",
    "start_date",
    "end_date",
    "complete_date",
    "active",
  ],
  key: ["tenant_id", "integration_id", "external_id"],
  update: ["board_id", "name", "state", "goal", "start_date", "end_date", "complete_date", "active"],
};

const MEMBERSHIP_COLUMNS = [
  "added_date",
  "removed_date",
  "estimate_at_start",
  "carried_over_from_sprint_id",
  "carried_over_to_sprint_id",
];
const OUTCOME_COLUMNS = ["sprint_outcome", "added_during_sprint", "committed", "estimate_at_end"];
const MEMBERSHIP_KEY = ["work_item_id", "sprint_id"];
/** sprint_outcome of the entries of each of REPORT_LISTS, in its order. */
const OUTCOMES = ["completed", "not_completed", "completed_another_sprint", "punted"];

export function sprintRow(scope: Scope, s: SprintRef) {
  return scoped(scope, {
    external_id: s.id,
    board_id: s.boardId,
    name: s.name ?? `Sprint ${s.id}`,
    state: s.state,
    goal: s.goal,
    start_date: s.startDate,
    end_date: s.endDate,
    complete_date: s.completeDate,
    active: true,
  });
}

/**
 * Sprints with full details are refreshed; sprints known only from history are inserted if new. One statement
 * tells which exist and which detailed ones changed; only those are written (a page names the same few sprints as
 * the previous one, so usually nothing is).
 */
export async function upsertSprints(
  scope: Scope,
  full: SprintRef[],
  historyOnly: SprintRef[],
): Promise<{ ids: Map<string, number>; written: number[] }> {
  const ext = (r: Record<string, unknown>) => String(r.external_id);
  const rows = dedupeBy(full.map((s) => sprintRow(scope, s)), ext);
  const detailed = new Set(rows.map(ext));
  const named = dedupeBy(historyOnly.filter((s) => !detailed.has(s.id)).map((s) => sprintRow(scope, s)), ext);
  const state = await storedState(scope.tx, SPRINTS, rows, named);
  const { ids, written } = await writeStale(scope, SPRINTS, rows, state);
  const missing = named.filter((r) => {
    const id = state.get(ext(r))?.id;
    if (id !== null && id !== undefined) ids.set(ext(r), id);
    return id === null || id === undefined;
  });
  if (missing.length) {
    const ensured = await ensureReferences(scope, SPRINTS, missing, new Map());
    for (const [k, v] of ensured.ids) ids.set(k, v);
    written.push(...ensured.created);
  }
  return { ids, written };
}

/** work_items_sprints rows from issue history (membership columns only; outcomes belong to the sprint report). */
export async function upsertMemberships(
  scope: Scope,
  rows: Array<{ workItemId: number; m: Membership }>,
  sprintIds: Map<string, number>,
): Promise<number> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const data = rows.filter(({ m }) => sprintIds.has(m.sprintId)).map(({ workItemId, m }) =>
    scoped(scope, {
      work_item_id: workItemId,
      sprint_id: sprintIds.get(m.sprintId),
      added_date: iso(m.addedAt),
      removed_date: iso(m.removedAt),
      estimate_at_start: m.estimateAtStart,
      carried_over_from_sprint_id: m.carriedFrom ? sprintIds.get(m.carriedFrom) ?? null : null,
      carried_over_to_sprint_id: m.carriedTo ? sprintIds.get(m.carriedTo) ?? null : null,
    })
  );
  const unique = dedupeBy(data, (r) => `${r.work_item_id}:${r.sprint_id}`);
  if (unique.length === 0) return 0;
  const written = await insertMany(scope.tx, "work_items_sprints", unique, {
    columns: ["tenant_id", "integration_id", "work_item_id", "sprint_id", ...MEMBERSHIP_COLUMNS],
    onConflict: conflictClause("work_items_sprints", MEMBERSHIP_KEY, MEMBERSHIP_COLUMNS),
    returning: "id",
  });
  return written.length;
}

interface ReportIssue {
  id?: number | string;
  key?: string;
  estimateStatistic?: { statFieldValue?: { value?: number | null } };
}

export interface SprintReportRecord {
  boardId: string;
  sprintId: string;
  report: JiraSprintReport | null;
  /** The sprint's state and completion date when the report was asked for (absent in pages of older runs). */
  state?: string | null;
  completeDate?: string | null;
  /** HTTP status of a report Jira would not give (404: the board or sprint is gone, or not a scrum board). */
  unavailable?: number;
}

/** The report's issue lists: loadSprintReports records one outcome per entry. */
export const REPORT_LISTS = [
  "completedIssues",
  "issuesNotCompletedInCurrentSprint",
  "issuesCompletedInAnotherSprint",
  "puntedIssues",
] as const;

/**
 * The report with each issue entry cut to what loadSprintReports reads (id, key, estimate at the end); the sums,
 * the sprint and the added keys are kept whole. Jira's entries also carry summary, type, priority, status and the
 * current estimate, ~70 % of a large sprint's 0.5 MB answer: cut at extraction they are neither stored in the raw
 * page nor held through its load (at 100,000 issues the reports' step peaked 20–40 MB above the others).
 */
export function slimSprintReport(report: JiraSprintReport): JiraSprintReport {
  const contents = { ...report.contents };
  for (const list of REPORT_LISTS) {
    const entries = contents[list];
    if (!Array.isArray(entries)) continue;
    contents[list] = (entries as (ReportIssue | null)[]).map((e) =>
      e && typeof e === "object" ? { id: e.id, key: e.key, estimateStatistic: e.estimateStatistic } : e
    );
  }
  return { ...report, contents };
}

function estimate(contents: Record<string, unknown>, key: string): number | null {
  const v = (contents[key] as { value?: unknown } | undefined)?.value;
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** Sprint totals and per-issue outcomes from greenhopper sprint reports. */
export async function loadSprintReports(scope: Scope, records: SprintReportRecord[]) {
  const marked = await markReportsGone(scope, records);
  const reports = dedupeBy(records.filter((r) => r.report?.contents), (r) => r.sprintId);
  if (reports.length === 0) return { rows: marked, sprintsWritten: [] as number[] };
  const sprintRows = reports.map(({ boardId, sprintId, report, state, completeDate }) => {
    const c = report!.contents as Record<string, unknown>;
    const completed = estimate(c, "completedIssuesEstimateSum");
    const total = estimate(c, "allIssuesEstimateSum");
    return scoped(scope, {
      external_id: sprintId,
      board_id: boardId,
      name: report!.sprint?.name ?? `Sprint ${sprintId}`,
      completed_estimate: completed,
      not_completed_estimate: estimate(c, "issuesNotCompletedEstimateSum"),
      punted_estimate: estimate(c, "puntedIssuesEstimateSum"),
      total_estimate: total,
      completion_percentage: !total ? null : ((completed ?? 0) / total) * 100,
      velocity: completed,
      scope_change_count: Object.keys((c.issueKeysAddedDuringSprint as object | undefined) ?? {}).length,
      carry_over_count: ((c.issuesNotCompletedInCurrentSprint as unknown[] | undefined) ?? []).length,
      // what the report was read under: a closed sprint read as closed is not read again (extractSprints)
      report_state: state ?? null,
      report_complete_date: completeDate ?? null,
    });
  });
  const metricCols = Object.keys(sprintRows[0]).filter((k) => !["tenant_id", "integration_id", "name"].includes(k));
  const sprintSpec: UpsertSpec = {
    table: "sprints",
    columns: Object.keys(sprintRows[0]),
    key: ["tenant_id", "integration_id", "external_id"],
    update: metricCols.filter((c) => c !== "external_id"),
  };
  const { ids: sprintIds, written: sprintsWritten } = await upsertWithIds(scope, sprintSpec, sprintRows);

  // per-issue outcome; a later list wins when Jira lists an issue twice
  const outcomes: Array<{ sprint: string; issue: ReportIssue; outcome: string; added: boolean }> = [];
  for (const { sprintId, report } of reports) {
    const c = report!.contents as Record<string, unknown>;
    const addedKeys = (c.issueKeysAddedDuringSprint as Record<string, unknown> | undefined) ?? {};
    for (const [list, outcome] of REPORT_LISTS.map((l, i) => [l, OUTCOMES[i]])) {
      for (const issue of (c[list] as ReportIssue[] | undefined) ?? []) {
        outcomes.push({ sprint: sprintId, issue, outcome, added: !!issue.key && issue.key in addedKeys });
      }
    }
  }
  const items = await workItemIds(scope, outcomes.map((o) => o.issue));
  const rows = dedupeBy(
    outcomes.flatMap(({ sprint, issue, outcome, added }) => {
      const workItemId = items.byId.get(String(issue.id)) ?? items.byKey.get(String(issue.key));
      // issues of projects outside this integration's scope share boards; they are not ours to record
      if (workItemId === undefined) return [];
      return [scoped(scope, {
        work_item_id: workItemId,
        sprint_id: sprintIds.get(sprint),
        sprint_outcome: outcome,
        added_during_sprint: added,
        committed: !added && outcome !== "punted",
        estimate_at_end: issue.estimateStatistic?.statFieldValue?.value ?? null,
      })];
    }),
    (r) => `${r.work_item_id}:${r.sprint_id}`,
  );
  const written = rows.length
    ? await insertMany(scope.tx, "work_items_sprints", rows, {
      columns: ["tenant_id", "integration_id", "work_item_id", "sprint_id", ...OUTCOME_COLUMNS],
      onConflict: conflictClause("work_items_sprints", MEMBERSHIP_KEY, OUTCOME_COLUMNS),
      returning: "id",
    })
    : [];
  return { rows: marked + sprintsWritten.length + written.length, sprintsWritten };
}

/**
 * A closed sprint whose report Jira answered 404 for (its board deleted, or not a scrum board) will not have one on
 * the next sync either: it is marked as read under its state and completion date, as a loaded report is, so
 * extractSprints does not ask again every sync. Re-opened and closed again, it has a new completion date and is
 * asked once more. Other refusals (403, 5xx) may pass and are asked again.
 */
async function markReportsGone(scope: Scope, records: SprintReportRecord[]): Promise<number> {
  const gone = dedupeBy(
    records.filter((r) => !r.report?.contents && r.unavailable === 404 && r.state === "closed"),
    (r) => r.sprintId,
  );
  if (gone.length === 0) return 0;
  const rows = await scope.tx.query<{ id: number }>(
    `UPDATE sprints s SET report_state = g.state, report_complete_date = g.complete_date
       FROM unnest($3::text[], $4::text[], $5::timestamptz[]) AS g(external_id, state, complete_date)
      WHERE s.tenant_id = $1 AND s.integration_id = $2 AND s.external_id = g.external_id
        AND (s.report_state, s.report_complete_date) IS DISTINCT FROM (g.state, g.complete_date)
      RETURNING s.id`,
    [
      scope.tenantId,
      scope.integrationId,
      gone.map((r) => r.sprintId),
      gone.map((r) => r.state),
      gone.map((r) => r.completeDate ?? null),
    ],
  );
  return rows.length;
}

async function workItemIds(scope: Scope, issues: ReportIssue[]) {
  const byId = await idsByExternalId(
    scope,
    "work_items",
    issues.filter((i) => i.id !== undefined).map((i) => String(i.id)),
  );
  const keys = issues.filter((i) => i.key && !byId.has(String(i.id))).map((i) => String(i.key));
  const byKey = new Map<string, number>();
  if (keys.length) {
    const rows = await scope.tx.query<{ id: number; key: string }>(
      "SELECT id, key FROM work_items WHERE tenant_id = $1 AND integration_id = $2 AND key = ANY($3::text[])",
      [scope.tenantId, scope.integrationId, keys],
    );
    for (const r of rows) byKey.set(r.key, Number(r.id));
  }
  return { byId, byKey };
}

/** Board sprint listings (agile API): authoritative sprint details. */
export async function loadBoardSprints(scope: Scope, sprints: SprintRef[]) {
  return await upsertSprints(scope, sprints, []);
}
