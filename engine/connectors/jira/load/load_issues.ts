// Transform + load of one page of Jira issues: references, people, work items with flow metrics, status changelogs
// and sprint membership, in a fixed number of set-based statements per page (no per-row queries): everything the
// page reads comes from one context statement (page_context.ts), and only then is written what is new or changed.
// Flow metrics and time-in-status are recomputed from the COMPLETE transition history: what the database already
// holds merged with what this page brings, so an incremental page with one new transition never shrinks the history
// (defect §11.1-5).
import type { JiraIssue, JiraIssueType, JiraProject } from "../client/types.ts";
import {
  analyzeTables,
  type Scope,
  scoped,
  upsertChanged,
  type UpsertSpec,
  withoutNulls,
  writeStale,
} from "../../common/db_util.ts";
import { computeFlow, METRIC_COLUMNS } from "../derived/flow_metrics.ts";
import {
  latestIssues,
  type PreparedIssue,
  prepareIssue,
  referencedPeople,
  referencedStatuses,
  workItemColumns,
} from "./issue_row.ts";
import {
  ensureReferences,
  IDENTITIES,
  identityRows,
  projectRow,
  PROJECTS,
  STATUSES,
  statusRow,
  userExternalId,
  witRow,
  WITS,
} from "./references.ts";
import { loadPageContext, loadStatusSteps, type StoredTransition } from "./page_context.ts";
import { parseSprintField, sprintMemberships, type SprintRef } from "../derived/sprint_history.ts";
import { upsertMemberships, upsertSprints } from "./load_sprints.ts";
import { jiraTime } from "./history_time.ts";
import { storyPoints } from "./values.ts";

const KEY = ["tenant_id", "integration_id", "external_id"];
const WORK_ITEM_OWN = [
  "key",
  "project_id",
  "wit_id",
  "status_id",
  "parent_external_id",
  "summary",
  "description",
  "priority",
  "resolution",
  "assignee_id",
  "reporter_id",
  "labels",
  "components",
  "team",
  "story_points",
  "development",
  "source_created_at",
  "source_updated_at",
  "resolved_at",
  ...Array.from({ length: 20 }, (_, i) => `custom_field_${String(i + 1).padStart(2, "0")}`),
  "active",
];
export const WORK_ITEMS: UpsertSpec = {
  table: "work_items",
  columns: ["tenant_id", "integration_id", "external_id", ...WORK_ITEM_OWN, ...METRIC_COLUMNS],
  key: KEY,
  update: [...WORK_ITEM_OWN, ...METRIC_COLUMNS],
};
const CHANGELOG_OWN = [
  "work_item_id",
  "from_status_id",
  "to_status_id",
  "transition_start_date",
  "transition_change_date",
  "time_in_status_seconds",
  "changed_by_id",
  "active",
];
export const CHANGELOGS: UpsertSpec = {
  table: "changelogs",
  columns: ["tenant_id", "integration_id", "external_id", ...CHANGELOG_OWN],
  key: KEY,
  update: CHANGELOG_OWN,
};

export interface IssueLoadResult {
  rows: number;
  workItems: number[];
  projects: number[];
  sprints: number[];
}

/** Tables the issue loads look rows up in by key: they need planner statistics (see analyzeTables). */
const STATS_TABLES = ["work_items", "changelogs", "identities", "sprints"];

const extIds = (rows: Record<string, unknown>[]) => [...new Set(rows.map((r) => String(r.external_id)))];

function sameTransition(a: StoredTransition, b: StoredTransition): boolean {
  return a.at === b.at && a.fromStatusId === b.fromStatusId && a.toStatusId === b.toStatusId &&
    a.startAt === b.startAt && a.seconds === b.seconds && a.changedById === b.changedById;
}

export async function loadIssues(scope: Scope, page: readonly JiraIssue[]): Promise<IssueLoadResult> {
  const issues = latestIssues(page).map(prepareIssue);
  if (issues.length === 0) return { rows: 0, workItems: [], projects: [], sprints: [] };
  const fieldsOf = issues.map((p) => p.fields);
  const projectRows = fieldsOf.filter((f) => (f.project as JiraProject)?.id)
    .map((f) => projectRow(scope, f.project as JiraProject));
  const witRows = fieldsOf.filter((f) => (f.issuetype as JiraIssueType)?.id)
    .map((f) => witRow(scope, f.issuetype as JiraIssueType));
  const statusRows = issues.flatMap(referencedStatuses).map((s) => statusRow(scope, s));
  const people = identityRows(scope, issues.flatMap(referencedPeople));
  const context = await loadPageContext(scope, {
    issueIds: issues.map((p) => String(p.issue.id)),
    projectIds: extIds(projectRows),
    witIds: extIds(witRows),
    statusIds: extIds(statusRows),
    people,
    statsTables: STATS_TABLES,
  });
  // written only when the context did not find them: a new project, type or status, a new or changed person
  const [projects, wits, statuses, persons] = await Promise.all([
    ensureReferences(scope, PROJECTS, projectRows, context.projects),
    ensureReferences(scope, WITS, witRows, context.wits),
    ensureReferences(scope, STATUSES, statusRows, context.statuses),
    writeStale(scope, IDENTITIES, people, context.people),
  ]);
  // statuses created just now are classified too
  const steps = statuses.created.length ? await loadStatusSteps(scope) : context.steps;
  const { mapping, items: existing } = context;

  const refs = {
    project: (id: string | undefined) => (id ? projects.ids.get(id) ?? null : null),
    wit: (id: string | undefined) => (id ? wits.ids.get(id) ?? null : null),
    status: (id: string | undefined) => (id ? statuses.ids.get(id) ?? null : null),
    person: (u: unknown) => {
      const ext = userExternalId(u);
      return ext ? persons.ids.get(ext) ?? null : null;
    },
  };

  // merge stored and incoming transitions, then recompute timings and metrics over the whole history
  const histories = new Map<string, StoredTransition[]>();
  const rows = issues.map(({ issue, changes }) => {
    const merged = new Map(existing.get(String(issue.id))?.transitions ?? []);
    for (const c of changes) {
      merged.set(c.historyId, {
        externalId: c.historyId,
        at: c.at,
        fromStatusId: refs.status(c.from ?? undefined),
        toStatusId: refs.status(c.to ?? undefined),
        startAt: null,
        seconds: null,
        changedById: refs.person(c.author),
      });
    }
    const columns = workItemColumns(issue, refs, mapping);
    const flow = computeFlow({
      createdAt: columns.source_created_at === null ? null : Date.parse(columns.source_created_at as string),
      currentStatusId: columns.status_id as number | null,
      transitions: [...merged.values()],
      stepOf: steps.stepOf,
      commitmentStep: steps.commitmentStep,
    });
    const ordered = flow.timings.map((t) => ({ ...merged.get(t.externalId)!, startAt: t.startAt, seconds: t.seconds }));
    histories.set(String(issue.id), ordered);
    return withoutNulls(Object.assign(scoped(scope, columns), flow.metrics));
  });

  const written = await upsertChanged(scope.tx, WORK_ITEMS, rows);
  const itemIds = new Map([...existing].map(([ext, item]) => [ext, item.id]));
  for (const r of written) itemIds.set(r.external_id, Number(r.id));

  const changelogRows = [];
  for (const { issue } of issues) {
    const workItemId = itemIds.get(String(issue.id));
    if (workItemId === undefined) continue;
    const stored = existing.get(String(issue.id))?.transitions;
    for (const t of histories.get(String(issue.id)) ?? []) {
      const before = stored?.get(t.externalId);
      if (before && sameTransition(before, t)) continue;
      // null members are left out: jsonb_populate_recordset reads them as NULL (see withoutNulls)
      const row: Record<string, unknown> = {
        tenant_id: scope.tenantId,
        integration_id: scope.integrationId,
        external_id: t.externalId,
        work_item_id: workItemId,
        transition_change_date: new Date(t.at).toISOString(),
        active: true,
      };
      if (t.fromStatusId !== null) row.from_status_id = t.fromStatusId;
      if (t.toStatusId !== null) row.to_status_id = t.toStatusId;
      if (t.startAt !== null) row.transition_start_date = new Date(t.startAt).toISOString();
      if (t.seconds !== null) row.time_in_status_seconds = t.seconds;
      if (t.changedById !== null) row.changed_by_id = t.changedById;
      changelogRows.push(row);
    }
  }
  const [changelogs, sprints] = await Promise.all([
    upsertChanged(scope.tx, CHANGELOGS, changelogRows),
    mapping.sprints
      ? loadIssueSprints(scope, issues, itemIds, mapping.sprints, mapping.storyPoints)
      : { rows: 0, written: [] as number[] },
  ]);
  // after this page's rows are in: the next pages' key look-ups need statistics
  await analyzeTables(scope.tx, context.unanalyzed);

  return {
    rows: written.length + changelogs.length + sprints.rows + projects.created.length + wits.created.length +
      statuses.created.length,
    workItems: written.map((r) => Number(r.id)),
    projects: projects.created,
    sprints: sprints.written,
  };
}

async function loadIssueSprints(
  scope: Scope,
  issues: PreparedIssue[],
  itemIds: Map<string, number>,
  sprintFieldId: string,
  storyPointsFieldId: string | null,
) {
  const full: SprintRef[] = [];
  const historyOnly: SprintRef[] = [];
  const perIssue = [];
  for (const { issue, fields: f, histories } of issues) {
    const workItemId = itemIds.get(String(issue.id));
    if (workItemId === undefined) continue;
    const current = parseSprintField(f[sprintFieldId]);
    const derived = sprintMemberships({
      current,
      histories,
      sprintFieldId,
      storyPointsFieldId,
      currentPoints: storyPointsFieldId ? storyPoints(f[storyPointsFieldId]) : null,
      createdAt: Number.isFinite(jiraTime(f.created)) ? jiraTime(f.created) : null,
    });
    full.push(...current);
    historyOnly.push(...derived.historyOnly);
    perIssue.push(...derived.memberships.map((m) => ({ workItemId, m })));
  }
  if (perIssue.length === 0) return { rows: 0, written: [] as number[] };
  const sprints = await upsertSprints(scope, full, historyOnly);
  const memberships = await upsertMemberships(scope, perIssue, sprints.ids);
  return { rows: sprints.written.length + memberships, written: sprints.written };
}
