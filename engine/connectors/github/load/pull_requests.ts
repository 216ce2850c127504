// Transform + load of step 2. A PR page upserts people, the PRs and the first page of every nested connection; a
// continuation page upserts later pages. Either may arrive first (transform batches run in parallel): a
// continuation page for a PR not stored yet creates a bare row (repository and number) that the PR page fills in.
// Every batch locks its PR rows in one order, writes, then recomputes the PRs' figures from the stored rows.
import type { GhPullRequest, GhReviewRequest } from "../client/types.ts";
import type { NestedRecord, PrRecord } from "../extract/pull_requests.ts";
import { RecordLoadError } from "../../../connector.ts";
import {
  dedupeBy,
  idsByExternalId,
  type Scope,
  scoped,
  upsertChanged,
  type UpsertSpec,
  upsertWithIds,
} from "../../common/db_util.ts";
import { actorsOfPullRequest, upsertActors } from "./identities.ts";
import { addThreads, type Children, emptyChildren, writeChildren } from "./children.ts";
import { lockPrs, recomputePrFigures } from "../derived/pr_metrics.ts";
import type { GhActor, GhComment, GhCommitNode, GhReview, GhReviewComment, GhThread } from "../client/types.ts";

const PR_OWN = [
  "repository_id",
  "number",
  "title",
  "body",
  "author_id",
  "state",
  "source_branch",
  "target_branch",
  "pr_created_at",
  "pr_updated_at",
  "closed_at",
  "merged_at",
  "additions",
  "deletions",
  "changed_files",
  "url",
  "is_draft",
  "merged_by_id",
  "labels",
  "assignees",
  "requested_reviewers",
  "active",
];
export const PRS: UpsertSpec = {
  table: "prs",
  columns: ["tenant_id", "integration_id", "external_id", ...PR_OWN],
  key: ["tenant_id", "integration_id", "external_id"],
  update: PR_OWN,
};

export interface PrLoadResult {
  rows: number;
  prs: number[];
  people: number[];
}

const byExternalId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  String(a.external_id) < String(b.external_id) ? -1 : String(a.external_id) > String(b.external_id) ? 1 : 0;

function reviewer(r: GhReviewRequest): string | null {
  const who = r.requestedReviewer;
  if (!who) return null;
  return who.__typename === "Team" ? `team:${who.slug}` : who.login ?? null;
}

async function repositoryIds(scope: Scope, externalIds: string[]) {
  const ids = await idsByExternalId(scope, "repositories", externalIds);
  const missing = [...new Set(externalIds)].filter((e) => !ids.has(e));
  if (missing.length) {
    throw new RecordLoadError(`pull requests of repositories that are not stored: ${missing.join(", ")}`, missing);
  }
  return ids;
}

export async function loadPullRequests(
  scope: Scope,
  records: PrRecord[],
  emails: Record<string, string>,
): Promise<PrLoadResult> {
  const latest = dedupeBy(records, (r) => r.pr.id);
  if (latest.length === 0) return { rows: 0, prs: [], people: [] };
  const people = await upsertActors(scope, latest.flatMap((r) => actorsOfPullRequest(r.pr)), emails);
  const repos = await repositoryIds(scope, latest.map((r) => r.repo.id));
  const person = (a: GhActor | null | undefined) => (a?.login ? people.ids.get(a.login) ?? null : null);
  const rows = latest.map(({ repo, pr }) =>
    scoped(scope, {
      external_id: pr.id,
      repository_id: repos.get(repo.id),
      number: pr.number,
      title: pr.title,
      body: pr.body || null,
      author_id: person(pr.author),
      state: pr.state,
      source_branch: pr.headRefName ?? null,
      target_branch: pr.baseRefName ?? null,
      pr_created_at: pr.createdAt,
      pr_updated_at: pr.updatedAt,
      closed_at: pr.closedAt ?? null,
      merged_at: pr.mergedAt ?? null,
      additions: pr.additions ?? null,
      deletions: pr.deletions ?? null,
      changed_files: pr.changedFiles ?? null,
      url: pr.url ?? null,
      is_draft: pr.isDraft ?? null,
      merged_by_id: person(pr.mergedBy),
      labels: (pr.labels?.nodes ?? []).map((l) => l.name).sort(),
      assignees: (pr.assignees?.nodes ?? []).map((a) => a.login).sort(),
      requested_reviewers: (pr.reviewRequests?.nodes ?? []).map(reviewer).filter((x): x is string => !!x).sort(),
      active: true,
    })
  ).sort(byExternalId);
  const written = await upsertWithIds(scope, PRS, rows);
  const children = emptyChildren();
  for (const { pr } of latest) collectFirstPages(children, pr);
  // a PR row this batch inserted has no stored rows but the ones written now: nothing of it to reconcile
  children.complete = children.complete.filter((c) => !written.inserted.has(c.pr));
  let changed = written.written.length + people.written.length;
  changed += await writeChildren(scope, { prIds: written.ids, people: people.ids }, children);
  const prIds = [...written.ids.values()];
  changed += await recomputePrFigures(scope.tx, prIds);
  return { rows: changed, prs: prIds, people: people.written };
}

/** The first page of each row connection; a connection that ended within it is complete. */
function collectFirstPages(children: Children, pr: GhPullRequest): void {
  const done = (connection: "commits" | "reviews" | "comments" | "reviewThreads", ids: string[]) => {
    const c = pr[connection];
    if (c && !c.pageInfo?.hasNextPage) children.complete.push({ pr: pr.id, connection, parent: pr.id, ids });
  };
  const commits = pr.commits?.nodes ?? [];
  for (const node of commits) children.commits.push({ pr: pr.id, node });
  done("commits", commits.map((c) => c.commit.oid));
  const reviews = pr.reviews?.nodes ?? [];
  for (const node of reviews) children.reviews.push({ pr: pr.id, node });
  done("reviews", reviews.map((r) => r.id));
  const comments = pr.comments?.nodes ?? [];
  for (const node of comments) children.comments.push({ pr: pr.id, node });
  done("comments", comments.map((c) => c.id));
  const threads = pr.reviewThreads?.nodes ?? [];
  addThreads(children, pr.id, threads);
  done("reviewThreads", threads.map((t) => t.id));
}

/** Continuation pages: later pages of nested connections (possibly before their PR page is stored). */
export async function loadNested(
  scope: Scope,
  records: NestedRecord[],
  emails: Record<string, string>,
): Promise<PrLoadResult> {
  if (records.length === 0) return { rows: 0, prs: [], people: [] };
  const actors: Array<GhActor | null | undefined> = [];
  const children = emptyChildren();
  for (const r of records) {
    switch (r.connection) {
      case "commits":
        for (const node of r.nodes as GhCommitNode[]) {
          children.commits.push({ pr: r.pr.id, node });
          actors.push(node.commit.author?.user as GhActor | null | undefined);
        }
        break;
      case "reviews":
        for (const node of r.nodes as GhReview[]) {
          children.reviews.push({ pr: r.pr.id, node });
          actors.push(node.author);
        }
        break;
      case "comments":
        for (const node of r.nodes as GhComment[]) {
          children.comments.push({ pr: r.pr.id, node });
          actors.push(node.author);
        }
        break;
      case "reviewThreads": {
        const threads = r.nodes as GhThread[];
        addThreads(children, r.pr.id, threads);
        for (const t of threads) actors.push(...(t.comments?.nodes ?? []).map((c) => c.author));
        break;
      }
      case "threadComments":
        for (const node of r.nodes as GhReviewComment[]) {
          children.threadComments.push({ pr: r.pr.id, thread: r.parent, node });
          actors.push(node.author);
        }
        break;
    }
    if (r.complete) {
      children.complete.push({ pr: r.pr.id, connection: r.connection, parent: r.parent, ids: r.complete });
    }
  }
  const people = await upsertActors(scope, actors, emails);
  const prIds = await ensurePrs(scope, records);
  await lockPrs(scope.tx, [...prIds.ids.values()]);
  let changed = people.written.length + prIds.created;
  changed += await writeChildren(scope, { prIds: prIds.ids, people: people.ids }, children);
  changed += await recomputePrFigures(scope.tx, [...prIds.ids.values()]);
  return { rows: changed, prs: [...prIds.ids.values()], people: people.written };
}

/** Ids of the PRs named by continuation records; a PR not stored yet gets a bare row its PR page completes. */
async function ensurePrs(scope: Scope, records: NestedRecord[]) {
  const prs = dedupeBy(records.map((r) => ({ id: r.pr.id, number: r.pr.number, repo: r.repo })), (p) => p.id);
  const ids = await idsByExternalId(scope, "prs", prs.map((p) => p.id));
  const missing = prs.filter((p) => !ids.has(p.id));
  let created = 0;
  if (missing.length) {
    const repos = await repositoryIds(scope, missing.map((p) => p.repo));
    const bare = missing.map((p) =>
      scoped(scope, { external_id: p.id, repository_id: repos.get(p.repo), number: p.number, active: true })
    ).sort(byExternalId);
    const inserted = await upsertChanged(scope.tx, { ...PRS, columns: Object.keys(bare[0]), update: [] }, bare);
    created = inserted.length;
    for (const [k, v] of await idsByExternalId(scope, "prs", missing.map((p) => p.id))) ids.set(k, v);
  }
  return { ids, created };
}
