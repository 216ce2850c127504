// Jira Cloud response shapes the connector relies on (from the published OpenAPI). Only the fields Sluice reads are
// typed; everything else is kept as returned, because raw rows are stored whole and re-transformed later.

export type JiraAuth = { kind: "basic"; email: string; token: string } | { kind: "bearer"; token: string };

export interface JiraChangeItem {
  field: string;
  fieldId?: string;
  fieldtype?: string;
  from?: string | null;
  fromString?: string | null;
  to?: string | null;
  toString?: string | null;
}

export interface JiraHistory {
  id: string;
  created: string;
  author?: { accountId?: string; displayName?: string; [k: string]: unknown };
  items: JiraChangeItem[];
  [k: string]: unknown;
}

export interface JiraEmbeddedChangelog {
  startAt?: number;
  maxResults?: number;
  total?: number;
  histories: JiraHistory[];
}

export interface JiraIssue {
  id: string;
  key: string;
  self?: string;
  fields?: Record<string, unknown>;
  changelog?: JiraEmbeddedChangelog;
  [k: string]: unknown;
}

export interface JiraIssueType {
  id: string;
  name: string;
  description?: string;
  subtask?: boolean;
  hierarchyLevel?: number;
  [k: string]: unknown;
}

export interface JiraProject {
  id: string;
  key: string;
  name: string;
  projectTypeKey?: string;
  issueTypes?: JiraIssueType[];
  [k: string]: unknown;
}

export interface JiraStatus {
  id: string;
  name: string;
  description?: string;
  statusCategory?: { id: number; key: string; name: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** One element of GET /project/{key}/statuses: an issue type with the statuses its workflow uses. */
export interface JiraIssueTypeWithStatuses {
  id: string;
  name: string;
  subtask: boolean;
  statuses: JiraStatus[];
  [k: string]: unknown;
}

export interface JiraField {
  id: string;
  name: string;
  custom?: boolean;
  schema?: { type?: string; custom?: string; customId?: number; items?: string; system?: string };
  [k: string]: unknown;
}

export interface JiraSprint {
  id: number;
  name: string;
  state: string;
  startDate?: string;
  endDate?: string;
  completeDate?: string;
  originBoardId?: number;
  goal?: string;
  [k: string]: unknown;
}

export interface JiraMyself {
  accountId?: string;
  displayName?: string;
  emailAddress?: string;
  timeZone?: string;
  active?: boolean;
  [k: string]: unknown;
}

export interface JiraPermissions {
  permissions: Record<string, { key: string; havePermission: boolean; [k: string]: unknown }>;
}

export interface JiraCreateMetaField {
  fieldId: string;
  key?: string;
  name: string;
  required?: boolean;
  schema?: JiraField["schema"];
  operations?: string[];
  [k: string]: unknown;
}

export interface JiraCreateMeta {
  projectKey: string;
  issueTypes: (JiraIssueType & { fields: JiraCreateMetaField[] })[];
}

/** Greenhopper sprint report (not in the public OpenAPI; shape as Jira Software returns it). */
export interface JiraSprintReport {
  contents: {
    completedIssues: unknown[];
    issuesNotCompletedInCurrentSprint: unknown[];
    puntedIssues: unknown[];
    issueKeysAddedDuringSprint: Record<string, boolean>;
    [k: string]: unknown;
  };
  sprint: { id: number; name: string; state: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface JiraDevStatusDetail {
  errors: unknown[];
  detail: { pullRequests?: unknown[]; repositories?: unknown[]; branches?: unknown[]; [k: string]: unknown }[];
  [k: string]: unknown;
}

/** All histories of one issue, oldest first. */
export interface IssueChangelog {
  issueId: string;
  histories: JiraHistory[];
}
