// Typed Jira client on top of SourceHttpClient. Every list is read to exhaustion (the reference read one page of
// issues and one page of projects and lost the rest), and every paged method yields pages with a checkpoint — the
// position *after* that page — so the engine can persist it with the page's data and resume a parked or crashed
// run exactly there. A null checkpoint means the listing is complete.
import type { JiraLinkType } from "../load/issue_links.ts";
import { SourceHttpClient } from "../../../http/client.ts";
import { ChangelogFetcher, type ChangelogOptions, type ChangelogPage } from "./changelog.ts";
import { createMeta, fieldList, type FieldMetaContext, fieldSearch } from "./field_meta.ts";
import {
  type AgilePage,
  BULK_ISSUES_MAX,
  clamp,
  type ConnectionCheck,
  type JiraClientOptions,
  type JiraPageSizes,
  pagingContractError,
  type ProjectPage,
  type ProjectSearchPage,
  type SearchJqlPage,
  type SearchOptions,
  type SearchPage,
  type SprintPage,
} from "./pages.ts";
import type {
  JiraCreateMeta,
  JiraDevStatusDetail,
  JiraField,
  JiraIssue,
  JiraIssueTypeWithStatuses,
  JiraMyself,
  JiraPermissions,
  JiraProject,
  JiraSprint,
  JiraSprintReport,
} from "./types.ts";

export * from "./pages.ts";

const PROJECT_KEYS_PER_REQUEST = 50; // /project/search accepts up to 50 keys

function toBase64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export class JiraClient {
  readonly http: SourceHttpClient;
  private readonly api: string;
  private readonly sizes: Required<JiraPageSizes>;
  private readonly changelogs: ChangelogFetcher;
  private readonly meta: FieldMetaContext;

  constructor(options: JiraClientOptions) {
    const auth = options.auth;
    const header = auth.kind === "basic" ? `Basic ${toBase64(`${auth.email}:${auth.token}`)}` : `Bearer ${auth.token}`;
    const secrets = auth.kind === "basic" ? [auth.token, header.slice(6)] : [auth.token];
    this.http = new SourceHttpClient({
      ...options.http,
      baseUrl: options.baseUrl,
      provider: "jira",
      authorization: () => header,
      secrets: () => secrets,
    });
    this.api = `/rest/api/${options.apiVersion ?? "3"}`;
    const p = options.pageSizes ?? {};
    this.sizes = {
      projects: clamp(p.projects, 50, 100),
      search: clamp(p.search, 100, 5000),
      bulkChangelogIssues: clamp(p.bulkChangelogIssues, 1000, 1000),
      // 5,000 histories per bulkfetch page (Jira allows 10,000; its default 1,000 costs ~14 requests per 1,000
      // issues when a few percent of them have long histories, against the ≤ 12 budget)
      bulkChangelogResults: clamp(p.bulkChangelogResults, 5000, 10000),
      changelog: clamp(p.changelog, 100, 1000),
      sprints: clamp(p.sprints, 50, 50),
      createMeta: clamp(p.createMeta, 50, 200),
      fieldSearch: clamp(p.fieldSearch, 50, 100),
    };
    this.meta = {
      http: this.http,
      api: this.api,
      fieldSearchSize: this.sizes.fieldSearch,
      createMetaSize: this.sizes.createMeta,
    };
    this.changelogs = new ChangelogFetcher(this.http, {
      apiPath: this.api,
      issuesPerBatch: this.sizes.bulkChangelogIssues,
      bulkMaxResults: this.sizes.bulkChangelogResults,
      perIssuePageSize: this.sizes.changelog,
    });
  }

  get requestsMade(): number {
    return this.http.requestsMade;
  }

  /** "bulk" on Cloud, "per-issue" once a Data Center 404/405 was seen, "unknown" before the first changelog call. */
  get changelogMode() {
    return this.changelogs.mode;
  }

  /** Data Center / Server: changelogs per issue from the start (no bulkfetch to probe), on REST 2 (no 3 there). */
  useDataCenterChangelogs(): void {
    this.changelogs.usePerIssue(this.api === "/rest/api/3" ? "/rest/api/2" : this.api);
  }

  /** All projects (or the given keys) with their issue types, 50 keys per request, every page. */
  async *projects(
    keys?: readonly string[],
    resume?: { chunk: number; startAt: number },
  ): AsyncGenerator<ProjectPage> {
    const wanted = keys?.length ? [...new Set(keys)] : undefined;
    const chunks = wanted
      ? Array.from(
        { length: Math.ceil(wanted.length / PROJECT_KEYS_PER_REQUEST) },
        (_, i) => wanted.slice(i * PROJECT_KEYS_PER_REQUEST, (i + 1) * PROJECT_KEYS_PER_REQUEST),
      )
      : [undefined];
    for (let c = resume?.chunk ?? 0; c < chunks.length; c++) {
      let startAt = c === resume?.chunk ? resume.startAt : 0;
      while (true) {
        const path = `${this.api}/project/search`;
        const query = { startAt, maxResults: this.sizes.projects, expand: "issueTypes", keys: chunks[c] };
        const { body } = await this.http.getJson<ProjectSearchPage>(path, query, { endpoint: "GET project/search" });
        const values = body.values ?? [];
        startAt += values.length;
        const done = body.isLast ?? startAt >= (body.total ?? startAt);
        if (!done && values.length === 0) throw this.contractError("GET", path, "empty page that is not the last");
        const more = !done;
        yield {
          projects: values,
          checkpoint: more ? { chunk: c, startAt } : c + 1 < chunks.length ? { chunk: c + 1, startAt: 0 } : null,
        };
        if (!more) break;
      }
    }
  }

  /** Reads every project page; `missingKeys` are requested keys Jira did not return (archived, no access, typo). */
  async allProjects(keys?: readonly string[]): Promise<{ projects: JiraProject[]; missingKeys: string[] }> {
    const projects: JiraProject[] = [];
    for await (const page of this.projects(keys)) projects.push(...page.projects);
    const found = new Set(projects.map((p) => p.key));
    return { projects, missingKeys: (keys ?? []).filter((k) => !found.has(k)) };
  }

  /** Issue types of a project, each with the statuses of its workflow. */
  async projectStatuses(projectKey: string): Promise<JiraIssueTypeWithStatuses[]> {
    const path = `${this.api}/project/${encodeURIComponent(projectKey)}/statuses`;
    return (await this.http.getJson<JiraIssueTypeWithStatuses[]>(path, {}, { endpoint: "GET project/statuses" }))
      .body;
  }

  /** Jira's estimate of the issues a (bounded) JQL matches (Cloud: POST /search/approximate-count). */
  async approximateCount(jql: string, signal?: AbortSignal): Promise<number> {
    const path = `${this.api}/search/approximate-count`;
    const { body } = await this.http.postJson<{ count?: number }>(path, { jql }, {
      endpoint: "POST search/approximate-count",
      signal,
    });
    if (typeof body.count !== "number" || !(body.count >= 0)) throw this.contractError("POST", path, "no count");
    return body.count;
  }

  /** The site's issue link types (name, inward and outward descriptions). */
  async issueLinkTypes(): Promise<JiraLinkType[]> {
    const path = `${this.api}/issueLinkType`;
    const { body } = await this.http.getJson<{ issueLinkTypes?: JiraLinkType[] }>(path, {}, {
      endpoint: "GET issueLinkType",
    });
    if (!Array.isArray(body.issueLinkTypes)) throw this.contractError("GET", path, "no issueLinkTypes array");
    return body.issueLinkTypes;
  }

  /** Enhanced JQL search, every page until Jira stops returning a nextPageToken. */
  async *searchIssues(options: SearchOptions): AsyncGenerator<SearchPage> {
    const path = `${this.api}/search/jql`;
    let token = options.pageToken;
    const seen = new Set<string>();
    while (true) {
      const { body } = await this.http.postJson<SearchJqlPage>(path, {
        jql: options.jql,
        maxResults: clamp(options.maxResults, this.sizes.search, 5000),
        fields: options.fields ?? ["*all"],
        expand: options.expand ?? "changelog",
        ...(token ? { nextPageToken: token } : {}),
      }, { endpoint: "POST search/jql", signal: options.signal });
      const next = body.nextPageToken ?? null;
      if (next === null && body.isLast === false) {
        throw this.contractError("POST", path, "isLast=false without a token");
      }
      if (next !== null) {
        if (seen.has(next)) throw this.contractError("POST", path, "the same nextPageToken twice");
        seen.add(next);
      }
      yield { issues: body.issues ?? [], nextPageToken: next, checkpoint: next ? { pageToken: next } : null };
      if (next === null) return;
      token = next;
    }
  }

  /** Changelog pages for the given issue ids (bulkfetch on Cloud, per-issue pages on Data Center). */
  bulkChangelogs(issueIds: readonly string[], options: ChangelogOptions = {}): AsyncGenerator<ChangelogPage> {
    return this.changelogs.pages(issueIds, options);
  }

  /**
   * Completes the changelogs of a page of searched issues: fetches only issues whose embedded changelog is
   * truncated. Histories of every returned issue are sorted oldest first.
   */
  completeChangelogs(issues: readonly JiraIssue[], options: Omit<ChangelogOptions, "resume"> = {}) {
    return this.changelogs.complete(issues, options);
  }

  /** Development panel detail (pull requests by default) for one issue; the application type is configurable. */
  async devStatus(
    issueId: string,
    options: { applicationType?: string; dataType?: string } = {},
  ): Promise<JiraDevStatusDetail> {
    const query = {
      issueId,
      applicationType: options.applicationType ?? "GitHub",
      dataType: options.dataType ?? "pullrequest",
    };
    return (await this.http.getJson<JiraDevStatusDetail>("/rest/dev-status/latest/issue/detail", query, {
      endpoint: "GET dev-status/detail",
    })).body;
  }

  /** Which development tools hold data for an issue (to pick applicationType values for devStatus). */
  async devStatusSummary(issueId: string): Promise<Record<string, unknown>> {
    return (await this.http.getJson<Record<string, unknown>>("/rest/dev-status/latest/issue/summary", { issueId }, {
      endpoint: "GET dev-status/summary",
    })).body;
  }

  /**
   * Issues by id with only the given fields (Cloud's POST /issue/bulkfetch, ≤ 100 per request): a back-fill of a
   * newly mapped field costs one request per 100 items. Issues deleted since they were listed are left out.
   */
  async bulkFetchIssues(ids: readonly string[], fields: readonly string[], signal?: AbortSignal): Promise<JiraIssue[]> {
    const out: JiraIssue[] = [];
    for (let i = 0; i < ids.length; i += BULK_ISSUES_MAX) {
      const { body } = await this.http.postJson<{ issues?: JiraIssue[] }>("/rest/api/3/issue/bulkfetch", {
        issueIdsOrKeys: ids.slice(i, i + BULK_ISSUES_MAX),
        fields,
      }, { endpoint: "POST issue/bulkfetch", signal });
      out.push(...(body.issues ?? []));
    }
    return out;
  }

  async sprintReport(boardId: number | string, sprintId: number | string): Promise<JiraSprintReport> {
    return (await this.http.getJson<JiraSprintReport>("/rest/greenhopper/1.0/rapid/charts/sprintreport", {
      rapidViewId: boardId,
      sprintId,
    }, { endpoint: "GET greenhopper/sprintreport" })).body;
  }

  async *boardSprints(boardId: number | string, resume?: { startAt: number }): AsyncGenerator<SprintPage> {
    const path = `/rest/agile/1.0/board/${encodeURIComponent(String(boardId))}/sprint`;
    let startAt = resume?.startAt ?? 0;
    while (true) {
      const { body } = await this.http.getJson<AgilePage<JiraSprint>>(path, {
        startAt,
        maxResults: this.sizes.sprints,
      }, { endpoint: "GET board/sprint" });
      const values = body.values ?? [];
      startAt += values.length;
      const done = body.isLast ?? values.length === 0;
      if (!done && values.length === 0) throw this.contractError("GET", path, "empty page that is not the last");
      yield { sprints: values, checkpoint: done ? null : { startAt } };
      if (done) return;
    }
  }

  fields(): Promise<JiraField[]> {
    return fieldList(this.meta);
  }

  /** Paged field search, e.g. for fields createmeta does not list (development, sprint). */
  fieldSearch(options: { ids?: readonly string[]; type?: "custom" | "system" } = {}): Promise<JiraField[]> {
    return fieldSearch(this.meta, options);
  }

  async myself(): Promise<JiraMyself> {
    return (await this.http.getJson<JiraMyself>(`${this.api}/myself`, {}, { endpoint: "GET myself" })).body;
  }

  async myPermissions(permissions: readonly string[] = ["BROWSE_PROJECTS"]): Promise<JiraPermissions> {
    return (await this.http.getJson<JiraPermissions>(`${this.api}/mypermissions`, {
      permissions: permissions.join(","),
    }, { endpoint: "GET mypermissions" })).body;
  }

  /** The connection test: who the token belongs to, its time zone (JQL dates use it) and Browse Projects. */
  async checkConnection(): Promise<ConnectionCheck> {
    const me = await this.myself();
    const perms = await this.myPermissions(["BROWSE_PROJECTS"]);
    return {
      accountId: me.accountId,
      displayName: me.displayName,
      timeZone: me.timeZone,
      canBrowseProjects: perms.permissions?.BROWSE_PROJECTS?.havePermission === true,
    };
  }

  /** Issue types of a project with their create-screen fields (custom field discovery), every page of both. */
  createMeta(projectKey: string): Promise<JiraCreateMeta> {
    return createMeta(this.meta, projectKey);
  }

  private contractError(method: string, path: string, what: string) {
    return pagingContractError(this.http, method, path, what);
  }
}
