// The fake GitHub's data: organizations, repositories and pull requests with their nested lists, shaped like the
// GraphQL schema's objects (each carries __typename, so graphql-js resolves interfaces and unions by itself).
// Recorded pull requests (recorded.ts) are materialized objects; synthesized ones are computed from their index
// when asked for (10,000 PRs × 30 commits cost no memory until a page is read). Tests mutate through the store:
// update a PR (it moves to the front of the UPDATED_AT order), force-push commits away, delete a comment.

export interface FActor {
  __typename: "User" | "Bot" | "Mannequin";
  id: string;
  login: string;
  databaseId: number | null;
  name: string | null;
  email: string | null;
}

export interface FCommit {
  __typename: "PullRequestCommit";
  id: string;
  commit: {
    __typename: "Commit";
    id: string;
    oid: string;
    message: string;
    authoredDate: string;
    committedDate: string;
    additions: number;
    deletions: number;
    changedFilesIfAvailable: number | null;
    author: { name: string | null; email: string | null; date: string | null; user: FActor | null } | null;
    committer: { name: string | null; email: string | null; date: string | null; user: FActor | null } | null;
  };
}

export interface FReview {
  __typename: "PullRequestReview";
  id: string;
  state: string;
  body: string;
  submittedAt: string | null;
  createdAt: string;
  author: FActor | null;
  commit: { __typename: "Commit"; oid: string } | null;
}

export interface FComment {
  __typename: "IssueComment";
  id: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  author: FActor | null;
}

export interface FReviewComment {
  __typename: "PullRequestReviewComment";
  id: string;
  body: string;
  path: string;
  line: number | null;
  originalLine: number | null;
  createdAt: string;
  updatedAt: string;
  author: FActor | null;
  pullRequestReview: { __typename: "PullRequestReview"; id: string } | null;
}

export interface FThread {
  __typename: "PullRequestReviewThread";
  id: string;
  isResolved: boolean;
  path: string;
  line: number | null;
  originalLine: number | null;
  comments: FReviewComment[];
}

export type FReviewer = FActor | { __typename: "Team"; id: string; slug: string; name: string };

export interface FPullRequest {
  __typename: "PullRequest";
  id: string;
  databaseId: number;
  number: number;
  title: string;
  body: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  url: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  additions: number;
  deletions: number;
  changedFiles: number;
  baseRefName: string;
  headRefName: string;
  author: FActor | null;
  mergedBy: FActor | null;
  labels: Array<{ __typename: "Label"; id: string; name: string }>;
  assignees: FActor[];
  reviewRequests: Array<{ __typename: "ReviewRequest"; id: string; requestedReviewer: FReviewer | null }>;
  commits: FCommit[];
  reviews: FReview[];
  comments: FComment[];
  reviewThreads: FThread[];
}

export interface FRepository {
  __typename: "Repository";
  id: string;
  databaseId: number;
  name: string;
  owner: string;
  nameWithOwner: string;
  description: string | null;
  language: string | null;
  defaultBranch: string;
  isPrivate: boolean;
  isArchived: boolean;
  isFork: boolean;
  visibility: "PUBLIC" | "PRIVATE" | "INTERNAL";
  topics: string[];
  stargazerCount: number;
  forkCount: number;
  openIssues: number;
  createdAt: string;
  updatedAt: string;
  pushedAt: string | null;
}

/** A PR as the repository lists it: its sort key, and the object (materialized, or built on demand). */
export interface PrHandle {
  id: string;
  number: number;
  updatedAt: string;
  materialized?: FPullRequest;
  build?: () => FPullRequest;
}

export interface FOwner {
  login: string;
  databaseId: number;
  kind: "Organization" | "User";
}

export class GitHubStore {
  readonly owners = new Map<string, FOwner>();
  readonly repos: FRepository[] = [];
  readonly prsByRepo = new Map<string, PrHandle[]>();
  readonly #prIndex = new Map<string, { repo: FRepository; handle: PrHandle }>();
  readonly #threadIndex = new Map<string, { pr: string; thread: string }>();

  addOwner(owner: FOwner): void {
    this.owners.set(owner.login.toLowerCase(), owner);
  }

  owner(login: string): FOwner | undefined {
    return this.owners.get(login.toLowerCase());
  }

  addRepository(repo: FRepository, prs: PrHandle[]): void {
    this.repos.push(repo);
    this.prsByRepo.set(repo.id, prs);
    for (const handle of prs) this.#prIndex.set(handle.id, { repo, handle });
  }

  repository(owner: string, name: string): FRepository | undefined {
    const full = `${owner}/${name}`.toLowerCase();
    return this.repos.find((r) => r.nameWithOwner.toLowerCase() === full);
  }

  repositoriesOf(owner: string): FRepository[] {
    return this.repos.filter((r) => r.owner.toLowerCase() === owner.toLowerCase())
      .sort((a, b) => a.nameWithOwner.toLowerCase().localeCompare(b.nameWithOwner.toLowerCase()));
  }

  /** PR handles of a repository, newest update first (ties by id, as a keyset cursor needs). */
  pullRequestsOf(repoId: string): PrHandle[] {
    return [...(this.prsByRepo.get(repoId) ?? [])].sort((a, b) =>
      b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id)
    );
  }

  pr(handle: PrHandle): FPullRequest {
    return handle.materialized ?? handle.build!();
  }

  pullRequest(id: string): FPullRequest | undefined {
    const found = this.#prIndex.get(id);
    return found ? this.pr(found.handle) : undefined;
  }

  thread(id: string): FThread | undefined {
    const at = this.#threadIndex.get(id);
    if (at) return this.pullRequest(at.pr)?.reviewThreads.find((t) => t.id === id);
    // synthesized threads are indexed the first time their PR is built; search the PR named in the id
    const prId = id.split("~")[0].replace(/^PRRT_/, "");
    const pr = this.pullRequest(prId);
    const thread = pr?.reviewThreads.find((t) => t.id === id);
    if (thread) this.#threadIndex.set(id, { pr: prId, thread: id });
    return thread;
  }

  node(id: string): unknown {
    if (id.startsWith("PRRT_")) return this.thread(id);
    return this.pullRequest(id) ?? this.repos.find((r) => r.id === id);
  }

  /** Changes a PR (materializing a synthesized one); its updatedAt moves to `at` unless `keepUpdatedAt`. */
  updatePullRequest(id: string, change: (pr: FPullRequest) => void, at: string, keepUpdatedAt = false): FPullRequest {
    const found = this.#prIndex.get(id);
    if (!found) throw new Error(`no pull request ${id}`);
    const pr = found.handle.materialized ?? structuredClone(found.handle.build!());
    change(pr);
    if (!keepUpdatedAt) pr.updatedAt = at;
    found.handle.materialized = pr;
    found.handle.updatedAt = pr.updatedAt;
    for (const t of pr.reviewThreads) this.#threadIndex.set(t.id, { pr: pr.id, thread: t.id });
    return pr;
  }

  /** Every PR id of a repository, newest first. */
  pullRequestIds(repoId: string): string[] {
    return this.pullRequestsOf(repoId).map((h) => h.id);
  }
}
