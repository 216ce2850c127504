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
  if (!jql) {
    const timeZone = settings.timeZone ?? (await client.myself()).timeZone ?? "UTC";
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

  let position: IssueCheckpoint = { jql, pageToken: checkpoint?.pageToken, searchDone: checkpoint?.searchDone };
  const at = (pending: JiraIssue[], searchDone = position.searchDone): IssueCheckpoint =>
    searchDone && pending.length === 0
      ? { jql: jql!, done: true }
      : { ...position, searchDone, pending: pending.map((i) => String(i.id)) };

  // a resumed run first re-reads the issues whose completion was interrupted
  const waiting = (checkpoint?.pending ?? []).filter((id) => /^\d+$/.test(id));
  if (waiting.length) {
    const again: JiraIssue[] = [];
    for await (const page of search(`id IN (${waiting.join(", ")})`)) again.push(...page.issues);
    for (const issue of again) pruneHistories(issue, wanted);
    // issues deleted since are simply gone; an empty result needs no page
    if (again.length) yield { kind: ISSUES_KIND, records: await complete(again), checkpoint: at([]) };
  }
  if (position.searchDone) return;

  let pending: JiraIssue[] = [];
  let scanned = 0;
  for await (const page of search(jql, position.pageToken)) {
    position = page.checkpoint ? { jql, pageToken: page.checkpoint.pageToken } : { jql, searchDone: true };
    for (const issue of page.issues) {
      pruneHistories(issue, wanted);
      if (isChangelogTruncated(issue)) pending.push(issue);
    }
    scanned += page.issues.length;
    const last = !page.checkpoint;
    if (page.issues.length) yield { kind: ISSUES_KIND, records: page.issues, checkpoint: at(pending) };
    if (pending.length && (last || scanned >= COMPLETE_EVERY || pending.length >= COMPLETE_EVERY)) {
      const completed = await complete(pending);
      pending = [];
      scanned = 0;
      yield { kind: ISSUES_KIND, records: completed, checkpoint: at(pending) };
    }
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
