// Synthesized repositories and pull requests: N repositories × M PRs, each PR with its nested lists (commits,
// reviews, comments, review threads with comments, labels, assignees, requested reviewers), computed from their
// indexes on demand — deterministic, so two fakes with the same options serve the same data. PR k of a repository
// is updated 7 minutes × its global index before `now`, so UPDATED_AT order is index order until a test updates one.
import { hashId, user } from "./recorded.ts";
import type { FActor, FCommit, FPullRequest, FRepository, FThread, GitHubStore, PrHandle } from "./store.ts";

/** Items per PR of each nested list. */
export interface NestedSizes {
  commits?: number;
  reviews?: number;
  comments?: number;
  threads?: number;
  threadComments?: number;
  labels?: number;
}

export interface SynthOptions extends NestedSizes {
  owner?: string;
  repos: number;
  prsPerRepo: number;
  /** Every n-th PR (1-based, per repository) gets the `big` sizes instead. */
  bigEvery?: number;
  big?: NestedSizes;
  /** Jira keys named by the PRs, in turn: title of PR 1, branch of PR 2, commit message of PR 3, body of PR 4 … */
  jiraKeys?: string[];
  /** Time of the newest update (ms). */
  now?: number;
  /** Users the actors are drawn from (default 12). */
  people?: number;
}

const MINUTE = 60_000;
export const SYNTH_NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

export function synthUsers(count: number): FActor[] {
  return Array.from({ length: count }, (_, i) => {
    const login = `dev${String(i + 1).padStart(2, "0")}`;
    return user(login, `Developer ${i + 1}`, i % 3 === 0 ? null : `${login}@acme.test`);
  });
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function sha(seed: string): string {
  let out = "";
  for (let i = 0; out.length < 40; i++) out += hashId(`${seed}:${i}`).toString(16).padStart(8, "0");
  return out.slice(0, 40);
}

export function addSynthetic(store: GitHubStore, options: SynthOptions): void {
  const owner = options.owner ?? "acme";
  if (!store.owner(owner)) store.addOwner({ login: owner, databaseId: hashId(owner), kind: "Organization" });
  const people = synthUsers(options.people ?? 12);
  const now = options.now ?? SYNTH_NOW;
  const start = store.repos.length;
  for (let r = 0; r < options.repos; r++) {
    const name = `service-${String(r + 1).padStart(3, "0")}`;
    const repo: FRepository = {
      __typename: "Repository",
      id: `R_${owner}_${name}`,
      databaseId: hashId(`${owner}/${name}`),
      name,
      owner,
      nameWithOwner: `${owner}/${name}`,
      description: `Synthesized repository ${r + 1}`,
      language: ["TypeScript", "Go", "Python"][r % 3],
      defaultBranch: "main",
      isPrivate: r % 2 === 0,
      isArchived: false,
      isFork: false,
      visibility: r % 2 === 0 ? "PRIVATE" : "PUBLIC",
      topics: ["synthesized"],
      stargazerCount: r,
      forkCount: 0,
      openIssues: 0,
      createdAt: iso(now - 400 * 86_400_000),
      updatedAt: iso(now - r * MINUTE),
      pushedAt: iso(now - r * MINUTE),
    };
    const handles: PrHandle[] = [];
    for (let k = 0; k < options.prsPerRepo; k++) {
      const index = (start + r) * options.prsPerRepo + k;
      const number = options.prsPerRepo - k;
      const updatedAt = now - index * 7 * MINUTE;
      const id = `PR_${owner}_${name}_${number}`;
      handles.push({
        id,
        number,
        updatedAt: iso(updatedAt),
        build: () => buildPr(repo, id, number, k, updatedAt, options, people),
      });
    }
    store.addRepository(repo, handles);
  }
}

function buildPr(
  repo: FRepository,
  id: string,
  number: number,
  k: number,
  updatedAt: number,
  o: SynthOptions,
  people: FActor[],
): FPullRequest {
  const big = o.bigEvery && (k + 1) % o.bigEvery === 0 ? o.big ?? {} : {};
  const size = (key: keyof NestedSizes, normal: number) => (big as NestedSizes)[key] ?? o[key] ?? normal;
  const who = (n: number) => people[(hashId(`${id}:${n}`) + n) % people.length];
  const author = who(0);
  const created = updatedAt - 2 * 86_400_000 - (k % 5) * 3_600_000;
  const state: FPullRequest["state"] = k % 4 === 0 ? "OPEN" : k % 4 === 3 ? "CLOSED" : "MERGED";
  const merged = state === "MERGED" ? updatedAt - 30 * MINUTE : null;
  const key = o.jiraKeys?.length ? o.jiraKeys[k % o.jiraKeys.length] : null;
  const slot = k % 4;
  const commits: FCommit[] = Array.from({ length: size("commits", 3) }, (_, i) => {
    const at = iso(created + (i + 1) * 10 * MINUTE);
    const oid = sha(`${id}:c${i}`);
    const person = who(1 + (i % 2));
    return {
      __typename: "PullRequestCommit",
      id: `PURC_${id}_${i}`,
      commit: {
        __typename: "Commit",
        id: `C_${oid}`,
        oid,
        message: `${key && slot === 2 && i === 0 ? `${key} ` : ""}Change ${i + 1} of #${number}\n\nDetails ${i + 1}.`,
        authoredDate: at,
        committedDate: at,
        additions: 5 + i,
        deletions: i % 3,
        changedFilesIfAvailable: 1 + (i % 4),
        author: { name: person.name, email: person.email, date: at, user: person },
        committer: { name: "GitHub", email: "noreply@github.com", date: at, user: null },
      },
    };
  });
  const reviewers = [who(3), who(4), who(5)].filter((p) => p.login !== author.login);
  const reviews = Array.from({ length: size("reviews", 2) }, (_, i) => ({
    __typename: "PullRequestReview" as const,
    id: `PRR_${id}_${i}`,
    state: i === 0 && k % 3 === 0 ? "CHANGES_REQUESTED" : i % 2 === 0 ? "APPROVED" : "COMMENTED",
    body: i % 2 === 0 ? "" : `Review ${i + 1}`,
    submittedAt: iso(created + (i + 1) * 45 * MINUTE),
    createdAt: iso(created + (i + 1) * 45 * MINUTE),
    author: reviewers.length ? reviewers[i % reviewers.length] : who(6),
    commit: { __typename: "Commit" as const, oid: commits[Math.min(i, commits.length - 1)]?.commit.oid ?? sha(id) },
  }));
  const comments = Array.from({ length: size("comments", 1) }, (_, i) => ({
    __typename: "IssueComment" as const,
    id: `IC_${id}_${i}`,
    body: `Comment ${i + 1} on #${number}`,
    createdAt: iso(created + (i + 1) * 20 * MINUTE),
    updatedAt: iso(created + (i + 1) * 20 * MINUTE),
    author: who(7 + i),
  }));
  const threads: FThread[] = Array.from({ length: size("threads", 1) }, (_, t) => {
    const thread = `PRRT_${id}~${t}`;
    return {
      __typename: "PullRequestReviewThread",
      id: thread,
      isResolved: t % 2 === 0,
      path: `src/file_${t}.ts`,
      line: 10 + t,
      originalLine: 10 + t,
      comments: Array.from({ length: size("threadComments", 2) }, (_, c) => ({
        __typename: "PullRequestReviewComment" as const,
        id: `PRRC_${id}_${t}_${c}`,
        body: `Thread ${t + 1} comment ${c + 1}`,
        path: `src/file_${t}.ts`,
        line: 10 + t,
        originalLine: 10 + t,
        createdAt: iso(created + (t + 1) * 50 * MINUTE + c * MINUTE),
        updatedAt: iso(created + (t + 1) * 50 * MINUTE + c * MINUTE),
        author: c % 2 === 0 ? who(3) : author,
        pullRequestReview: reviews[0] ? { __typename: "PullRequestReview" as const, id: reviews[0].id } : null,
      })),
    };
  });
  return {
    __typename: "PullRequest",
    id,
    databaseId: hashId(id),
    number,
    title: `${key && slot === 0 ? `[${key}] ` : ""}Improve ${repo.name} part ${number}`,
    body: key && slot === 3 ? `Fixes ${key}.` : `Synthesized pull request ${number}.`,
    state,
    isDraft: state === "OPEN" && k % 8 === 0,
    url: `https://github.com/${repo.nameWithOwner}/pull/${number}`,
    createdAt: iso(created),
    updatedAt: iso(updatedAt),
    closedAt: state === "OPEN" ? null : iso(merged ?? updatedAt - 10 * MINUTE),
    mergedAt: merged === null ? null : iso(merged),
    additions: commits.reduce((n, c) => n + c.commit.additions, 0),
    deletions: commits.reduce((n, c) => n + c.commit.deletions, 0),
    changedFiles: Math.min(commits.length, 7),
    baseRefName: "main",
    headRefName: key && slot === 1 ? `feature/${key.toLowerCase()}-work` : `topic/${number}`,
    author,
    mergedBy: merged === null ? null : who(3),
    labels: Array.from({ length: size("labels", 1) }, (_, i) => ({
      __typename: "Label" as const,
      id: `LA_${id}_${i}`,
      name: ["bug", "enhancement", "chore"][(k + i) % 3] + (i >= 3 ? `-${i}` : ""),
    })),
    assignees: [author],
    reviewRequests: k % 5 === 0
      ? [{ __typename: "ReviewRequest", id: `RR_${id}`, requestedReviewer: reviewers[0] ?? who(6) }]
      : [],
    commits,
    reviews,
    comments,
    reviewThreads: threads,
  };
}
