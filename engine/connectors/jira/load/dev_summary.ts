// The development field of each loaded issue (a summary of its branches, commits and pull requests that Jira
// updates whenever any of them changes), kept beside the summary the development panel was last read at: step 4
// reads the panel only where the two differ, so a re-sync of unchanged issues makes no dev-status call.
import { insertMany } from "../../../../db/port.ts";
import type { Scope } from "../../common/db_util.ts";
import type { PreparedIssue } from "./issue_row.ts";

/** The field's value as comparable text (Cloud sends a string; anything else is compared as JSON). */
export function devSummaryText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Stores the development field of a page's issues (written only when it changed). */
export async function storeDevSummaries(
  scope: Scope,
  issues: PreparedIssue[],
  itemIds: Map<string, number>,
  fieldId: string,
): Promise<number> {
  const rows = issues.flatMap(({ issue, fields }) => {
    const workItemId = itemIds.get(String(issue.id));
    if (workItemId === undefined) return [];
    const summary = devSummaryText(fields[fieldId]);
    return [{ work_item_id: workItemId, tenant_id: scope.tenantId, integration_id: scope.integrationId, summary }];
  });
  const written = await insertMany(scope.tx, "jira_dev_summaries", rows, {
    columns: ["work_item_id", "tenant_id", "integration_id", "summary"],
    onConflict: `ON CONFLICT (work_item_id) DO UPDATE SET summary = EXCLUDED.summary
      WHERE jira_dev_summaries.summary IS DISTINCT FROM EXCLUDED.summary`,
    returning: "work_item_id",
  });
  return written.length;
}

/** Records that the panel was read for these items at the summary extraction saw (work item external id → text). */
export async function markDevFetched(scope: Scope, fetched: Array<{ issueId: string; summary: string | null }>) {
  if (fetched.length === 0) return;
  await scope.tx.query(
    `UPDATE jira_dev_summaries d SET fetched_summary = f.summary
       FROM jsonb_to_recordset($3::jsonb) f(id text, summary text), work_items w
      WHERE w.tenant_id = $1 AND w.integration_id = $2 AND w.external_id = f.id AND d.work_item_id = w.id
        AND d.fetched_summary IS DISTINCT FROM f.summary`,
    [scope.tenantId, scope.integrationId, JSON.stringify(fetched.map((f) => ({ id: f.issueId, summary: f.summary })))],
  );
}
