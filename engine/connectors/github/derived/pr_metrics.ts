// Figures per pull request, recomputed in one statement from the COMPLETE stored rows of the PRs a batch touched
// (never from the page at hand: the old system counted only the first page of commits, defect §11.2-24). The
// caller holds the PR rows locked, so two batches of one PR recompute one after the other and the last one sees
// both; the result depends only on what is stored, not on the order pages arrived in.
// - first_review_at / time_to_first_review_seconds: earliest submitted review by someone other than the author;
// - review_cycles (review rounds): distinct commits reviewed by others (a review without a commit is a round);
// - reviewer_count: distinct reviewers other than the author;
// - rework_commit_count: commits committed after the first review;
// - time_to_merge_seconds: merged − created; size: additions + deletions;
// - commit_count, discussion_comment_count, review_comment_count: active rows stored.
import type { Queryable } from "../../../../db/port.ts";

export const DERIVED_COLUMNS = [
  "commit_count",
  "first_review_at",
  "review_cycles",
  "reviewer_count",
  "rework_commit_count",
  "discussion_comment_count",
  "review_comment_count",
  "time_to_first_review_seconds",
  "time_to_merge_seconds",
  "size",
];

const RECOMPUTE = `
WITH reviews AS (
  SELECT p.id AS pr_id,
         min(v.submitted_at) AS first_review_at,
         count(DISTINCT coalesce(v.commit_oid, 'review:' || v.external_id)) AS rounds,
         count(DISTINCT v.author_id) AS reviewers
    FROM prs p JOIN prs_reviews v ON v.pr_id = p.id AND v.active AND v.state <> 'PENDING'
     AND (p.author_id IS NULL OR v.author_id IS DISTINCT FROM p.author_id)
   WHERE p.id = ANY($1::bigint[])
   GROUP BY p.id
), commits AS (
  SELECT c.pr_id, count(*) AS n,
         count(*) FILTER (WHERE r.first_review_at IS NOT NULL AND c.committed_at > r.first_review_at) AS rework
    FROM prs_commits c LEFT JOIN reviews r ON r.pr_id = c.pr_id
   WHERE c.pr_id = ANY($1::bigint[]) AND c.active
   GROUP BY c.pr_id
), comments AS (
  SELECT m.pr_id,
         count(*) FILTER (WHERE m.comment_type = 'discussion') AS discussion,
         count(*) FILTER (WHERE m.comment_type = 'review_thread') AS review
    FROM prs_comments m WHERE m.pr_id = ANY($1::bigint[]) AND m.active
   GROUP BY m.pr_id
), figures AS (
  SELECT p.id,
         coalesce(c.n, 0)::int AS commit_count,
         r.first_review_at,
         coalesce(r.rounds, 0)::int AS review_cycles,
         coalesce(r.reviewers, 0)::int AS reviewer_count,
         coalesce(c.rework, 0)::int AS rework_commit_count,
         coalesce(m.discussion, 0)::int AS discussion_comment_count,
         coalesce(m.review, 0)::int AS review_comment_count,
         extract(epoch FROM r.first_review_at - p.pr_created_at)::double precision AS time_to_first_review_seconds,
         extract(epoch FROM p.merged_at - p.pr_created_at)::double precision AS time_to_merge_seconds,
         (p.additions + p.deletions)::int AS size
    FROM prs p
    LEFT JOIN reviews r ON r.pr_id = p.id
    LEFT JOIN commits c ON c.pr_id = p.id
    LEFT JOIN comments m ON m.pr_id = p.id
   WHERE p.id = ANY($1::bigint[])
)
UPDATE prs p SET ${DERIVED_COLUMNS.map((c) => `${c} = f.${c}`).join(", ")}, updated_at = now()
  FROM figures f
 WHERE p.id = f.id AND (${DERIVED_COLUMNS.map((c) => `p.${c}`).join(", ")})
       IS DISTINCT FROM (${DERIVED_COLUMNS.map((c) => `f.${c}`).join(", ")})
RETURNING p.id`;

/** Recomputes the figures of these PRs; returns how many changed. */
export async function recomputePrFigures(tx: Queryable, prIds: readonly number[]): Promise<number> {
  if (prIds.length === 0) return 0;
  return (await tx.query(RECOMPUTE, [[...new Set(prIds)]])).length;
}

/** Locks the PR rows (in one order everywhere: by external id) before a batch writes rows under them. */
export async function lockPrs(tx: Queryable, prIds: readonly number[]): Promise<void> {
  if (prIds.length === 0) return;
  await tx.query("SELECT id FROM prs WHERE id = ANY($1::bigint[]) ORDER BY external_id FOR UPDATE", [[...prIds]]);
}
