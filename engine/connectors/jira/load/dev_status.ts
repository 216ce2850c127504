// Step 4: issue ↔ pull request links from Jira's development panel (rule 13), keyed by (work item, repository id,
// PR number) with branch, last commit and PR state. The panel answer is the full set for an issue, so links that
// disappeared from it are deactivated (deletes propagate, defect §11.1-21).
import { insertMany } from "../../../../db/port.ts";
import type { JiraDevStatusDetail } from "../client/types.ts";
import { conflictClause, dedupeBy, idsByExternalId, type Scope } from "../../common/db_util.ts";
import { markDevFetched } from "./dev_summary.ts";

export interface DevStatusRecord {
  issueId: string;
  issueKey: string;
  applicationType: string;
  detail?: JiraDevStatusDetail;
  /** Why the panel could not be read (the record is kept so the failure is visible, links are left untouched). */
  error?: string;
  /** The issue's development summary when the panel was read (absent in pages stored before it was recorded). */
  summary?: string | null;
}

export interface PrLink {
  externalRepoId: string;
  repoFullName: string | null;
  prNumber: number;
  url: string | null;
  branch: string | null;
  commit: string | null;
  status: string | null;
}

const PR_PATH = /^\/(.+?)\/(?:-\/merge_requests|pull-requests|pulls?)\/(\d+)(?:\/|$)/;

/** One pull request object of the dev-status detail → link, or null when it names no PR number. */
export function parsePullRequest(pr: Record<string, unknown>): PrLink | null {
  const url = typeof pr.url === "string" ? pr.url : null;
  let repo: string | null = null;
  let number: number | null = null;
  if (url) {
    try {
      const m = PR_PATH.exec(new URL(url).pathname);
      if (m) {
        repo = m[1];
        number = Number(m[2]);
      }
    } catch { /* not a URL: fall back to the id */ }
  }
  if (number === null) {
    const id = String(pr.id ?? "").replace(/^#/, "");
    if (/^\d+$/.test(id)) number = Number(id);
  }
  if (number === null) return null;
  const repositoryName = typeof pr.repositoryName === "string" ? pr.repositoryName : null;
  const externalRepoId = pr.repositoryId !== undefined && pr.repositoryId !== null
    ? String(pr.repositoryId)
    : repo ?? repositoryName;
  if (!externalRepoId) return null;
  const source = (pr.source ?? {}) as { branch?: string };
  const lastCommit = (pr.lastCommit ?? {}) as { id?: string };
  return {
    externalRepoId,
    repoFullName: repo ?? repositoryName,
    prNumber: number,
    url,
    branch: source.branch ?? null,
    commit: lastCommit.id ?? null,
    status: typeof pr.status === "string" ? pr.status : null,
  };
}

export function pullRequestsOf(detail: JiraDevStatusDetail | undefined): PrLink[] {
  const out: PrLink[] = [];
  for (const d of detail?.detail ?? []) {
    for (const pr of (d.pullRequests ?? []) as Record<string, unknown>[]) {
      const link = parsePullRequest(pr);
      if (link) out.push(link);
    }
  }
  return out;
}

const UPDATE = ["repo_full_name", "pr_url", "branch", "commit_sha", "status", "active"];

export async function loadDevStatus(scope: Scope, records: DevStatusRecord[]) {
  // an issue counts as read when every application type answered; a failed panel is asked again next time
  const failed = new Set(records.filter((r) => r.error).map((r) => r.issueId));
  await markDevFetched(
    scope,
    dedupeBy(records.filter((r) => !failed.has(r.issueId) && r.summary !== undefined), (r) => r.issueId)
      .map((r) => ({ issueId: r.issueId, summary: r.summary ?? null })),
  );
  const ok = records.filter((r) => !r.error && r.detail);
  if (ok.length === 0) return { rows: 0 };
  const items = await idsByExternalId(scope, "work_items", ok.map((r) => r.issueId));
  const rows = dedupeBy(
    ok.flatMap((r) => {
      const workItemId = items.get(r.issueId);
      if (workItemId === undefined) return [];
      return pullRequestsOf(r.detail).map((l) => ({
        tenant_id: scope.tenantId,
        integration_id: scope.integrationId,
        work_item_id: workItemId,
        external_repo_id: l.externalRepoId,
        repo_full_name: l.repoFullName,
        pr_number: l.prNumber,
        pr_url: l.url,
        branch: l.branch,
        commit_sha: l.commit,
        status: l.status,
        active: true,
      }));
    }),
    (r) => `${r.work_item_id}:${r.external_repo_id}:${r.pr_number}`,
  );
  const key = ["tenant_id", "integration_id", "work_item_id", "external_repo_id", "pr_number"];
  const written = rows.length
    ? await insertMany(scope.tx, "work_items_prs_links", rows, {
      onConflict: conflictClause("work_items_prs_links", key, UPDATE),
      returning: "id",
    })
    : [];
  const answered = ok.map((r) => items.get(r.issueId)).filter((id): id is number => id !== undefined);
  const gone = await scope.tx.query(
    `UPDATE work_items_prs_links l SET active = false, updated_at = now()
      WHERE l.tenant_id = $1 AND l.integration_id = $2 AND l.active AND l.work_item_id = ANY($3::bigint[])
        AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($4::jsonb) k(w bigint, r text, n int)
                         WHERE k.w = l.work_item_id AND k.r = l.external_repo_id AND k.n = l.pr_number)
      RETURNING l.id`,
    [
      scope.tenantId,
      scope.integrationId,
      [...new Set(answered)],
      JSON.stringify(rows.map((r) => ({ w: r.work_item_id, r: r.external_repo_id, n: r.pr_number }))),
    ],
  );
  return { rows: written.length + gone.length };
}
