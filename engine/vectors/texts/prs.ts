// Text of a pull request: repository and number, title, state, branches, labels, a summary of its commits (the
// first line of each distinct commit message, oldest first, at most MAX_COMMITS of them), and the body last — the
// body is cut before anything else when the text is too long.
import type { Queryable } from "../../../db/port.ts";
import type { EmbedDoc } from "../../connector.ts";
import { compose } from "./compose.ts";

export const MAX_COMMITS = 30;

export interface PrTextRow {
  id: number;
  integration_id: number;
  repository: string | null;
  number: number;
  title: string | null;
  body: string | null;
  state: string | null;
  source_branch?: string | null;
  target_branch?: string | null;
  labels?: string[] | null;
  /** Commit messages, oldest first. */
  messages: string[] | null;
}

/** First lines of distinct commit messages; merge commits say nothing about the change and are left out. */
export function commitSummary(messages: string[]): string[] {
  const seen = new Set<string>();
  for (const m of messages) {
    const line = (m ?? "").split("\n")[0].trim();
    if (line === "" || /^Merge (branch|pull request|remote-tracking branch) /i.test(line)) continue;
    seen.add(line);
    if (seen.size >= MAX_COMMITS) break;
  }
  return [...seen];
}

export function prText(r: PrTextRow): string {
  return compose([
    ["Pull Request", r.repository ? `${r.repository}#${r.number}` : `#${r.number}`],
    ["Title", r.title],
    ["State", r.state],
    ["Branch", r.source_branch],
    ["Target", r.target_branch],
    ["Labels", r.labels],
    ["Commits", commitSummary(r.messages ?? []).join("; ")],
    ["Description", r.body],
  ]);
}

/** Texts of the tenant's active pull requests among `ids`. */
export async function prTexts(q: Queryable, tenantId: number, ids: number[]): Promise<EmbedDoc[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<PrTextRow>(
    `SELECT p.id, p.integration_id, r.full_name AS repository, p.number, p.title, p.body, p.state, p.source_branch,
            p.target_branch, p.labels,
            (SELECT array_agg(c.message ORDER BY c.committed_at NULLS LAST, c.id) FROM prs_commits c
              WHERE c.pr_id = p.id AND c.active) AS messages
       FROM prs p LEFT JOIN repositories r ON r.id = p.repository_id
      WHERE p.tenant_id = $1 AND p.id = ANY($2::bigint[]) AND p.active`,
    [tenantId, ids],
  );
  return rows.map((r) => ({
    table: "prs",
    id: Number(r.id),
    integrationId: Number(r.integration_id),
    text: prText(r),
  }));
}
