// Deleted-issue detection (no Jira API reports deletions in incremental mode): after the issues of the window, an
// id-only sweep of the whole scope (`fields=id`, 5,000 per page) yields one census page; its load deactivates the
// scope's work items Jira no longer returns (deleted, or moved out of the project / base JQL) and reactivates those
// it returns again, and asks the embed stage to bring their vectors in step (a deactivated item's point is
// deleted). Projects the token can no longer see are left out of the sweep: losing Browse permission looks exactly
// like deletion, and must not deactivate a whole project: the sweep covers the configured projects this run's first
// step actually received (read from its raw pages, so the census costs no extra project request).
import { deploymentType } from "../client/dc_search.ts";
import { dcAllIssueIds } from "./extract_issues_dc.ts";
import type { ExtractContext, ExtractedPage } from "../../../connector.ts";
import type { JiraClient } from "../client/client.ts";
import { buildIssueJql } from "../client/jql.ts";
import type { JiraSettings } from "../settings.ts";
import type { Scope } from "../../common/db_util.ts";

export const CENSUS_KIND = "jira_issue_census";

export interface CensusRecord {
  /** Projects that were visible and swept. */
  projectKeys: string[];
  /** Ids of every issue in the scope. */
  ids: string[];
}

/** Keys of the projects this run's first step received. */
async function visibleProjects(ctx: ExtractContext, projectsKind: string): Promise<Set<string>> {
  const rows = await ctx.db.query<{ key: string }>(
    `SELECT DISTINCT p ->> 'key' AS key FROM raw_extraction_data r,
            jsonb_array_elements(CASE WHEN jsonb_typeof(r.payload) = 'array' THEN r.payload
                                      ELSE coalesce(r.payload -> 'records', '[]'::jsonb) END) p
      WHERE r.run_id = $1 AND r.kind = $2`,
    [ctx.run.runId, projectsKind],
  );
  return new Set(rows.map((r) => r.key));
}

export async function* extractCensus(
  client: JiraClient,
  settings: JiraSettings,
  ctx: ExtractContext,
  projectsKind: string,
): AsyncGenerator<ExtractedPage> {
  const seen = await visibleProjects(ctx, projectsKind);
  const visible = settings.projectKeys.filter((k) => seen.has(k));
  const signal = ctx.signal;
  if (visible.length > 0) {
    const jql = buildIssueJql({ projectKeys: visible, baseJql: settings.baseJql });
    const ids: string[] = [];
    if ((await deploymentType(client, signal)) !== "Cloud") {
      // Data Center / Server: no /search/jql; startAt search by windows under its startAt cap
      const timeZone = settings.timeZone ?? (await client.myself()).timeZone ?? "UTC";
      const cap = settings.pageSizes.dcStartAtCap ?? 10_000;
      ids.push(
        ...await dcAllIssueIds(client, {
          projectKeys: visible,
          baseJql: settings.baseJql,
          timeZone,
          pageSize: 100,
          cap,
          signal,
        }),
      );
    } else {
      for await (const page of client.searchIssues({ jql, fields: ["id"], expand: "", maxResults: 5000, signal })) {
        for (const issue of page.issues) ids.push(String(issue.id));
      }
    }
    const record: CensusRecord = { projectKeys: visible, ids };
    yield { kind: CENSUS_KIND, records: [record], checkpoint: { done: true, censusDone: true } };
  }
}

/** Deactivates the swept projects' items missing from the census, reactivates listed ones; returns changed ids. */
export async function loadCensus(scope: Scope, records: CensusRecord[]): Promise<number[]> {
  const changed: number[] = [];
  for (const r of records) {
    const rows = await scope.tx.query<{ id: number }>(
      `UPDATE work_items wi SET active = NOT wi.active, updated_at = now()
         FROM projects p
        WHERE wi.tenant_id = $1 AND wi.integration_id = $2 AND p.id = wi.project_id AND p.key = ANY($3::text[])
          AND wi.active <> (wi.external_id = ANY($4::text[]))
        RETURNING wi.id`,
      [scope.tenantId, scope.integrationId, r.projectKeys, r.ids],
    );
    changed.push(...rows.map((x) => Number(x.id)));
  }
  return changed.sort((a, b) => a - b);
}
