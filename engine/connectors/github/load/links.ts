// Transform + load of step 3: Jira keys named in a PR's title, body, head branch and commit messages (case
// folded: branches are often lower case) are derived from the stored rows into prs.jira_keys, and every key that
// names a stored work item of the tenant becomes a work_items_prs_links row of this integration, keyed like the
// Jira development panel's links — (work item, repository id, PR number) — with the branch, the head commit and a
// status in the panel's vocabulary (OPEN / MERGED / DECLINED), so both sources agree. Links of these PRs that no
// longer hold are deactivated.
import { idsByExternalId, type Scope } from "../../common/db_util.ts";

/** A Jira issue key: project key (letter, then letters/digits/_), dash, number. */
export const JIRA_KEY_PATTERN = "\\m([A-Za-z][A-Za-z0-9_]+-[1-9][0-9]*)\\M";

/**
 * $1: the PR row ids. They come as an array parameter, not from a CTE over external ids: with a CTE the planner
 * cannot tell how few commits belong to 500 PRs, hash-joins a sequential scan of every commit of the tenant, and the
 * plan's cost switches JIT compilation on — seconds per page at 10,000 PRs for what takes milliseconds.
 */
export const KEYS_SQL = `
WITH texts AS (
  SELECT p.id, concat_ws(E'\\n', p.title, p.body, p.source_branch) AS t FROM prs p WHERE p.id = ANY($1::bigint[])
  UNION ALL SELECT c.pr_id, c.message FROM prs_commits c WHERE c.pr_id = ANY($1::bigint[]) AND c.active
), keys AS (
  SELECT t.id, array_agg(DISTINCT upper(m[1]) ORDER BY upper(m[1])) AS k
    FROM texts t, regexp_matches(t.t, '${JIRA_KEY_PATTERN}', 'g') AS m
   WHERE t.t IS NOT NULL GROUP BY t.id
)
UPDATE prs p SET jira_keys = coalesce(keys.k, '{}'), updated_at = now()
  FROM unnest($1::bigint[]) AS ids(id) LEFT JOIN keys ON keys.id = ids.id
 WHERE p.id = ids.id AND p.jira_keys IS DISTINCT FROM coalesce(keys.k, '{}')
RETURNING p.id`;

const LINKS = `
WITH wanted AS (
  SELECT DISTINCT ON (w.id, r.external_id, p.number)
         p.tenant_id, p.integration_id, w.id AS work_item_id, r.external_id AS external_repo_id,
         r.full_name AS repo_full_name, p.number AS pr_number, p.url AS pr_url, p.source_branch AS branch,
         (SELECT c.external_id FROM prs_commits c WHERE c.pr_id = p.id AND c.active
           ORDER BY c.committed_at DESC NULLS LAST, c.external_id DESC LIMIT 1) AS commit_sha,
         CASE p.state WHEN 'CLOSED' THEN 'DECLINED' ELSE p.state END AS status
    FROM prs p JOIN repositories r ON r.id = p.repository_id
   CROSS JOIN unnest(p.jira_keys) AS k(key)
    JOIN work_items w ON w.tenant_id = p.tenant_id AND w.key = k.key AND w.active
   WHERE p.tenant_id = $1 AND p.integration_id = $2 AND p.external_id = ANY($3::text[]) AND p.active
   ORDER BY w.id, r.external_id, p.number
), upserted AS (
  INSERT INTO work_items_prs_links (tenant_id, integration_id, work_item_id, external_repo_id, repo_full_name,
                                    pr_number, pr_url, branch, commit_sha, status, active)
  SELECT tenant_id, integration_id, work_item_id, external_repo_id, repo_full_name, pr_number, pr_url, branch,
         commit_sha, status, true FROM wanted
  ON CONFLICT (tenant_id, integration_id, work_item_id, external_repo_id, pr_number) DO UPDATE SET
    repo_full_name = EXCLUDED.repo_full_name, pr_url = EXCLUDED.pr_url, branch = EXCLUDED.branch,
    commit_sha = EXCLUDED.commit_sha, status = EXCLUDED.status, active = true, updated_at = now()
  WHERE (work_items_prs_links.repo_full_name, work_items_prs_links.pr_url, work_items_prs_links.branch,
         work_items_prs_links.commit_sha, work_items_prs_links.status, work_items_prs_links.active)
        IS DISTINCT FROM (EXCLUDED.repo_full_name, EXCLUDED.pr_url, EXCLUDED.branch, EXCLUDED.commit_sha,
                          EXCLUDED.status, true)
  RETURNING id
), gone AS (
  UPDATE work_items_prs_links l SET active = false, updated_at = now()
    FROM prs p JOIN repositories r ON r.id = p.repository_id
   WHERE p.tenant_id = $1 AND p.integration_id = $2 AND p.external_id = ANY($3::text[])
     AND l.tenant_id = $1 AND l.integration_id = $2 AND l.active
     AND l.external_repo_id = r.external_id AND l.pr_number = p.number
     AND NOT EXISTS (SELECT 1 FROM wanted x WHERE x.work_item_id = l.work_item_id
                      AND x.external_repo_id = l.external_repo_id AND x.pr_number = l.pr_number)
  RETURNING l.id
)
SELECT (SELECT count(*) FROM upserted)::int + (SELECT count(*) FROM gone)::int AS n`;

export async function loadLinks(scope: Scope, prExternalIds: string[]) {
  if (prExternalIds.length === 0) return { rows: 0 };
  const params = [scope.tenantId, scope.integrationId, prExternalIds];
  const ids = await idsByExternalId(scope, "prs", prExternalIds);
  const keys = await scope.tx.query(KEYS_SQL, [[...ids.values()]]);
  const [links] = await scope.tx.query<{ n: number }>(LINKS, params);
  return { rows: keys.length + Number(links.n) };
}
