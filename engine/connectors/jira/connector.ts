// The Jira connector: five steps (projects & types → statuses & relations → issues & changelogs → development
// status → sprints & reports), each extracting pages with a resume checkpoint and loading them with idempotent
// set-based upserts. The engine drives it; tests drive it through tests/jira/driver.ts; retransform.ts replays raw
// pages through the same `load`.
import type { Connector, ExtractContext, ExtractedPage, LoadContext, LoadResult, StepDef } from "../../connector.ts";
import { JOBS } from "../../../db/seed_data.ts";
import type { Scope } from "../common/db_util.ts";
import { jiraClientFor, type JiraHttpOptions } from "./client/factory.ts";
import { readJiraSettings } from "./settings.ts";
import { loadFieldMapping } from "./load/field_mapping.ts";
import {
  extractDevStatus,
  extractProjects,
  extractProjectStatuses,
  extractSprints,
  KINDS,
  requireProjectKeys,
} from "./extract/extract.ts";
import { extractIssues, type IssueCheckpoint, ISSUES_KIND } from "./extract/extract_issues.ts";
import { loadProjects, loadProjectStatuses, type ProjectStatusesRecord } from "./load/load_metadata.ts";
import { loadIssues } from "./load/load_issues.ts";
import { type JiraLinkType, loadLinkTypes } from "./load/issue_links.ts";
import { type DevStatusRecord, loadDevStatus } from "./load/dev_status.ts";
import { loadBoardSprints, loadSprintReports, type SprintReportRecord } from "./load/load_sprints.ts";
import type { SprintRef } from "./derived/sprint_history.ts";
import type { JiraIssue, JiraProject } from "./client/types.ts";
import { EMBEDDABLE_TABLES, jiraEmbedText } from "./load/embed_text.ts";
import { stripNul } from "../common/sanitize.ts";
import { CENSUS_KIND, type CensusRecord, extractCensus, loadCensus } from "./extract/census.ts";
import { recomputeDerived } from "./load/recompute_derived.ts";
import {
  BACKFILL_KIND,
  type BackfillCheckpoint,
  backfillFields,
  type BackfillRecord,
  extractBackfill,
} from "./extract/backfill.ts";
import { loadBackfill } from "./load/load_backfill.ts";
import { releaseFreeNativeMemory, releaseMemoryBetweenSteps } from "../../../lib/native_heap.ts";

export const JIRA_STEPS: StepDef[] = JOBS.find((j) => j.provider === "jira")!.steps;

export const STEP = {
  projects: "jira_projects_and_issue_types",
  statuses: "jira_statuses_and_relationships",
  issues: "jira_issues_with_changelogs",
  devStatus: "jira_dev_status",
  sprints: "jira_sprint_reports",
} as const;

/** Every raw page kind this connector produces (raw_extraction_data.kind). */
export const JIRA_KINDS = [...Object.values(KINDS), ISSUES_KIND, CENSUS_KIND, BACKFILL_KIND];

export interface JiraConnectorOptions {
  /** HTTP client overrides (tests: no pacing, quick retries). */
  http?: JiraHttpOptions;
}

function embed(entries: Array<[string, number[]]>): LoadResult["embed"] {
  return entries.filter(([table, ids]) => ids.length > 0 && EMBEDDABLE_TABLES.includes(table)).map(([table, ids]) => ({
    table,
    ids,
  }));
}

export function createJiraConnector(options: JiraConnectorOptions = {}): Connector {
  async function* extractStep(step: string, ctx: ExtractContext): AsyncGenerator<ExtractedPage> {
    const settings = readJiraSettings(ctx.integration.settings);
    const client = jiraClientFor(ctx.integration.baseUrl, settings, ctx.integration.credentials, {
      ...options.http,
      addressGuard: ctx.addressGuard,
      beforeSend: () => ctx.beforeRequest(),
    });
    const checkpoint = (ctx.checkpoint ?? null) as Record<string, unknown> | null;
    await releaseMemoryBetweenSteps();
    // a back-fill asks for its fields in the issues step and for nothing else
    if (ctx.run.trigger === "backfill") {
      if (step !== STEP.issues) return;
      const fields = backfillFields(ctx.run.params);
      return yield* extractBackfill(client, settings, fields, checkpoint as BackfillCheckpoint | null, ctx.signal);
    }
    switch (step) {
      case STEP.projects:
        return yield* extractProjects(client, settings, checkpoint);
      case STEP.statuses:
        return yield* extractProjectStatuses(client, settings, checkpoint);
      case STEP.issues: {
        requireProjectKeys(settings);
        const mapping = await loadFieldMapping(ctx.db, ctx.run.tenantId, ctx.run.integrationId);
        const window = { from: ctx.run.windowFrom, to: ctx.run.windowTo };
        if (checkpoint?.censusDone) return;
        // extractIssues yields nothing once its own part is done (a run resumed between the two)
        yield* extractIssues(
          client,
          settings,
          mapping,
          window,
          checkpoint as IssueCheckpoint | null,
          ctx.signal,
        );
        return yield* extractCensus(client, settings, ctx, KINDS.projects);
      }
      case STEP.devStatus:
        return yield* extractDevStatus(client, settings, ctx.db, ctx.run, checkpoint);
      case STEP.sprints:
        return yield* extractSprints(client, ctx.db, ctx.run, checkpoint);
      default:
        throw new Error(`unknown Jira step ${step}`);
    }
  }

  return {
    type: "jira",
    steps: JIRA_STEPS,

    async *extract(step: string, ctx: ExtractContext): AsyncIterable<ExtractedPage> {
      for await (const page of extractStep(step, ctx)) {
        yield { ...page, records: stripNul(page.records) };
        // the page is stored and loaded: what its answer and its statements left free in glibc's heaps is handed
        // back before the next one (at 100,000 issues the sprint reports' steps otherwise grew the heaps by 20 MB)
        releaseFreeNativeMemory();
      }
    },

    async load(_step: string, kind: string, records: unknown[], ctx: LoadContext): Promise<LoadResult> {
      const scope: Scope = { tx: ctx.tx, tenantId: ctx.run.tenantId, integrationId: ctx.integration.id };
      switch (kind) {
        case KINDS.projects: {
          const r = await loadProjects(scope, records as JiraProject[]);
          return { rows: r.rows, embed: embed([["projects", r.projects], ["wits", r.wits]]) };
        }
        case KINDS.statuses: {
          const r = await loadProjectStatuses(scope, records as ProjectStatusesRecord[]);
          return { rows: r.rows, embed: embed([["statuses", r.statuses]]) };
        }
        case KINDS.linkTypes:
          return { rows: await loadLinkTypes(scope, records as JiraLinkType[]) };
        case ISSUES_KIND: {
          const r = await loadIssues(scope, records as JiraIssue[]);
          const tables: Array<[string, number[]]> = [["work_items", r.workItems], ["projects", r.projects], [
            "sprints",
            r.sprints,
          ]];
          return { rows: r.rows, embed: embed(tables) };
        }
        case CENSUS_KIND: {
          // a replay must not apply an old census over newer data: the census state is already in place
          if (ctx.run.trigger === "retransform") return { rows: 0 };
          const changed = await loadCensus(scope, records as CensusRecord[]);
          return { rows: changed.length, embed: embed([["work_items", changed]]) };
        }
        case BACKFILL_KIND: {
          return await loadBackfill(scope, records as BackfillRecord[]);
        }
        case KINDS.devStatus:
          return { rows: (await loadDevStatus(scope, records as DevStatusRecord[])).rows };
        case KINDS.boardSprints: {
          const r = await loadBoardSprints(scope, records as SprintRef[]);
          return { rows: r.written.length, embed: embed([["sprints", r.written]]) };
        }
        case KINDS.sprintReports: {
          const r = await loadSprintReports(scope, records as SprintReportRecord[]);
          return { rows: r.rows, embed: embed([["sprints", r.sprintsWritten]]) };
        }
        default:
          throw new Error(`the Jira connector cannot load records of kind ${kind}`);
      }
    },

    async afterStep(step: string, ctx: LoadContext): Promise<LoadResult> {
      if (step !== STEP.issues) return { rows: 0 };
      const scope: Scope = { tx: ctx.tx, tenantId: ctx.run.tenantId, integrationId: ctx.integration.id };
      // the recompute's own peak starts from what the issue pages left live, not from their uncollected garbage
      // (what it leaves itself is collected when the next step starts)
      await releaseMemoryBetweenSteps();
      return { rows: (await recomputeDerived(scope)).rows };
    },

    embedText: jiraEmbedText,
  };
}

export const jiraConnector: Connector = createJiraConnector();
