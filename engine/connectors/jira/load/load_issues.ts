// Transform + load of one page of Jira issues: references, people, work items with flow metrics, status changelogs
// and sprint membership, in a fixed number of set-based statements per page (no per-row queries): everything the
// page reads comes from one context statement (page_context.ts), and only then is written what is new or changed.
// Values derived from history (flow metrics, time in status, sprint membership dates) are computed here from the
// item's COMPLETE history — what is stored for it, read under the item's lock, plus what the page adds
// (derived_page.ts) — so they are what a recompute from the stored history gives: no batch order, redelivery or
// replay can change them (issue #10 §1; defect §11.1-5). Items whose stored history the page could not read, or
// whose history names a sprint no row exists for yet, are marked pending for the after-step recompute
// (recompute_derived.ts).
import type { JiraIssue, JiraIssueType, JiraProject } from "../client/types.ts";
import {
  analyzeTables,
  idsByExternalId,
  type Scope,
  scoped,
  upsertChanged,
  type UpsertSpec,
  withoutNulls,
  writeStale,
} from "../../common/db_util.ts";
import { latestIssues, prepareIssue, referencedPeople, referencedStatuses, workItemColumns } from "./issue_row.ts";
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
import { loadPageContext, loadStatusSteps, lockIssues, type StoredTransition } from "./page_context.ts";
import { deriveFlow, type ItemHistory, type TransitionTimingRow } from "./derive_item.ts";
import { pageItemHistory } from "./derived_page.ts";
import { METRIC_COLUMNS } from "../derived/flow_metrics.ts";
import { isChangelogTruncated } from "../client/changelog.ts";
import { storeHistoryInputs } from "./history_inputs.ts";
import { storeDevSummaries } from "./dev_summary.ts";
import { storeIssueLinks } from "./issue_links.ts";

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
/** Flow metrics are written with the row (derived_page.ts). */
export const WORK_ITEMS: UpsertSpec = {
  table: "work_items",
  columns: ["tenant_id", "integration_id", "external_id", ...WORK_ITEM_OWN, ...METRIC_COLUMNS],
  key: KEY,
  update: [...WORK_ITEM_OWN, ...METRIC_COLUMNS],
};
// transition_start_date and time_in_status_seconds are derived (derived_page.ts), written with the row
const CHANGELOG_OWN = [
  "work_item_id",
  "from_status_id",
  "to_status_id",
  "transition_change_date",
  "changed_by_id",
  "transition_start_date",
  "time_in_status_seconds",
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
    a.changedById === b.changedById;
}

function sameTiming(stored: StoredTransition, t: TransitionTimingRow): boolean {
  return (stored.startAt ?? null) === t.startAt && (stored.seconds ?? null) === t.seconds;
}

/** A changelogs row; null members are left out: jsonb_populate_recordset reads them as NULL (see withoutNulls). */
function changelogRow(
  scope: Scope,
  workItemId: number,
  t: StoredTransition,
  timing: TransitionTimingRow | StoredTransition | undefined,
): Record<string, unknown> {
  const row: Record<string, unknown> = {
    tenant_id: scope.tenantId,
    integration_id: scope.integrationId,
    work_item_id: workItemId,
    transition_change_date: new Date(t.at).toISOString(),
    active: true,
  };
  if (t.fromStatusId !== null) row.from_status_id = t.fromStatusId;
  if (t.toStatusId !== null) row.to_status_id = t.toStatusId;
  if (t.changedById !== null) row.changed_by_id = t.changedById;
  const startAt = timing?.startAt ?? null;
  const seconds = timing?.seconds ?? null;
  if (startAt !== null) row.transition_start_date = new Date(startAt).toISOString();
  if (seconds !== null) row.time_in_status_seconds = seconds;
  row.external_id = t.externalId;
  return row;
}

export async function loadIssues(scope: Scope, page: readonly JiraIssue[]): Promise<IssueLoadResult> {
  // an issue whose changelog is truncated here is yielded again, complete, by a later page of the step
  // (extract_issues.ts; Data Center completes it before yielding): that page loads it. Loaded from both, what the
  // first wrote the second rewrites with its derived values — or, come second, finds unchanged — so the rows a
  // sync writes would depend on page order, which a crash and its redeliveries change.
  const issues = latestIssues(page).filter((i) => !isChangelogTruncated(i)).map(prepareIssue);
  if (issues.length === 0) return { rows: 0, workItems: [], projects: [], sprints: [] };
  const fieldsOf = issues.map((p) => p.fields);
  const projectRows = fieldsOf.filter((f) => (f.project as JiraProject)?.id)
    .map((f) => projectRow(scope, f.project as JiraProject));
  const witRows = fieldsOf.filter((f) => (f.issuetype as JiraIssueType)?.id)
    .map((f) => witRow(scope, f.issuetype as JiraIssueType));
  const statusRows = issues.flatMap(referencedStatuses).map((s) => statusRow(scope, s));
  const people = identityRows(scope, issues.flatMap(referencedPeople));
  await lockIssues(scope, issues.map((p) => String(p.issue.id)));
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

  // statuses this page created are mapped by now (ensureReferences): their workflow steps count
  const steps = statuses.created.length ? await loadStatusSteps(scope) : context.steps;
  const rows = [];
  const derived = new Map<string, ItemHistory>();
  const timings = new Map<string, Map<string, TransitionTimingRow>>();
  const pageTransitions = new Map<string, StoredTransition[]>();
  for (const p of issues) {
    const ext = String(p.issue.id);
    const row = workItemColumns(p.issue, refs, mapping);
    const transitions = p.changes.map((c): StoredTransition => ({
      externalId: c.historyId,
      at: c.at,
      fromStatusId: refs.status(c.from ?? undefined),
      toStatusId: refs.status(c.to ?? undefined),
      changedById: refs.person(c.author),
    }));
    pageTransitions.set(ext, transitions);
    const history = pageItemHistory(p, row, transitions, existing.get(ext), mapping);
    const flow = deriveFlow(history, steps);
    derived.set(ext, history);
    timings.set(ext, new Map(flow.timings.map((t) => [t.externalId, t])));
    rows.push(withoutNulls(scoped(scope, { ...row, ...flow.metrics })));
  }
  const written = await upsertChanged(scope.tx, WORK_ITEMS, rows);
  const itemIds = new Map([...existing].map(([ext, item]) => [ext, item.id]));
  for (const r of written) itemIds.set(r.external_id, Number(r.id));
  // an item another writer inserted after this page's context was read, with the same values, comes back from
  // neither: without this look-up its history would be skipped (a crash-replay drift of issue #10 §1). Its stored
  // history was not read, so its derived values are left to the after-step recompute.
  const unseen = issues.map((p) => String(p.issue.id)).filter((ext) => !itemIds.has(ext));
  if (unseen.length) {
    for (const [ext, id] of await idsByExternalId(scope, "work_items", unseen)) {
      itemIds.set(ext, id);
      derived.delete(ext);
    }
  }

  const changelogRows = [];
  for (const { issue } of issues) {
    const ext = String(issue.id);
    const workItemId = itemIds.get(ext);
    if (workItemId === undefined) continue;
    const stored = existing.get(ext)?.transitions;
    const timed = derived.has(ext) ? timings.get(ext)! : null;
    // the page's transitions, and stored ones whose timing changed (a later transition ends a status's time)
    const candidates = new Map<string, StoredTransition>(timed ? stored ?? [] : []);
    for (const t of pageTransitions.get(ext)!) candidates.set(t.externalId, t);
    for (const t of candidates.values()) {
      const timing = timed?.get(t.externalId);
      const before = stored?.get(t.externalId);
      if (before && sameTransition(before, t) && (!timing || sameTiming(before, timing))) continue;
      changelogRows.push(changelogRow(scope, workItemId, t, timing ?? before));
    }
  }
  const [changelogs, sprints, , links] = await Promise.all([
    upsertChanged(scope.tx, CHANGELOGS, changelogRows),
    storeHistoryInputs(scope, issues, itemIds, mapping, derived),
    mapping.development ? storeDevSummaries(scope, issues, itemIds, mapping.development) : 0,
    storeIssueLinks(scope, issues),
  ]);
  // after this page's rows are in: the next pages' key look-ups need statistics
  await analyzeTables(scope.tx, context.unanalyzed);

  return {
    rows: written.length + changelogs.length + sprints.rows + links + projects.created.length + wits.created.length +
      statuses.created.length,
    workItems: written.map((r) => Number(r.id)),
    projects: projects.created,
    sprints: sprints.sprints,
  };
}
