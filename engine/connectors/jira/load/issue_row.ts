// Pure mapping of one Jira issue onto a work_items row and its status transitions. No I/O: ids of referenced rows
// (project, type, status, people) are resolved by the caller and passed in as lookups.
import type { JiraHistory, JiraIssue, JiraStatus } from "../client/types.ts";
import { historyTime, jiraTime, orderedHistories } from "./history_time.ts";
import { adfToText } from "./adf.ts";
import type { FieldMapping } from "./field_mapping.ts";
import { userExternalId } from "./references.ts";
import { customFieldText, hasDevelopment, isoTime, nameList, storyPoints, teamText } from "./values.ts";

export interface IssueRefs {
  project: (jiraId: string | undefined) => number | null;
  wit: (jiraId: string | undefined) => number | null;
  status: (jiraId: string | undefined) => number | null;
  person: (user: unknown) => number | null;
}

/** A status change as Jira reports it (Jira status ids and names). */
export interface JiraStatusChange {
  historyId: string;
  at: number;
  from: string | null;
  to: string | null;
  fromName: string | null;
  toName: string | null;
  author: unknown;
}

type Fields = Record<string, unknown>;

export function issueFields(issue: JiraIssue): Fields {
  return (issue.fields ?? {}) as Fields;
}

/** An issue with what every loader step needs computed once: fields, histories oldest first, status changes. */
export interface PreparedIssue {
  issue: JiraIssue;
  fields: Fields;
  histories: JiraHistory[];
  changes: JiraStatusChange[];
}

export function prepareIssue(issue: JiraIssue): PreparedIssue {
  const histories = orderedHistories(issue.changelog?.histories ?? []);
  return { issue, fields: issueFields(issue), histories, changes: statusChanges(histories) };
}

/** Status transitions only (rule 10), oldest first. A history carries at most one status item. */
export function statusChanges(histories: readonly JiraHistory[]): JiraStatusChange[] {
  const out: JiraStatusChange[] = [];
  for (const h of histories) {
    const item = (h.items ?? []).find((i) => (i.fieldId ?? i.field) === "status");
    const at = historyTime(h);
    if (!item || !Number.isFinite(at)) continue;
    out.push({
      historyId: String(h.id),
      at,
      from: item.from ?? null,
      to: item.to ?? null,
      fromName: item.fromString ?? null,
      toName: item.toString ?? null,
      author: h.author ?? null,
    });
  }
  return out;
}

/** Statuses an issue refers to: its current status (with category) and every status named in its transitions. */
export function referencedStatuses(p: PreparedIssue): JiraStatus[] {
  const out: JiraStatus[] = [];
  const current = p.fields.status as JiraStatus | undefined;
  if (current?.id) out.push(current);
  for (const c of p.changes) {
    if (c.from) out.push({ id: c.from, name: c.fromName ?? c.from });
    if (c.to) out.push({ id: c.to, name: c.toName ?? c.to });
  }
  return out;
}

/** People an issue refers to (assignee, reporter, authors of status changes). */
export function referencedPeople(p: PreparedIssue): unknown[] {
  return [p.fields.assignee, p.fields.reporter, ...p.changes.map((c) => c.author)].filter((u) => userExternalId(u));
}

function idOf(value: unknown): string | undefined {
  const id = (value as { id?: unknown } | null | undefined)?.id;
  return id === undefined || id === null ? undefined : String(id);
}

function nameOf(value: unknown): string | null {
  const name = (value as { name?: unknown } | null | undefined)?.name;
  return typeof name === "string" ? name : null;
}

/** The work_items columns Jira owns (flow metrics are added by the loader). */
export function workItemColumns(issue: JiraIssue, refs: IssueRefs, mapping: FieldMapping): Record<string, unknown> {
  const f = issueFields(issue);
  const row: Record<string, unknown> = {
    external_id: String(issue.id),
    key: issue.key,
    project_id: refs.project(idOf(f.project)),
    wit_id: refs.wit(idOf(f.issuetype)),
    status_id: refs.status(idOf(f.status)),
    parent_external_id: idOf(f.parent) ?? null,
    summary: typeof f.summary === "string" ? f.summary : null,
    description: adfToText(f.description),
    priority: nameOf(f.priority),
    resolution: nameOf(f.resolution),
    assignee_id: refs.person(f.assignee),
    reporter_id: refs.person(f.reporter),
    labels: nameList(f.labels),
    components: nameList(f.components),
    team: mapping.team ? teamText(f[mapping.team]) : null,
    story_points: mapping.storyPoints ? storyPoints(f[mapping.storyPoints]) : null,
    development: mapping.development ? hasDevelopment(f[mapping.development]) : false,
    source_created_at: isoTime(f.created),
    source_updated_at: isoTime(f.updated),
    resolved_at: isoTime(f.resolutiondate),
    active: true,
  };
  const generic = new Map(mapping.generic);
  for (let n = 1; n <= 20; n++) {
    const column = `custom_field_${String(n).padStart(2, "0")}`;
    const fieldId = generic.get(column);
    row[column] = fieldId ? customFieldText(f[fieldId]) : null;
  }
  return row;
}

/** Keeps one record per issue id: the most recently updated (pages can overlap when issues change mid-run). */
export function latestIssues(issues: readonly JiraIssue[]): JiraIssue[] {
  const byId = new Map<string, { issue: JiraIssue; at: number }>();
  for (const issue of issues) {
    if (!issue?.id) continue;
    const prev = byId.get(String(issue.id));
    const at = jiraTime(issueFields(issue).updated) || 0;
    if (!prev || at >= prev.at) byId.set(String(issue.id), { issue, at });
  }
  return [...byId.values()].map((v) => v.issue);
}
