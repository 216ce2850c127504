// Step 3 extraction: every issue of the window, every page (rules 4–6), with complete status/sprint/story-point
// histories. Search embeds only the most recent histories of an issue, so issues whose changelog is truncated are
// completed with changelog bulkfetch — one request for up to 1,000 of them instead of one per issue or per page:
// - each search page is yielded at once (pruned to the history items the loaders read) with its checkpoint;
// - its truncated issues are kept aside (only they: a few percent) and, every ~1,000 scanned issues or at the end,
//   their full changelogs are fetched and they are yielded again, complete; the load merges the full history
//   with what the first pass stored and recomputes timings and metrics;
// - the checkpoint names the truncated issues still waiting, so a resume re-reads exactly those (by id) first.
import type { ExtractedPage } from "../../../connector.ts";
import type { JiraClient } from "../client/client.ts";
import type { JiraHistory, JiraIssue } from "../client/types.ts";
import { buildIssueJql } from "../client/jql.ts";
import { changelogFields, type FieldMapping, searchFields } from "../load/field_mapping.ts";
import type { JiraSettings } from "../settings.ts";
import { isChangelogTruncated } from "../client/changelog.ts";
import { SourceRequestError } from "../../../http/errors.ts";
import { log } from "../../../../lib/log.ts";
import { deploymentType, rememberDeployment } from "../client/dc_search.ts";
import { dcIssuePages, type DcPosition, planWindows } from "./extract_issues_dc.ts";

export const ISSUES_KIND = "jira_issues";
/** Issues scanned (or truncated ones waiting) before the waiting changelogs are fetched in one bulk request. */
export const COMPLETE_EVERY = 1000;

export interface IssueCheckpoint {
  jql: string;
  /** Search position after the last yielded page (absent = first page). */
  pageToken?: string;
  /** The search is exhausted; only `pending` may remain. */
  searchDone?: boolean;
  /** Ids of issues yielded with a truncated changelog whose full history has not been yielded yet. */
  pending?: string[];
  done?: boolean;
  /** Jira's approximate count for the JQL, asked once per run (null: the source could not say). */
  estimate?: number | null;
  /** Data Center / Server: startAt paging by windows (absent on Cloud). */
  dc?: DcPosition;
  /** Issues the search has yielded so far, and issues yielded again once their changelog was complete. */
  scanned?: number;
  again?: number;
}

export interface IssueWindow {
  from: Date | null;
  to: Date;
}

export async function* extractIssues(
  client: JiraClient,
  settings: JiraSettings,
  mapping: FieldMapping,
  window: IssueWindow,
  checkpoint: IssueCheckpoint | null,
  signal?: AbortSignal,
): AsyncGenerator<ExtractedPage> {
  if (checkpoint?.done) return;
  let jql = checkpoint?.jql;
  let zone = settings.timeZone;
  const userTimeZone = async () => zone ??= (await client.myself()).timeZone ?? "UTC";
  if (!jql) {
    const timeZone = await userTimeZone();
    jql = buildIssueJql({
      projectKeys: settings.projectKeys,
      baseJql: settings.baseJql,
      updatedFrom: window.from ?? undefined,
      updatedTo: window.to,
      timeZone,
    });
  }
  const fieldIds = changelogFields(mapping);
  const wanted = new Set(fieldIds);
  const fields = searchFields(mapping);
  const search = (query: string, pageToken?: string) =>
    client.searchIssues({
      jql: query,
      fields,
      expand: "changelog",
      pageToken,
      maxResults: settings.pageSizes.search,
      signal,
    });
  const complete = async (issues: JiraIssue[]) =>
    (await client.completeChangelogs(issues, { fieldIds, signal })).issues;

  // Data Center / Server: startAt search by windows (detected once per run; the checkpoint remembers it)
  // Cloud answers the approximate count (asked once per run anyway); only where it does not is /serverInfo asked
  // whether this is Data Center / Server, so a Cloud run costs no extra request
  const counted = checkpoint ? undefined : await countIssues(client, jql, signal);
  const isDc = counted === null && (await deploymentType(client, signal)) !== "Cloud";
  const dcStart = checkpoint ? checkpoint.dc : isDc ? null : undefined;
  if (dcStart !== undefined) {
    client.useDataCenterChangelogs();
    const timeZone = await userTimeZone();
    const q = {
      projectKeys: settings.projectKeys,
      baseJql: settings.baseJql,
      timeZone,
      fields,
      pageSize: Math.min(settings.pageSizes.search ?? 100, 100),
      expand: "changelog",
      cap: settings.pageSizes.dcStartAtCap ?? 10_000,
      complete,
      prune: (issue: JiraIssue) => pruneHistories(issue, wanted),
      signal,
    };
    const start = dcStart ??
      { windows: await planWindows(client, q, window.from, window.to), index: 0, startAt: 0, scanned: 0 };
    for await (const found of dcIssuePages(client, q, start)) {
      const at: IssueCheckpoint = found.position ? { jql, dc: found.position } : { jql, done: true };
      // +1: the census page that follows
      yield { kind: ISSUES_KIND, records: found.issues, checkpoint: at, expectedRecords: found.expected + 1 };
    }
    return;
  }
  const estimate = checkpoint ? checkpoint.estimate ?? null : counted ?? null;
  let position: IssueCheckpoint = { jql, pageToken: checkpoint?.pageToken, searchDone: checkpoint?.searchDone };
  const progress = { scanned: checkpoint?.scanned ?? 0, again: checkpoint?.again ?? 0 };
  const at = (pending: JiraIssue[], searchDone = position.searchDone): IssueCheckpoint =>
    searchDone && pending.length === 0
      ? { jql: jql!, done: true }
      : { ...position, searchDone, pending: pending.map((i) => String(i.id)), estimate, ...progress };
  // records the step will have yielded: the count (or more, while the search goes on), the issues yielded again,
  // the ones waiting to be, and the census page; so the bar neither passes nor reaches 100 % before the end
  const expected = (pending: JiraIssue[], searchDone = position.searchDone) =>
    estimate === null ? undefined : Math.max(estimate, progress.scanned + (searchDone ? 0 : 1)) + progress.again +
      pending.length + 1;
  const page = (records: JiraIssue[], pending: JiraIssue[]): ExtractedPage => ({
    kind: ISSUES_KIND,
    records,
    checkpoint: at(pending),
    expectedRecords: expected(pending),
  });

  // a resumed run first re-reads the issues whose completion was interrupted
  const waiting = (checkpoint?.pending ?? []).filter((id) => /^\d+$/.test(id));
  if (waiting.length) {
    const again: JiraIssue[] = [];
    for await (const page of search(`id IN (${waiting.join(", ")})`)) again.push(...page.issues);
    for (const issue of again) pruneHistories(issue, wanted);
    // issues deleted since are simply gone; an empty result needs no page
    if (again.length) {
      const completed = await complete(again);
      progress.again += completed.length;
      yield page(completed, []);
    }
  }
  if (position.searchDone) return;

  let pending: JiraIssue[] = [];
  let scanned = 0;
  for await (const found of search(jql, position.pageToken)) {
    position = found.checkpoint ? { jql, pageToken: found.checkpoint.pageToken } : { jql, searchDone: true };
    for (const issue of found.issues) {
      pruneHistories(issue, wanted);
      if (isChangelogTruncated(issue)) pending.push(issue);
    }
    scanned += found.issues.length;
    progress.scanned += found.issues.length;
    const last = !found.checkpoint;
    if (found.issues.length) yield page(found.issues, pending);
    if (pending.length && (last || scanned >= COMPLETE_EVERY || pending.length >= COMPLETE_EVERY)) {
      const completed = await complete(pending);
      pending = [];
      scanned = 0;
      progress.again += completed.length;
      yield page(completed, pending);
    }
  }
}

/** Jira's approximate count for the run's JQL, or null where the source cannot say (the estimate is optional). */
async function countIssues(client: JiraClient, jql: string, signal?: AbortSignal): Promise<number | null> {
  try {
    const count = await client.approximateCount(jql, signal);
    rememberDeployment(client, "Cloud");
    return count;
  } catch (e) {
    // an older site without the endpoint, or a JQL it will not count: progress then shows records without a bar
    if (!(e instanceof SourceRequestError)) throw e;
    log.warn("jira approximate count unavailable", { error: e.message });
    return null;
  }
}

/**
 * Drops history items the loaders never read (labels, assignee, … edits): on a large sync they are most of the
 * memory and raw storage. A complete embedded changelog stays complete (its total shrinks with it); a truncated
 * one keeps its total, so it is still recognised and fetched in full.
 */
function pruneHistories(issue: JiraIssue, wanted: Set<string>): void {
  const log = issue.changelog;
  if (!log || !Array.isArray(log.histories)) return;
  const complete = !isChangelogTruncated(issue);
  const kept: JiraHistory[] = [];
  for (const h of log.histories) {
    const items = (h.items ?? []).filter((i) => wanted.has(i.fieldId ?? i.field));
    if (items.length) kept.push(items.length === h.items.length ? h : { ...h, items });
  }
  log.histories = kept;
  if (complete) log.total = kept.length;
}
