// Transform + load of one page of Jira issues: references, people, work items with flow metrics, status changelogs
// and sprint membership, in a fixed number of set-based statements per page (no per-row queries). Flow metrics and
// time-in-status are recomputed from the COMPLETE transition history: what the database already holds merged with
// what this page brings, so an incremental page with one new transition never shrinks the history (defect §11.1-5).
import type { JiraIssue } from "./types.ts";
import { type Scope, scoped, upsertChanged, type UpsertSpec } from "./db_util.ts";
import { loadFieldMapping } from "./field_mapping.ts";
import { computeFlow, METRIC_COLUMNS, type StatusStep, type StepCategory, type Transition } from "./flow_metrics.ts";
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
  projectRow,
  PROJECTS,
  STATUSES,
  statusRow,
  upsertIdentities,
  userExternalId,
  witRow,
  WITS,
} from "./references.ts";
import { parseSprintField, sprintMemberships, type SprintRef } from "./sprint_history.ts";
import { upsertMemberships, upsertSprints } from "./load_sprints.ts";
import { parseJiraDate } from "./changelog.ts";
import { storyPoints } from "./values.ts";
import type { JiraIssueType, JiraProject } from "./types.ts";

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

interface StoredTransition extends Transition {
  startAt: number | null;
  seconds: number | null;
  changedById: number | null;
}

interface ExistingItem {
  id: number;
  transitions: Map<string, StoredTransition>;
}

export interface IssueLoadResult {
  rows: number;
  workItems: number[];
  projects: number[];
  sprints: number[];
}

const ms = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date).getTime());

/** Work items (by Jira id) of this integration with every stored status transition. */
async function existingItems(scope: Scope, externalIds: string[]): Promise<Map<string, ExistingItem>> {
  const rows = await scope.tx.query<Record<string, unknown>>(
    `SELECT wi.id, wi.external_id, c.external_id AS cext, c.from_status_id, c.to_status_id, c.transition_change_date,
            c.transition_start_date, c.time_in_status_seconds, c.changed_by_id
       FROM work_items wi LEFT JOIN changelogs c ON c.work_item_id = wi.id
      WHERE wi.tenant_id = $1 AND wi.integration_id = $2 AND wi.external_id = ANY($3::text[])`,
    [scope.tenantId, scope.integrationId, externalIds],
  );
  const out = new Map<string, ExistingItem>();
  for (const r of rows) {
    const ext = String(r.external_id);
    const item = out.get(ext) ?? { id: Number(r.id), transitions: new Map() };
    out.set(ext, item);
    if (r.cext === null || r.cext === undefined) continue;
    item.transitions.set(String(r.cext), {
      externalId: String(r.cext),
      at: ms(r.transition_change_date)!,
      fromStatusId: r.from_status_id === null ? null : Number(r.from_status_id),
      toStatusId: r.to_status_id === null ? null : Number(r.to_status_id),
      startAt: ms(r.transition_start_date),
      seconds: r.time_in_status_seconds === null ? null : Number(r.time_in_status_seconds),
      changedById: r.changed_by_id === null ? null : Number(r.changed_by_id),
    });
  }
  return out;
}

export interface StatusSteps {
  stepOf: (statusId: number | null) => StatusStep | undefined;
  commitmentStep: number | null;
}

/** statuses → statuses_mappings → workflows for the whole integration, with the commitment point's step number. */
export async function loadStatusSteps(scope: Scope): Promise<StatusSteps> {
  const rows = await scope.tx.query<
    { id: number; category: StepCategory | null; step: number | null; commit: number | null }
  >(
    `SELECT s.id, w.step_category AS category, w.step_number AS step,
            (SELECT c.step_number FROM workflows c WHERE c.tenant_id = $1 AND c.integration_id = $2
                AND c.is_commitment_point AND c.active LIMIT 1) AS commit
       FROM statuses s
       LEFT JOIN statuses_mappings m ON m.id = s.status_mapping_id AND m.active
       LEFT JOIN workflows w ON w.id = m.workflow_id AND w.active
      WHERE s.tenant_id = $1 AND s.integration_id = $2`,
    [scope.tenantId, scope.integrationId],
  );
  const steps = new Map(rows.map((r) => [Number(r.id), { category: r.category, stepNumber: r.step }]));
  return {
    stepOf: (id) => (id === null ? undefined : steps.get(id)),
    commitmentStep: rows.find((r) => r.commit !== null)?.commit ?? null,
  };
}

function sameTransition(a: StoredTransition, b: StoredTransition): boolean {
  return a.at === b.at && a.fromStatusId === b.fromStatusId && a.toStatusId === b.toStatusId &&
    a.startAt === b.startAt && a.seconds === b.seconds && a.changedById === b.changedById;
}

export async function loadIssues(scope: Scope, page: readonly JiraIssue[]): Promise<IssueLoadResult> {
  const issues = latestIssues(page).map(prepareIssue);
  if (issues.length === 0) return { rows: 0, workItems: [], projects: [], sprints: [] };
  // independent look-ups go out together: on PostgreSQL they are pipelined on the transaction's connection
  const fieldsOf = issues.map((p) => p.fields);
  const [mapping, projects, wits, statuses, people, existing] = await Promise.all([
    loadFieldMapping(scope.tx, scope.tenantId, scope.integrationId),
    ensureReferences(
      scope,
      PROJECTS,
      fieldsOf.filter((f) => (f.project as JiraProject)?.id).map((f) => projectRow(scope, f.project as JiraProject)),
    ),
    ensureReferences(
      scope,
      WITS,
      fieldsOf.filter((f) => (f.issuetype as JiraIssueType)?.id).map((f) =>
        witRow(scope, f.issuetype as JiraIssueType)
      ),
    ),
    ensureReferences(scope, STATUSES, issues.flatMap(referencedStatuses).map((s) => statusRow(scope, s))),
    upsertIdentities(scope, issues.flatMap(referencedPeople)),
    existingItems(scope, issues.map((p) => String(p.issue.id))),
  ]);
  const steps = await loadStatusSteps(scope); // after statuses: new ones of this page are classified too

  const refs = {
    project: (id: string | undefined) => (id ? projects.ids.get(id) ?? null : null),
    wit: (id: string | undefined) => (id ? wits.ids.get(id) ?? null : null),
    status: (id: string | undefined) => (id ? statuses.ids.get(id) ?? null : null),
    person: (u: unknown) => {
      const ext = userExternalId(u);
      return ext ? people.get(ext) ?? null : null;
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
      createdAt: ms(columns.source_created_at),
      currentStatusId: columns.status_id as number | null,
      transitions: [...merged.values()],
      stepOf: steps.stepOf,
      commitmentStep: steps.commitmentStep,
    });
    const ordered = flow.timings.map((t) => ({ ...merged.get(t.externalId)!, startAt: t.startAt, seconds: t.seconds }));
    histories.set(String(issue.id), ordered);
    return scoped(scope, { ...columns, ...flow.metrics });
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
      changelogRows.push(scoped(scope, {
        external_id: t.externalId,
        work_item_id: workItemId,
        from_status_id: t.fromStatusId,
        to_status_id: t.toStatusId,
        transition_start_date: t.startAt === null ? null : new Date(t.startAt).toISOString(),
        transition_change_date: new Date(t.at).toISOString(),
        time_in_status_seconds: t.seconds,
        changed_by_id: t.changedById,
        active: true,
      }));
    }
  }
  const [changelogs, sprints] = await Promise.all([
    upsertChanged(scope.tx, CHANGELOGS, changelogRows),
    mapping.sprints
      ? loadIssueSprints(scope, issues, itemIds, mapping.sprints, mapping.storyPoints)
      : { rows: 0, written: [] as number[] },
  ]);

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
      createdAt: Number.isFinite(parseJiraDate(f.created)) ? parseJiraDate(f.created) : null,
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
