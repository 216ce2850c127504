// The rows under a pull request — commits, reviews, discussion comments and review-thread comments — from a PR
// page (first pages) or a continuation page (later pages), written the same way: one multi-row upsert per table,
// changed rows only. When a connection's LAST page is loaded its full id list comes along, and rows of that PR
// (or thread) that are no longer in it are deactivated: force-pushed commits, deleted reviews and comments
// (reconciled within the window). Pages may load in any order; the final rows are the same.
import type { GhComment, GhCommitNode, GhReview, GhReviewComment, GhThread } from "../client/types.ts";
import type { RowConnection } from "../client/queries.ts";
import {
  analyzeTables,
  dedupeBy,
  MISSING_STATS_SQL,
  type Scope,
  scoped,
  upsertChanged,
  type UpsertSpec,
} from "../../common/db_util.ts";

const KEY = ["tenant_id", "integration_id", "external_id"];

const COMMIT_OWN = [
  "author_name",
  "author_email",
  "author_id",
  "committer_name",
  "committer_email",
  "message",
  "authored_at",
  "committed_at",
  "additions",
  "deletions",
  "changed_files",
  "active",
];
export const COMMITS: UpsertSpec = {
  table: "prs_commits",
  columns: ["tenant_id", "integration_id", "pr_id", "external_id", ...COMMIT_OWN],
  key: ["tenant_id", "integration_id", "pr_id", "external_id"],
  update: COMMIT_OWN,
};

const REVIEW_OWN = ["pr_id", "author_id", "state", "body", "submitted_at", "commit_oid", "active"];
export const REVIEWS: UpsertSpec = {
  table: "prs_reviews",
  columns: ["tenant_id", "integration_id", "external_id", ...REVIEW_OWN],
  key: KEY,
  update: REVIEW_OWN,
};

const COMMENT_OWN = [
  "pr_id",
  "author_id",
  "comment_type",
  "body",
  "path",
  "line",
  "source_created_at",
  "source_updated_at",
  "thread_id",
  "active",
];
export const COMMENTS: UpsertSpec = {
  table: "prs_comments",
  columns: ["tenant_id", "integration_id", "external_id", ...COMMENT_OWN],
  key: KEY,
  update: COMMENT_OWN,
};

/** Child nodes of one page, each naming its PR (node id). */
export interface Children {
  commits: Array<{ pr: string; node: GhCommitNode }>;
  reviews: Array<{ pr: string; node: GhReview }>;
  comments: Array<{ pr: string; node: GhComment }>;
  threadComments: Array<{ pr: string; thread: string; node: GhReviewComment }>;
  /** Connections whose last page is in this batch: the ids they hold in full. */
  complete: Array<{ pr: string; connection: RowConnection; parent: string; ids: string[] }>;
}

export function emptyChildren(): Children {
  return { commits: [], reviews: [], comments: [], threadComments: [], complete: [] };
}

/** Adds review threads (each with its first page of comments) and records which threads are complete. */
export function addThreads(children: Children, pr: string, threads: GhThread[]): void {
  for (const t of threads) {
    for (const c of t.comments?.nodes ?? []) children.threadComments.push({ pr, thread: t.id, node: c });
    if (!t.comments?.pageInfo?.hasNextPage) {
      children.complete.push({
        pr,
        connection: "threadComments",
        parent: t.id,
        ids: (t.comments?.nodes ?? []).map((c) => c.id),
      });
    }
  }
}

const time = (v: string | null | undefined) => v ?? null;

export interface ChildRefs {
  prIds: Map<string, number>;
  people: Map<string, number>;
}

function person(refs: ChildRefs, login: string | null | undefined): number | null {
  return login ? refs.people.get(login) ?? null : null;
}

function commitRow(scope: Scope, refs: ChildRefs, prId: number, { commit: c }: GhCommitNode) {
  return scoped(scope, {
    pr_id: prId,
    external_id: c.oid,
    author_name: c.author?.name ?? null,
    author_email: c.author?.email ?? null,
    author_id: person(refs, c.author?.user?.login),
    committer_name: c.committer?.name ?? null,
    committer_email: c.committer?.email ?? null,
    message: c.message ?? null,
    authored_at: time(c.authoredDate ?? c.author?.date),
    committed_at: time(c.committedDate ?? c.committer?.date),
    additions: c.additions ?? null,
    deletions: c.deletions ?? null,
    changed_files: c.changedFilesIfAvailable ?? null,
    active: true,
  });
}

function reviewRow(scope: Scope, refs: ChildRefs, prId: number, r: GhReview) {
  return scoped(scope, {
    external_id: r.id,
    pr_id: prId,
    author_id: person(refs, r.author?.login),
    state: r.state,
    body: r.body || null,
    submitted_at: time(r.submittedAt),
    commit_oid: r.commit?.oid ?? null,
    active: true,
  });
}

function commentRow(
  scope: Scope,
  refs: ChildRefs,
  prId: number,
  c: GhComment & Partial<GhReviewComment>,
  thread: string | null,
) {
  return scoped(scope, {
    external_id: c.id,
    pr_id: prId,
    author_id: person(refs, c.author?.login),
    comment_type: thread ? "review_thread" : "discussion",
    body: c.body ?? null,
    path: c.path ?? null,
    line: c.line ?? c.originalLine ?? null,
    source_created_at: time(c.createdAt),
    source_updated_at: time(c.updatedAt),
    thread_id: thread,
    active: true,
  });
}

/**
 * Upserts the child rows and reconciles completed connections (and gives the tables planner statistics once they
 * hold rows); returns how many rows changed.
 */
export async function writeChildren(scope: Scope, refs: ChildRefs, children: Children): Promise<number> {
  const pr = (ext: string) => refs.prIds.get(ext)!;
  const commits = dedupeBy(
    children.commits.map((c) => commitRow(scope, refs, pr(c.pr), c.node)),
    (r) => `${r.pr_id}:${r.external_id}`,
  );
  const reviews = dedupeBy(children.reviews.map((r) => reviewRow(scope, refs, pr(r.pr), r.node)), extId);
  const comments = dedupeBy([
    ...children.comments.map((c) => commentRow(scope, refs, pr(c.pr), c.node, null)),
    ...children.threadComments.map((c) => commentRow(scope, refs, pr(c.pr), c.node, c.thread)),
  ], extId);
  let rows = 0;
  rows += (await upsertChanged(scope.tx, COMMITS, commits)).length;
  rows += (await upsertChanged(scope.tx, REVIEWS, reviews)).length;
  rows += (await upsertChanged(scope.tx, COMMENTS, comments)).length;
  rows += await reconcile(scope, children.complete.map((c) => ({ ...c, prId: pr(c.pr) })));
  return rows;
}

const extId = (r: Record<string, unknown>) => String(r.external_id);

/**
 * Every completed connection of the batch in one statement: rows of that PR (or thread) the full list no longer
 * names are deactivated. A row is only ever judged by entries of its own PR, connection and thread.
 */
const RECONCILE = `
WITH c AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(pr_id bigint, connection text, parent text, ids text[])),
commits AS (
  UPDATE prs_commits t SET active = false, updated_at = now() FROM c
   WHERE c.connection = 'commits' AND t.pr_id = c.pr_id AND t.active AND NOT (t.external_id = ANY(c.ids))
  RETURNING t.id
), reviews AS (
  UPDATE prs_reviews t SET active = false, updated_at = now() FROM c
   WHERE c.connection = 'reviews' AND t.pr_id = c.pr_id AND t.active AND NOT (t.external_id = ANY(c.ids))
  RETURNING t.id
), comments AS (
  UPDATE prs_comments t SET active = false, updated_at = now() FROM c
   WHERE t.pr_id = c.pr_id AND t.active AND (
     (c.connection = 'comments' AND t.comment_type = 'discussion' AND NOT (t.external_id = ANY(c.ids)))
     OR (c.connection = 'reviewThreads' AND t.comment_type = 'review_thread' AND NOT (t.thread_id = ANY(c.ids)))
     OR (c.connection = 'threadComments' AND t.comment_type = 'review_thread' AND t.thread_id = c.parent
         AND NOT (t.external_id = ANY(c.ids))))
  RETURNING t.id
)
SELECT ((SELECT count(*) FROM commits) + (SELECT count(*) FROM reviews) + (SELECT count(*) FROM comments))::int AS n,
       (${MISSING_STATS_SQL("$2")}) AS unanalyzed`;

/** Tables the PR loads look rows up in by key: without planner statistics a first sync slows with every page. */
const STATS_TABLES = ["prs", "prs_commits", "prs_reviews", "prs_comments", "identities"];

async function reconcile(
  scope: Scope,
  complete: Array<{ prId: number; connection: RowConnection; parent: string; ids: string[] }>,
): Promise<number> {
  const items = complete.map((c) => ({ pr_id: c.prId, connection: c.connection, parent: c.parent, ids: c.ids }));
  const [row] = await scope.tx.query<{ n: number; unanalyzed: string[] }>(RECONCILE, [
    JSON.stringify(items),
    STATS_TABLES,
  ]);
  await analyzeTables(scope.tx, row.unanalyzed);
  return Number(row.n);
}
