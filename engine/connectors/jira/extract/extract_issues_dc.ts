// Issue extraction on Jira Data Center / Server: /rest/api/2/search paged by startAt, ORDER BY updated ASC, key ASC.
// - Windows: Data Center refuses a startAt beyond 10,000, so the run's `updated` range is split in halves (by the
//   search's `total`) until each window holds at most `dcStartAtCap` issues; the totals are expectedRecords.
// - Items moving between pages: an issue updated during paging jumps to the end of the order, shifting the rest
//   one place left, so plain startAt paging would skip one. Each page re-reads from the position of the last issue
//   read (the boundary); if even the first issue returned sorts after the boundary, issues may have been skipped and
//   the read backs up a page. Only issues sorting after the boundary are yielded, so none is yielded twice
//   except an issue updated meanwhile, which comes again with its newer content (loads are upserts).
// - Changelogs: no bulkfetch there, so each page's truncated changelogs are completed per issue before it is
//   yielded (the client's changelog fetcher falls back to /issue/{id}/changelog on the first 404).
import type { JiraClient } from "../client/client.ts";
import type { JiraIssue } from "../client/types.ts";
import { searchStartAt } from "../client/dc_search.ts";
import { buildIssueJql } from "../client/jql.ts";
import { SourceResponseError } from "../../../http/errors.ts";

export interface DcWindow {
  /** ISO bounds; from null = since the beginning. */
  from: string | null;
  to: string;
  total: number;
}

export interface DcPosition {
  windows: DcWindow[];
  index: number;
  /** Position of the next unread issue in the current window's order. */
  startAt: number;
  /** The last issue yielded in the current window: the boundary the next page is checked against. */
  last?: { key: string; updated: number };
  scanned: number;
}

export interface DcQuery {
  projectKeys: readonly string[];
  baseJql?: string;
  timeZone: string;
  fields: readonly string[];
  pageSize: number;
  cap: number;
  /** "changelog" for the issues step; "" for an id listing (the census). */
  expand: string;
  complete: (issues: JiraIssue[]) => Promise<JiraIssue[]>;
  prune: (issue: JiraIssue) => void;
  signal?: AbortSignal;
}

const MINUTE = 60_000;
const SEARCH = { method: "POST", url: "/rest/api/2/search", attempts: 1 };

function windowJql(q: DcQuery, from: Date | null, to: Date): string {
  return buildIssueJql({
    projectKeys: q.projectKeys,
    baseJql: q.baseJql,
    updatedFrom: from ?? undefined,
    updatedTo: to,
    timeZone: q.timeZone,
  });
}

function updatedOf(issue: JiraIssue): number {
  const raw = (issue.fields as Record<string, unknown> | undefined)?.updated;
  const ms = typeof raw === "string" ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw new SourceResponseError("search returned an issue without fields.updated", SEARCH);
  return ms;
}

/** Jira's key order: project key, then the number. */
function compareKeys(a: string, b: string): number {
  const [pa, na] = [a.slice(0, a.lastIndexOf("-")), Number(a.slice(a.lastIndexOf("-") + 1))];
  const [pb, nb] = [b.slice(0, b.lastIndexOf("-")), Number(b.slice(b.lastIndexOf("-") + 1))];
  return pa < pb ? -1 : pa > pb ? 1 : na - nb;
}

function after(issue: JiraIssue, boundary: { key: string; updated: number }): boolean {
  const u = updatedOf(issue);
  return u !== boundary.updated ? u > boundary.updated : compareKeys(issue.key, boundary.key) > 0;
}

/** Splits [from, to) in halves until every part's total is within the cap (minute precision: JQL dates). */
export async function planWindows(
  client: JiraClient,
  q: DcQuery,
  from: Date | null,
  to: Date,
): Promise<DcWindow[]> {
  const count = async (
    a: Date | null,
    b: Date,
  ) => (await searchStartAt(client, { jql: windowJql(q, a, b), startAt: 0, maxResults: 1, fields: ["updated"] }));
  const first = await count(from, to);
  if (first.total <= q.cap) return [{ from: from?.toISOString() ?? null, to: to.toISOString(), total: first.total }];
  // an open lower bound starts at the oldest matching issue (the order is updated ASC)
  const start = from ?? new Date(Math.floor(updatedOf(first.issues[0]) / MINUTE) * MINUTE);
  const mid = new Date(Math.floor((start.getTime() + (to.getTime() - start.getTime()) / 2) / MINUTE) * MINUTE);
  if (mid.getTime() <= start.getTime()) {
    throw new SourceResponseError(
      `more than ${q.cap} issues were updated within one minute (${start.toISOString()}): Data Center search cannot page them`,
      SEARCH,
    );
  }
  return [...await planWindows(client, q, from, mid), ...await planWindows(client, q, mid, to)];
}

/** Pages of the issues of every window, each with its position as checkpoint (null once all windows are read). */
export async function* dcIssuePages(
  client: JiraClient,
  q: DcQuery,
  start: DcPosition,
): AsyncGenerator<{ issues: JiraIssue[]; position: DcPosition | null; expected: number }> {
  const pos: DcPosition = { ...start };
  const expected = () => pos.windows.reduce((n, w) => n + w.total, 0);
  for (; pos.index < pos.windows.length; pos.index++, pos.startAt = 0, pos.last = undefined) {
    const w = pos.windows[pos.index];
    const jql = windowJql(q, w.from ? new Date(w.from) : null, new Date(w.to));
    while (true) {
      let readAt = pos.last ? Math.max(0, pos.startAt - 1) : pos.startAt;
      let page = await read(client, q, jql, readAt);
      // the first issue already sorts after the boundary: issues before it may have shifted past us — back up
      while (pos.last && readAt > 0 && page.issues.length && after(page.issues[0], pos.last)) {
        readAt = Math.max(0, readAt - q.pageSize);
        page = await read(client, q, jql, readAt);
      }
      const fresh = pos.last ? page.issues.filter((i) => after(i, pos.last!)) : page.issues;
      const end = readAt + page.issues.length;
      const exhausted = page.issues.length < q.pageSize || end >= page.total;
      if (fresh.length) {
        const last = fresh[fresh.length - 1];
        pos.last = { key: last.key, updated: updatedOf(last) };
      }
      pos.startAt = end;
      pos.scanned += fresh.length;
      for (const issue of fresh) q.prune(issue);
      const issues = fresh.length ? await q.complete(fresh) : [];
      const finished = exhausted && pos.index + 1 >= pos.windows.length;
      const next = finished
        ? null
        : exhausted
        ? { ...pos, index: pos.index + 1, startAt: 0, last: undefined }
        : { ...pos };
      yield { issues, position: next, expected: Math.max(expected(), pos.scanned + (finished ? 0 : 1)) };
      if (exhausted) break;
    }
  }
}

function read(client: JiraClient, q: DcQuery, jql: string, startAt: number) {
  return searchStartAt(client, {
    jql,
    startAt,
    maxResults: q.pageSize,
    fields: q.fields,
    expand: q.expand,
    signal: q.signal,
  });
}

/** Ids of every issue the projects hold now (the census on Data Center), read like the issues: windows, boundary. */
export async function dcAllIssueIds(
  client: JiraClient,
  scope: Omit<DcQuery, "fields" | "expand" | "complete" | "prune">,
): Promise<string[]> {
  const q: DcQuery = {
    ...scope,
    fields: ["updated"],
    expand: "",
    complete: (i) => Promise.resolve(i),
    prune: () => {},
  };
  // the upper bound is a minute ahead: an open end that still satisfies the JQL builder's ordered bounds
  const windows = await planWindows(client, q, null, new Date(Date.now() + MINUTE));
  const ids = new Set<string>();
  for await (const page of dcIssuePages(client, q, { windows, index: 0, startAt: 0, scanned: 0 })) {
    for (const issue of page.issues) ids.add(String(issue.id));
  }
  return [...ids];
}
