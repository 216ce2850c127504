// Full changelog retrieval. Search with expand=changelog embeds only the most recent histories of each issue (and
// says so through `changelog.total`), so early transitions of long-lived issues are lost unless fetched separately.
// Cloud has POST /changelog/bulkfetch (≤ 1000 issues per request, paged by token); Data Center has no bulk endpoint,
// so a 404/405 there switches to the per-issue /issue/{id}/changelog pages for the rest of the client's life.
import { SourceRequestError, SourceResponseError } from "../../../http/errors.ts";
import { redactUrl } from "../../../http/redact.ts";
import type { SourceHttpClient } from "../../../http/client.ts";
import type { IssueChangelog, JiraHistory, JiraIssue } from "./types.ts";

// The bulk endpoint exists only on Cloud and only under v3, whatever version the rest of the client uses.
const BULK_PATH = "/rest/api/3/changelog/bulkfetch";
export const BULK_CHANGELOG_MAX_ISSUES = 1000;
export const BULK_CHANGELOG_MAX_FIELD_IDS = 10;

/** Where to resume: the batch of ids, and inside it the page token (bulk) or issue index and offset (per issue). */
export interface ChangelogCheckpoint {
  batch: number;
  pageToken?: string;
  issueIndex?: number;
  startAt?: number;
}

export interface ChangelogPage {
  /** Histories in this page, oldest first per issue. One issue can continue on the next page. */
  changelogs: IssueChangelog[];
  mode: "bulk" | "per-issue";
  /** Per-issue mode: issues that answered 404 (deleted or hidden since they were searched). */
  missingIssueIds?: string[];
  /** Position after this page; null when everything was read. */
  checkpoint: ChangelogCheckpoint | null;
}

export interface ChangelogOptions {
  /** Only histories touching these fields (≤ 10), e.g. ["status", "assignee", "customfield_10020"]. */
  fieldIds?: readonly string[];
  resume?: ChangelogCheckpoint;
  signal?: AbortSignal;
}

export interface ChangelogFetcherConfig {
  apiPath: string;
  issuesPerBatch: number;
  bulkMaxResults: number;
  perIssuePageSize: number;
}

/** Jira dates look like "2021-03-28T16:06:08.713+0800" (no colon in the offset); bulkfetch examples use epoch. */
export function parseJiraDate(value: unknown): number {
  if (typeof value === "number") return value < 1e12 ? value * 1000 : value;
  if (typeof value !== "string") return Number.NaN;
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
}

/** Pins history order: oldest first, ties by numeric id (Jira returns newest first in search, oldest in bulk). */
export function sortHistories(histories: readonly JiraHistory[]): JiraHistory[] {
  return [...histories].sort((a, b) =>
    (parseJiraDate(a.created) - parseJiraDate(b.created)) || (Number(a.id) - Number(b.id)) ||
    a.id.localeCompare(b.id)
  );
}

/** True when the embedded changelog is missing or holds fewer histories than the issue has. */
export function isChangelogTruncated(issue: JiraIssue): boolean {
  const log = issue.changelog;
  if (!log || !Array.isArray(log.histories)) return true;
  return (log.total ?? log.histories.length) > log.histories.length;
}

function onlyFields(histories: JiraHistory[], fieldIds: readonly string[] | undefined): JiraHistory[] {
  if (!fieldIds?.length) return histories;
  const wanted = new Set(fieldIds);
  return histories
    .map((h) => ({ ...h, items: h.items.filter((i) => wanted.has(i.fieldId ?? i.field)) }))
    .filter((h) => h.items.length > 0);
}

function chunk<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

export class ChangelogFetcher {
  /** Unknown until the first bulk call; false after a 404/405 (Data Center). */
  private bulkSupported: boolean | undefined;

  constructor(private readonly http: SourceHttpClient, private config: ChangelogFetcherConfig) {}

  get mode(): "bulk" | "per-issue" | "unknown" {
    return this.bulkSupported === undefined ? "unknown" : this.bulkSupported ? "bulk" : "per-issue";
  }

  /** Known to have no bulk endpoint (Data Center / Server said so through /serverInfo): skip the probe. */
  usePerIssue(apiPath = this.config.apiPath): void {
    this.bulkSupported = false;
    this.config = { ...this.config, apiPath };
  }

  async *pages(issueIds: readonly string[], options: ChangelogOptions = {}): AsyncGenerator<ChangelogPage> {
    if (options.fieldIds && options.fieldIds.length > BULK_CHANGELOG_MAX_FIELD_IDS) {
      throw new RangeError(`fieldIds accepts at most ${BULK_CHANGELOG_MAX_FIELD_IDS} ids`);
    }
    const size = Math.min(BULK_CHANGELOG_MAX_ISSUES, Math.max(1, this.config.issuesPerBatch));
    const batches = chunk([...new Set(issueIds)], size);
    for (let b = options.resume?.batch ?? 0; b < batches.length; b++) {
      const resume = b === options.resume?.batch ? options.resume : undefined;
      const last = b === batches.length - 1;
      if (this.bulkSupported !== false && resume?.issueIndex === undefined) {
        const bulk = this.bulkBatch(batches[b], b, last, resume?.pageToken, options);
        const first = await this.firstOrFallback(bulk);
        if (first !== "fallback") {
          if (!first.done) {
            yield first.value;
            yield* bulk;
          }
          continue;
        }
      }
      yield* this.perIssueBatch(batches[b], b, last, resume, options);
    }
  }

  /** Every history of every listed issue, merged across pages and sorted oldest first. */
  async collect(issueIds: readonly string[], options: ChangelogOptions = {}): Promise<Map<string, JiraHistory[]>> {
    const byIssue = new Map<string, Map<string, JiraHistory>>();
    for await (const page of this.pages(issueIds, options)) {
      for (const log of page.changelogs) {
        const seen = byIssue.get(log.issueId) ?? new Map<string, JiraHistory>();
        for (const history of log.histories) seen.set(history.id, history);
        byIssue.set(log.issueId, seen);
      }
    }
    return new Map([...byIssue].map(([id, seen]) => [id, sortHistories([...seen.values()])]));
  }

  /**
   * Returns the issues with complete changelogs: only issues whose embedded changelog is truncated are fetched
   * (one bulk call per 1000 of them), the rest keep what search returned. Histories come back oldest first.
   */
  async complete(issues: readonly JiraIssue[], options: Omit<ChangelogOptions, "resume"> = {}) {
    const truncated = issues.filter(isChangelogTruncated).map((i) => i.id);
    const full = truncated.length ? await this.collect(truncated, options) : new Map<string, JiraHistory[]>();
    // An issue deleted (or hidden) between search and fetch comes back without histories: keep what search gave
    // and name it, rather than replacing a partial history with an empty one.
    const unresolvedIssueIds = truncated.filter((id) => !full.has(id));
    const completed = issues.map((issue) => {
      const sorted = full.get(issue.id) ??
        sortHistories(onlyFields(issue.changelog?.histories ?? [], options.fieldIds));
      return {
        ...issue,
        changelog: { startAt: 0, maxResults: sorted.length, total: sorted.length, histories: sorted },
      };
    });
    return { issues: completed, fetchedIssueIds: truncated, unresolvedIssueIds };
  }

  private async firstOrFallback(bulk: AsyncGenerator<ChangelogPage>) {
    try {
      const first = await bulk.next();
      this.bulkSupported = true;
      return first;
    } catch (error) {
      if (this.bulkSupported === undefined && error instanceof SourceRequestError && isMissingEndpoint(error)) {
        this.bulkSupported = false;
        return "fallback" as const;
      }
      throw error;
    }
  }

  private async *bulkBatch(
    ids: string[],
    batch: number,
    last: boolean,
    startToken: string | undefined,
    options: ChangelogOptions,
  ): AsyncGenerator<ChangelogPage> {
    let token = startToken;
    const seenTokens = new Set<string>();
    while (true) {
      const { body } = await this.http.postJson<BulkChangelogResponse>(BULK_PATH, {
        issueIdsOrKeys: ids,
        maxResults: this.config.bulkMaxResults,
        ...(options.fieldIds?.length ? { fieldIds: options.fieldIds } : {}),
        ...(token ? { nextPageToken: token } : {}),
      }, { endpoint: "POST changelog/bulkfetch", signal: options.signal });
      const next = body.nextPageToken ?? undefined;
      if (next !== undefined) {
        // A token that repeats would loop forever; a server bug must surface, not hang the run.
        if (seenTokens.has(next)) {
          throw new SourceResponseError("bulkfetch repeated a page token", {
            method: "POST",
            url: redactUrl(this.http.buildUrl(BULK_PATH)),
            attempts: 1,
          });
        }
        seenTokens.add(next);
      }
      const changelogs = (body.issueChangeLogs ?? []).map((log) => ({
        issueId: String(log.issueId),
        histories: sortHistories(log.changeHistories ?? []),
      }));
      const checkpoint = next ? { batch, pageToken: next } : last ? null : { batch: batch + 1 };
      yield { changelogs, mode: "bulk", checkpoint };
      if (!next) return;
      token = next;
    }
  }

  private async *perIssueBatch(
    ids: string[],
    batch: number,
    last: boolean,
    resume: ChangelogCheckpoint | undefined,
    options: ChangelogOptions,
  ): AsyncGenerator<ChangelogPage> {
    const pageSize = this.config.perIssuePageSize;
    const after = (i: number): ChangelogCheckpoint | null =>
      i + 1 < ids.length ? { batch, issueIndex: i + 1, startAt: 0 } : last ? null : { batch: batch + 1 };
    for (let i = resume?.issueIndex ?? 0; i < ids.length; i++) {
      let startAt = i === resume?.issueIndex ? resume.startAt ?? 0 : 0;
      while (true) {
        let body: PerIssueChangelogPage;
        try {
          ({ body } = await this.http.getJson<PerIssueChangelogPage>(
            `${this.config.apiPath}/issue/${encodeURIComponent(ids[i])}/changelog`,
            { startAt, maxResults: pageSize },
            { endpoint: "GET issue/changelog", signal: options.signal },
          ));
        } catch (error) {
          // Deleted (or hidden) since it was searched: name it and go on, as bulkfetch would leave it out.
          if (!(error instanceof SourceRequestError && error.status === 404)) throw error;
          yield { changelogs: [], missingIssueIds: [ids[i]], mode: "per-issue", checkpoint: after(i) };
          break;
        }
        const values = body.values ?? [];
        startAt += values.length;
        const done = body.isLast ?? (values.length === 0 || startAt >= (body.total ?? startAt));
        const more = !done && values.length > 0;
        const checkpoint = more ? { batch, issueIndex: i, startAt } : after(i);
        yield {
          changelogs: [{ issueId: ids[i], histories: sortHistories(onlyFields(values, options.fieldIds)) }],
          mode: "per-issue",
          checkpoint,
        };
        if (!more) break;
      }
    }
  }
}

function isMissingEndpoint(error: SourceRequestError): boolean {
  return error.status === 404 || error.status === 405;
}

interface BulkChangelogResponse {
  issueChangeLogs?: { issueId: string | number; changeHistories?: JiraHistory[] }[];
  nextPageToken?: string | null;
}

interface PerIssueChangelogPage {
  values?: JiraHistory[];
  startAt?: number;
  maxResults?: number;
  total?: number;
  isLast?: boolean;
}
