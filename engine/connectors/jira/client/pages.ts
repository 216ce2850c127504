// What the Jira client's paged methods take and yield (options, page sizes, pages with their resume checkpoint)
// and the raw page shapes Jira answers with; split from client.ts so the client holds only the requests.
import type { SourceHttpClient, SourceHttpClientOptions } from "../../../http/client.ts";
import { SourceResponseError } from "../../../http/errors.ts";
import { redactUrl } from "../../../http/redact.ts";
import type { JiraAuth, JiraIssue, JiraProject, JiraSprint } from "./types.ts";

/** Issues per POST /rest/api/3/issue/bulkfetch request (Jira's limit). */
export const BULK_ISSUES_MAX = 100;

export interface JiraPageSizes {
  /** /project/search (Jira caps at 100; default 50). */
  projects?: number;
  /** /search/jql with fields or changelog (Jira returns ≤ 100 then; default 100). */
  search?: number;
  /** Issue ids per changelog bulkfetch request (≤ 1000). */
  bulkChangelogIssues?: number;
  /** Histories per changelog bulkfetch page (default 1000). */
  bulkChangelogResults?: number;
  /** Per-issue /changelog pages (Data Center fallback; default 100). */
  changelog?: number;
  /** Board sprints (Jira Software caps at 50). */
  sprints?: number;
  /** createmeta issue types / fields (≤ 200; default 50). */
  createMeta?: number;
  /** /field/search (default 50). */
  fieldSearch?: number;
}

export interface JiraClientOptions {
  baseUrl: string;
  auth: JiraAuth;
  pageSizes?: JiraPageSizes;
  /** REST version for the platform API: "3" on Cloud; "2"/"latest" for Data Center. */
  apiVersion?: "3" | "2" | "latest";
  http?: Omit<SourceHttpClientOptions, "baseUrl" | "authorization" | "secrets">;
}

export interface ProjectPage {
  projects: JiraProject[];
  checkpoint: { chunk: number; startAt: number } | null;
}

export interface SearchOptions {
  jql: string;
  /** Default ["*all"]. */
  fields?: readonly string[];
  /** Default "changelog". */
  expand?: string;
  /** Resume from a checkpoint's page token. */
  pageToken?: string;
  maxResults?: number;
  signal?: AbortSignal;
}

export interface SearchPage {
  issues: JiraIssue[];
  nextPageToken: string | null;
  checkpoint: { pageToken: string } | null;
}

export interface SprintPage {
  sprints: JiraSprint[];
  checkpoint: { startAt: number } | null;
}

export interface ConnectionCheck {
  accountId?: string;
  displayName?: string;
  timeZone?: string;
  canBrowseProjects: boolean;
}

export function clamp(value: number | undefined, fallback: number, max: number): number {
  return Math.min(max, Math.max(1, Math.floor(value ?? fallback)));
}

/** A page that breaks Jira's paging contract (empty but not last, a repeated token): retrying cannot help. */
export function pagingContractError(http: SourceHttpClient, method: string, path: string, what: string) {
  return new SourceResponseError(`pagination contract broken: ${what}`, {
    method,
    url: redactUrl(http.buildUrl(path)),
    attempts: 1,
  });
}

export interface ProjectSearchPage {
  values?: JiraProject[];
  startAt?: number;
  maxResults?: number;
  total?: number;
  isLast?: boolean;
  nextPage?: string;
}

export interface SearchJqlPage {
  issues?: JiraIssue[];
  nextPageToken?: string | null;
  isLast?: boolean;
}

export interface AgilePage<T> {
  values?: T[];
  startAt?: number;
  maxResults?: number;
  total?: number;
  isLast?: boolean;
}
