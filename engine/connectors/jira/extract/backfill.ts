// Back-fill of newly mapped custom fields (issue #12): search asks Jira only for the fields mapped at the time, so a
// field mapped later is in no stored page. Instead of a full re-sync, a back-fill run lists the ids of the scope
// (ids-only search, 5,000 per page) and fetches just those fields for them (POST /issue/bulkfetch with
// `fields=<the fields>`, 100 per request): about 10 requests per 1,000 items. Its load writes those columns only.
import type { ExtractedPage } from "../../../connector.ts";
import type { JiraClient } from "../client/client.ts";
import { buildIssueJql } from "../client/jql.ts";
import type { JiraSettings } from "../settings.ts";

export const BACKFILL_KIND = "jira_field_backfill";

export interface BackfillRecord {
  id: string;
  fields: Record<string, unknown>;
}

export interface BackfillCheckpoint {
  pageToken?: string;
  done?: boolean;
}

/** The field ids a back-fill run was started with (validated by the API; anything else is ignored). */
export function backfillFields(params: Record<string, unknown> | null | undefined): string[] {
  const fields = params?.fields;
  return Array.isArray(fields) ? fields.filter((f): f is string => typeof f === "string" && f !== "") : [];
}

export async function* extractBackfill(
  client: JiraClient,
  settings: JiraSettings,
  fields: string[],
  checkpoint: BackfillCheckpoint | null,
  signal?: AbortSignal,
): AsyncGenerator<ExtractedPage> {
  if (checkpoint?.done || fields.length === 0) return;
  const jql = buildIssueJql({ projectKeys: settings.projectKeys, baseJql: settings.baseJql });
  const pages = client.searchIssues({
    jql,
    fields: ["id"],
    expand: "",
    maxResults: 5000,
    pageToken: checkpoint?.pageToken,
    signal,
  });
  for await (const page of pages) {
    const ids = page.issues.map((i) => String(i.id));
    const issues = ids.length ? await client.bulkFetchIssues(ids, fields, signal) : [];
    // every requested field is named in every record (null when Jira left it out), so a stored page says by itself
    // which fields it back-fills — a re-transform replays it without the run's parameters
    const records: BackfillRecord[] = issues.map((i) => ({
      id: String(i.id),
      fields: Object.fromEntries(fields.map((f) => [f, i.fields?.[f] ?? null])),
    }));
    yield {
      kind: BACKFILL_KIND,
      records,
      checkpoint: page.checkpoint ? { pageToken: page.checkpoint.pageToken } : { done: true },
    };
  }
}
