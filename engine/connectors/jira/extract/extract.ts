// Extraction of the Jira steps other than issues. Every page carries the position after it, so the engine can
// resume a parked or crashed run there; `{ done: true }` marks a step whose last page was produced.
//
// Steps 4 and 5 work on what step 3 loaded (ExtractContext.db): the issues of this run's window that have
// development information, and the boards/sprints those issues belong to.
import type { Queryable } from "../../../../db/port.ts";
import type { ExtractedPage, RunInfo } from "../../../connector.ts";
import { SourceRequestError } from "../../../http/errors.ts";
import { log } from "../../../../lib/log.ts";
import type { JiraClient } from "../client/client.ts";
import { JiraConfigError, type JiraSettings } from "../settings.ts";
import type { DevStatusRecord } from "../load/dev_status.ts";
import { REPORT_LISTS, slimSprintReport, type SprintReportRecord } from "../load/load_sprints.ts";
import { parseSprintField } from "../derived/sprint_history.ts";

export const KINDS = {
  projects: "jira_projects",
  statuses: "jira_project_statuses",
  devStatus: "jira_dev_status",
  boardSprints: "jira_board_sprints",
  sprintReports: "jira_sprint_reports",
  linkTypes: "jira_link_types",
} as const;

type Checkpoint = Record<string, unknown> | null;

export function requireProjectKeys(settings: JiraSettings): string[] {
  if (settings.projectKeys.length === 0) {
    throw new JiraConfigError("settings.projectKeys is empty: configure the Jira projects this integration syncs");
  }
  return settings.projectKeys;
}

export async function* extractProjects(
  client: JiraClient,
  settings: JiraSettings,
  checkpoint: Checkpoint,
): AsyncGenerator<ExtractedPage> {
  if (checkpoint?.done) return;
  const keys = settings.projectKeys.length ? settings.projectKeys : undefined;
  const found = new Set<string>();
  const resume = checkpoint?.resume as { chunk: number; startAt: number } | undefined;
  for await (const page of client.projects(keys, resume)) {
    for (const p of page.projects) found.add(p.key);
    const next = page.checkpoint ? { resume: page.checkpoint } : { done: true };
    if (page.projects.length) yield { kind: KINDS.projects, records: page.projects, checkpoint: next };
  }
  const missing = (keys ?? []).filter((k) => !found.has(k));
  // archived, no permission or a typo: the run continues with what exists, the operator sees the names
  if (missing.length && !resume) log.warn("jira project keys not returned by Jira", { missing });
}

export async function* extractProjectStatuses(
  client: JiraClient,
  settings: JiraSettings,
  checkpoint: Checkpoint,
): AsyncGenerator<ExtractedPage> {
  if (checkpoint?.done) return;
  const keys = requireProjectKeys(settings);
  for (let i = Number(checkpoint?.next ?? 0); i < keys.length; i++) {
    const next = { next: i + 1 };
    try {
      const issueTypes = await client.projectStatuses(keys[i]);
      yield {
        kind: KINDS.statuses,
        records: [{ projectKey: keys[i], issueTypes }],
        checkpoint: next,
        externalId: keys[i],
      };
    } catch (e) {
      if (!(e instanceof SourceRequestError) || e.status !== 404) throw e;
      log.warn("jira project not found; its statuses are skipped", { project: keys[i], error: e.message });
    }
  }
  // the link types close the step (issue links name them)
  try {
    yield { kind: KINDS.linkTypes, records: await client.issueLinkTypes(), checkpoint: { done: true } };
  } catch (e) {
    // issue linking disabled on the site answers 404: links are then simply absent
    if (!(e instanceof SourceRequestError) || e.status !== 404) throw e;
    log.warn("jira issue link types unavailable", { error: e.message });
  }
}

/** Lower bound used to pick what step 3 loaded: JQL dates are floored to the minute, so is this. */
function windowStart(run: RunInfo): Date | null {
  return run.windowFrom ? new Date(Math.floor(run.windowFrom.getTime() / 60_000) * 60_000) : null;
}

export async function* extractDevStatus(
  client: JiraClient,
  settings: JiraSettings,
  db: Queryable,
  run: RunInfo,
  checkpoint: Checkpoint,
): AsyncGenerator<ExtractedPage> {
  if (checkpoint?.done) return;
  const perPage = settings.pageSizes.devStatusPerPage ?? 50;
  let afterId = Number(checkpoint?.afterId ?? 0);
  while (true) {
    // only items whose development summary changed since the panel was last read for them (or never read)
    const items = await db.query<{ id: number; external_id: string; key: string; summary: string | null }>(
      `SELECT wi.id, wi.external_id, wi.key, d.summary FROM work_items wi
         LEFT JOIN jira_dev_summaries d ON d.work_item_id = wi.id
        WHERE wi.tenant_id = $1 AND wi.integration_id = $2 AND wi.active AND wi.development AND wi.id > $3
          AND wi.source_updated_at < $4
          AND (d.work_item_id IS NULL OR d.summary IS DISTINCT FROM d.fetched_summary)
        ORDER BY wi.id LIMIT $5`,
      [run.tenantId, run.integrationId, afterId, run.windowTo, perPage],
    );
    if (items.length === 0) return;
    const records: DevStatusRecord[] = [];
    for (const item of items) {
      for (const applicationType of settings.devStatusApplicationTypes) {
        try {
          const detail = await client.devStatus(item.external_id, { applicationType });
          records.push({
            issueId: item.external_id,
            issueKey: item.key,
            applicationType,
            detail,
            summary: item.summary,
          });
        } catch (e) {
          // a single issue's panel failing (deleted issue, unknown app type) is recorded, the rest continues;
          // auth, rate-limit and outage errors stop the step so the engine can park or fail the run
          if (!(e instanceof SourceRequestError)) throw e;
          records.push({
            issueId: item.external_id,
            issueKey: item.key,
            applicationType,
            error: e.message,
            summary: item.summary,
          });
          log.warn("jira dev-status unavailable for an issue", { issue: item.key, applicationType, error: e.message });
        }
      }
    }
    afterId = Number(items[items.length - 1].id);
    const last = items.length < perPage;
    yield { kind: KINDS.devStatus, records, checkpoint: last ? { done: true } : { afterId } };
    if (last) return;
  }
}

interface SprintPair {
  board_id: string;
  external_id: string;
  state: string | null;
  /** ISO completion date (listing or sprint row). */
  complete_date: string | null;
  /** A closed sprint whose report was loaded while it was closed with this completion date: not asked again. */
  report_current: boolean;
}

/**
 * (board, sprint, state) of every sprint the run's window of issues is or was in. Sprints this run's board
 * listings named (raw pages of this run) take board, state and completion date from the listing; the rest from
 * the sprint rows.
 */
async function sprintPairs(db: Queryable, run: RunInfo): Promise<SprintPair[]> {
  return await db.query<SprintPair>(
    `WITH listed AS (
       SELECT DISTINCT ON (e->>'id') e->>'id' AS id, e->>'boardId' AS board_id, e->>'state' AS state,
              (e->>'completeDate')::timestamptz AS complete_date
         FROM raw_extraction_data r CROSS JOIN LATERAL jsonb_array_elements(r.payload) e
        WHERE r.tenant_id = $1 AND r.integration_id = $2 AND r.run_id = $5 AND r.kind = '${KINDS.boardSprints}'
        ORDER BY e->>'id', r.id DESC),
     pairs AS (
       SELECT DISTINCT coalesce(l.board_id, s.board_id) AS board_id, s.external_id,
              CASE WHEN l.id IS NULL THEN s.state ELSE l.state END AS state,
              CASE WHEN l.id IS NULL THEN s.complete_date ELSE l.complete_date END AS complete_date,
              s.report_state, s.report_complete_date
         FROM work_items_sprints ws
         JOIN sprints s ON s.id = ws.sprint_id JOIN work_items wi ON wi.id = ws.work_item_id
         LEFT JOIN listed l ON l.id = s.external_id
        WHERE wi.tenant_id = $1 AND wi.integration_id = $2 AND coalesce(l.board_id, s.board_id) IS NOT NULL
          AND ($3::timestamptz IS NULL OR wi.source_updated_at >= $3) AND wi.source_updated_at < $4)
     SELECT board_id, external_id, state,
            to_char(complete_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS complete_date,
            (state = 'closed' AND report_state = 'closed'
              AND report_complete_date IS NOT DISTINCT FROM complete_date) AS report_current
       FROM pairs`,
    [run.tenantId, run.integrationId, windowStart(run), run.windowTo, run.runId],
  );
}

const REPORTS_PER_PAGE = 10;
const REPORT_ENTRIES_PER_PAGE = 1000;

function reportEntries(report: SprintReportRecord["report"]): number {
  const c = report?.contents as Record<string, unknown[] | undefined> | undefined;
  if (!c) return 0;
  return REPORT_LISTS.reduce((n, k) => n + (Array.isArray(c[k]) ? c[k]!.length : 0), 0);
}

export async function* extractSprints(
  client: JiraClient,
  db: Queryable,
  run: RunInfo,
  checkpoint: Checkpoint,
): AsyncGenerator<ExtractedPage> {
  if (checkpoint?.done) return;
  const byNumber = (a: string, b: string) => (Number(a) - Number(b)) || a.localeCompare(b);
  // the board list is fixed when the step starts: a resumed chunk must walk the same boards by index
  const boards = Array.isArray(checkpoint?.boards)
    ? (checkpoint.boards as string[])
    : [...new Set((await sprintPairs(db, run)).map((p) => p.board_id))].sort(byNumber);
  // phase 1: every sprint of every touched board (names, dates, states, new sprints)
  let boardIndex = checkpoint?.phase === "reports" ? boards.length : Number(checkpoint?.board ?? 0);
  for (; boardIndex < boards.length; boardIndex++) {
    const board = boards[boardIndex];
    const resume = checkpoint?.board === boardIndex && checkpoint?.startAt !== undefined
      ? { startAt: Number(checkpoint.startAt) }
      : undefined;
    try {
      for await (const page of client.boardSprints(board, resume)) {
        const records = parseSprintField(page.sprints.map((s) => ({ ...s, boardId: s.originBoardId ?? board })));
        const next = page.checkpoint
          ? { phase: "boards", boards, board: boardIndex, startAt: page.checkpoint.startAt }
          : { phase: "boards", boards, board: boardIndex + 1 };
        if (records.length) yield { kind: KINDS.boardSprints, records, checkpoint: next, externalId: board };
      }
    } catch (e) {
      // kanban boards have no sprints (400); a deleted board 404s — neither stops the other boards
      if (!(e instanceof SourceRequestError)) throw e;
      log.warn("jira board sprints unavailable", { board, error: e.message });
    }
  }

  // phase 2: sprint reports of the (board, sprint) pairs this run's issues touched; future sprints have none. The
  // pairs are read once phase 1's pages are all stored, with what those pages say (board, state) taking precedence
  // over the sprint rows, whose transform may still be in flight: the same pairs however the step was chunked.
  // A closed sprint's report does not change once read: only active sprints and newly closed ones are asked for.
  const pairs = await sprintPairs(db, run);
  const reportable = pairs.filter((p) => p.state !== "future" && !p.report_current)
    .sort((a, b) => byNumber(a.board_id, b.board_id) || byNumber(a.external_id, b.external_id));
  // resume strictly after the last reported pair (by order, so a pair list that grew since still resumes right)
  const after = checkpoint?.phase === "reports" ? String(checkpoint.after).split(":") : null;
  let start = after
    ? reportable.findIndex((p) => (byNumber(p.board_id, after[0]) || byNumber(p.external_id, after[1])) > 0)
    : 0;
  if (start < 0) start = reportable.length;
  // a page holds up to 10 reports, fewer when they are big (a large sprint lists thousands of issues)
  let records: SprintReportRecord[] = [];
  let entries = 0;
  for (let i = start; i < reportable.length; i++) {
    const p = reportable[i];
    let report: SprintReportRecord["report"] = null;
    let unavailable: number | undefined;
    try {
      report = slimSprintReport(await client.sprintReport(p.board_id, p.external_id));
    } catch (e) {
      if (!(e instanceof SourceRequestError)) throw e;
      unavailable = e.status;
      log.warn("jira sprint report unavailable", { board: p.board_id, sprint: p.external_id, error: e.message });
    }
    // the raw page keeps which reports failed: the job details list the boards whose reports answered 404
    records.push({
      boardId: p.board_id,
      sprintId: p.external_id,
      state: p.state,
      completeDate: p.complete_date,
      report,
      ...(unavailable ? { unavailable } : {}),
    });
    entries += reportEntries(report);
    const last = i === reportable.length - 1;
    if (last || records.length >= REPORTS_PER_PAGE || entries >= REPORT_ENTRIES_PER_PAGE) {
      yield {
        kind: KINDS.sprintReports,
        records,
        checkpoint: last ? { done: true } : { phase: "reports", after: `${p.board_id}:${p.external_id}` },
      };
      records = [];
      entries = 0;
    }
  }
}
