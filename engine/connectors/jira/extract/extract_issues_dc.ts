// Issue extraction on Jira Data Center / Server: /rest/api/2/search paged by startAt, ORDER BY updated ASC, key ASC.
// - Windows: Data Center refuses a startAt beyond 10,000, so the run's `updated` range is split in halves (by the
//   search's `total`) until each window holds at most `dcStartAtCap` issues; the totals are expectedRecords.
// - Items moving between pages: an issue updated during paging jumps to the end of the order, shifting the rest
//   one place left, so plain startAt paging would skip one. Each page re-reads from the position of the last issue
//   read (the boundary); if even the first issue returned sorts after the boundary, issues may have been skipped and
//   the read backs up a page. Only issues sorting after the boundary are yielded, so none is yielded twice
//   except an issue updated meanwhile, which comes again with its newer content (loads are upserts).
// - A window that outgrew the cap while it was paged (issues updated into it), or a site whose cap is lower than
//   the configured one, answers 500 "search limit exceeded": the rest of the window — from the minute of the last
//   issue read — is split again under the cap (the lower of the configured one and the refused startAt) and the
//   read goes on there; the boundary keeps issues already yielded from coming twice.
// - Changelogs: no bulkfetch there, so each page's truncated changelogs are completed per issue before it is
//   yielded (the client's changelog fetcher falls back to /issue/{id}/changelog on the first 404).
import type { JiraClient } from "../client/client.ts";
import type { JiraIssue } from "../client/types.ts";
import { isSearchLimitAnswer, searchStartAt } from "../client/dc_search.ts";
import { buildIssueJql } from "../client/jql.ts";
import { SourceError, SourceResponseError } from "../../../http/errors.ts";

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
  /** The startAt cap Jira enforced when lower than the configured one (learnt from a "search limit" 500). */
  cap?: number;
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
  while (pos.index < pos.windows.length) {
    const w = pos.windows[pos.index];
    const jql = windowJql(q, w.from ? new Date(w.from) : null, new Date(w.to));
    let resplit = false;
    while (true) {
      let readAt = pos.last ? Math.max(0, pos.startAt - 1) : pos.startAt;
      let page = await readUnderCap(client, q, jql, readAt);
      // the first issue already sorts after the boundary: issues before it may have shifted past us — back up
      while (page && pos.last && readAt > 0 && page.issues.length && after(page.issues[0], pos.last)) {
        readAt = Math.max(0, readAt - q.pageSize);
        page = await readUnderCap(client, q, jql, readAt);
      }
      if (!page) {
        // refused past Jira's cap: split the rest of this window and read on in its first part
        await splitRest(client, q, pos, readAt);
        resplit = true;
        break;
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
    if (resplit) continue;
    pos.index++;
    pos.startAt = 0;
    pos.last = undefined;
  }
}

/** Data Center's answer to a startAt past its cap. */
function isSearchLimit(e: unknown): boolean {
  return e instanceof SourceError && isSearchLimitAnswer(e.status ?? 0, e.excerpt ?? e.message);
}

/** A page, or null when Jira refused the startAt as past its cap. */
async function readUnderCap(client: JiraClient, q: DcQuery, jql: string, startAt: number) {
  try {
    return await read(client, q, jql, startAt);
  } catch (e) {
    if (startAt > 0 && isSearchLimit(e)) return null;
    throw e;
  }
}

/**
 * Replaces the current window by windows over what is left of it — from the minute of the last issue read (JQL
 * dates are minutes) to its end — each under the cap Jira showed (at most the refused startAt). The boundary stays:
 * the first new window starts before it and its issues up to the boundary are skipped as already yielded.
 */
async function splitRest(client: JiraClient, q: DcQuery, pos: DcPosition, refusedAt: number): Promise<void> {
  const w = pos.windows[pos.index];
  const cap = Math.min(pos.cap ?? q.cap, refusedAt);
  const from = pos.last ? new Date(Math.floor(pos.last.updated / MINUTE) * MINUTE) : (w.from ? new Date(w.from) : null);
  const rest = await planWindows(client, { ...q, cap }, from, new Date(w.to));
  if (rest.length === 1 && rest[0].from === w.from && cap >= (pos.cap ?? q.cap)) {
    // nothing was read and the cap did not change: splitting again would loop
    throw new SourceResponseError(`search limit exceeded at startAt ${refusedAt} of a window within the cap`, SEARCH);
  }
  pos.windows = [...pos.windows.slice(0, pos.index), ...rest, ...pos.windows.slice(pos.index + 1)];
  pos.cap = cap;
  pos.startAt = 0;
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
