// Step 3: which pull requests to (re)link to Jira work items — read from what step 2 stored, no API call. The PRs
// of this run's window, plus older PRs naming a Jira key whose work item appeared since the last run (Jira synced
// after GitHub), in pages of PR node ids; the load derives the keys and the links from the stored rows. Each page
// states the step's records: those yielded before it (kept in the checkpoint) plus the candidates from it on.
import type { Queryable } from "../../../../db/port.ts";
import type { ExtractedPage, RunInfo } from "../../../connector.ts";

export const LINK_KIND = "github_pr_links";
const PER_PAGE = 500;

export interface LinkCheckpoint {
  done?: true;
  afterId?: number;
  /** PR ids yielded before this position. */
  yielded?: number;
}

export async function* extractLinkCandidates(
  db: Queryable,
  run: RunInfo,
  checkpoint: LinkCheckpoint | null,
): AsyncGenerator<ExtractedPage> {
  if (checkpoint?.done) return;
  let afterId = checkpoint?.afterId ?? 0;
  let yielded = checkpoint?.yielded ?? 0;
  while (true) {
    // the window count is taken before LIMIT: every candidate from this position on
    const rows = await db.query<{ id: number; external_id: string; remaining: number }>(
      `SELECT p.id, p.external_id, (count(*) OVER ())::int AS remaining FROM prs p
        WHERE p.tenant_id = $1 AND p.integration_id = $2 AND p.id > $3
          AND ($4::timestamptz IS NULL OR p.pr_updated_at >= $4 OR p.jira_keys && (
                SELECT coalesce(array_agg(w.key), '{}') FROM work_items w
                 WHERE w.tenant_id = $1 AND w.created_at >= $4 AND w.active))
        ORDER BY p.id LIMIT $5`,
      [run.tenantId, run.integrationId, afterId, run.windowFrom, PER_PAGE],
    );
    if (rows.length === 0) return;
    afterId = Number(rows[rows.length - 1].id);
    const expectedRecords = yielded + Number(rows[0].remaining);
    yielded += rows.length;
    const last = rows.length < PER_PAGE;
    yield {
      kind: LINK_KIND,
      records: rows.map((r) => r.external_id),
      checkpoint: last ? { done: true } : { afterId, yielded },
      expectedRecords,
    };
    if (last) return;
  }
}
