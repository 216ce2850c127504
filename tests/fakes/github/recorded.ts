// The recorded GitHub organization: JupiterOne's real GraphQL exchanges against JupiterOne-Sandbox (MPL-2.0,
// tests/fixtures/recorded/jupiterone-graph-github) turned into store objects. Recorded fields are kept verbatim.
// Fields the recording does not hold but Sluice's queries ask for are SYNTHESIZED, deterministically:
// - review ids (PRR_<pr>_<n>), review bodies (""), submittedAt (null) — JupiterOne asked for neither;
// - commit committedDate (= authoredDate), author name (the user's), e-mails (null), additions/deletions (0);
// - PR additions/deletions (0), isDraft (false), closedAt (mergedAt, or updatedAt when CLOSED);
// - repository language (null), default branch (the PRs' most common base), stars (0);
// - user databaseIds (a hash of the login); an author recorded as {} (not a User: a bot) becomes null.
// No comments or review threads were recorded; those paths are exercised with synthesized PRs (synth.ts).
import type { FActor, FCommit, FPullRequest, FRepository, FReview, PrHandle } from "./store.ts";
import { GitHubStore } from "./store.ts";

const FILE = new URL("../../fixtures/recorded/jupiterone-graph-github/pullRequests.exchanges.json", import.meta.url);

interface Exchange {
  request: { method: string; url: string; body?: string | null };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

/** What the recording says, before anything is synthesized (the field-by-field test compares against this). */
export interface RecordedPr {
  repoId: string;
  pr: Record<string, unknown>;
  commits?: Array<{ commit: Record<string, unknown> }>;
  reviews?: Array<Record<string, unknown>>;
  labels?: Array<{ name: string }>;
}

export interface Recording {
  org: { login: string; databaseId: number };
  repos: Array<Record<string, unknown>>;
  prs: Map<string, RecordedPr>;
  /** The real response headers of the recorded GraphQL answers (rate-limit headers included). */
  graphqlHeaders: Record<string, string>;
  installation: Record<string, unknown>;
}

// deno-lint-ignore no-explicit-any
type Loose = Record<string, any>;

let cached: Recording | undefined;

export function recording(): Recording {
  if (cached) return cached;
  const { exchanges } = JSON.parse(Deno.readTextFileSync(FILE)) as { exchanges: Exchange[] };
  const rec: Recording = {
    org: { login: "", databaseId: 0 },
    repos: [],
    prs: new Map(),
    graphqlHeaders: {},
    installation: {},
  };
  const prEntry = (repoId: string, pr: Record<string, unknown>) => {
    const id = String(pr.id);
    const entry = rec.prs.get(id) ?? { repoId, pr: {} };
    entry.pr = { ...entry.pr, ...pr };
    rec.prs.set(id, entry);
    return entry;
  };
  for (const x of exchanges) {
    const body = x.response.body as { data?: Record<string, unknown> } | null;
    if (x.request.url.includes("/app/installations/")) rec.installation = x.response.body as Record<string, unknown>;
    if (!x.request.url.endsWith("/graphql") || !body?.data) continue;
    rec.graphqlHeaders = x.response.headers;
    const request = typeof x.request.body === "string" ? JSON.parse(x.request.body) : x.request.body;
    const data = body.data as Loose;
    const org = data.organization;
    if (org?.login) rec.org = { login: org.login, databaseId: org.databaseId };
    if (org?.repositories) rec.repos.push(...org.repositories.nodes);
    if (data.repository?.pullRequests) {
      const repo = rec.repos.find((r) => r.name === request.variables.repoName);
      for (const pr of data.repository.pullRequests.nodes) prEntry(String(repo?.id), pr);
    }
    for (const node of (data.nodes ?? []) as Array<Loose>) {
      if (!node) continue;
      if (node.pullRequests) { for (const pr of node.pullRequests.nodes) prEntry(node.id, pr); }
      if (node.commits) prEntry(rec.prs.get(node.id)?.repoId ?? "", { id: node.id }).commits = node.commits.nodes;
      if (node.reviews) prEntry(rec.prs.get(node.id)?.repoId ?? "", { id: node.id }).reviews = node.reviews.nodes;
      if (node.labels) prEntry(rec.prs.get(node.id)?.repoId ?? "", { id: node.id }).labels = node.labels.nodes;
    }
  }
  cached = rec;
  return rec;
}

/** A deterministic positive int from a string (synthesized database ids). */
export function hashId(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) % 2_000_000_000 + 1;
}

/** A user; a hidden profile e-mail is "" (User.email is non-null in the schema). */
export function user(login: string, name: string | null, email: string | null = null): FActor {
  return { __typename: "User", id: `U_${login}`, login, databaseId: hashId(login), name, email: email ?? "" };
}

function actor(recorded: unknown, users: Map<string, FActor>): FActor | null {
  const a = recorded as { login?: string; name?: string } | null;
  if (!a?.login) return null;
  const known = users.get(a.login);
  if (known) {
    known.name ??= a.name ?? null;
    return known;
  }
  const made = user(a.login, a.name ?? null);
  users.set(a.login, made);
  return made;
}

/** Loads the recorded organization into a store. */
export function loadRecorded(store: GitHubStore): void {
  const rec = recording();
  store.addOwner({ login: rec.org.login, databaseId: rec.org.databaseId, kind: "Organization" });
  const users = new Map<string, FActor>();
  const byRepo = new Map<string, FPullRequest[]>();
  for (const [id, entry] of rec.prs) {
    const p = entry.pr as Loose;
    const author = actor(p.author, users);
    const commits: FCommit[] = (entry.commits ?? []).map((n, i) => {
      const c = n.commit as Loose;
      const who = actor(c.author?.user, users);
      return {
        __typename: "PullRequestCommit",
        id: `PURC_${id}_${i}`,
        commit: {
          __typename: "Commit",
          id: `C_${c.oid}`,
          oid: c.oid,
          message: c.message,
          authoredDate: c.authoredDate,
          committedDate: c.authoredDate,
          additions: 0,
          deletions: 0,
          changedFilesIfAvailable: null,
          author: { name: who?.name ?? who?.login ?? null, email: null, date: c.authoredDate, user: who },
          committer: null,
        },
      };
    });
    const reviews: FReview[] = (entry.reviews ?? []).map((r, i) => ({
      __typename: "PullRequestReview",
      id: `PRR_${id}_${i}`,
      state: String(r.state),
      body: "",
      submittedAt: null,
      createdAt: p.createdAt,
      author: actor(r.author, users),
      commit: (r.commit as { oid?: string } | null)?.oid
        ? { __typename: "Commit", oid: (r.commit as { oid: string }).oid }
        : null,
    }));
    const state = p.state as FPullRequest["state"];
    const pr: FPullRequest = {
      __typename: "PullRequest",
      id,
      databaseId: p.databaseId,
      number: p.number,
      title: p.title,
      body: p.body ?? "",
      state,
      isDraft: false,
      url: p.url,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      closedAt: p.mergedAt ?? (state === "OPEN" ? null : p.updatedAt),
      mergedAt: p.mergedAt ?? null,
      additions: 0,
      deletions: 0,
      changedFiles: p.changedFiles ?? 0,
      baseRefName: p.baseRefName,
      headRefName: p.headRefName,
      author,
      mergedBy: actor(p.mergedBy, users),
      labels: (entry.labels ?? []).map((l, i) => ({ __typename: "Label", id: `LA_${id}_${i}`, name: l.name })),
      assignees: [],
      reviewRequests: [],
      commits,
      reviews,
      comments: [],
      reviewThreads: [],
    };
    const list = byRepo.get(entry.repoId) ?? [];
    list.push(pr);
    byRepo.set(entry.repoId, list);
  }
  // repositories the recorded org listing did not reach, rebuilt from their PRs' baseRepository (id, name, owner,
  // isPrivate are recorded there; the rest is synthesized)
  const listed = new Set(rec.repos.map((r) => String(r.id)));
  const extra = new Map<string, Loose>();
  for (const entry of rec.prs.values()) {
    const base = (entry.pr as Loose).baseRepository;
    if (!base?.id || listed.has(entry.repoId) || extra.has(entry.repoId)) continue;
    extra.set(entry.repoId, {
      id: base.id,
      databaseId: hashId(base.id),
      name: base.name,
      nameWithOwner: `${base.owner?.login ?? rec.org.login}/${base.name}`,
      isPrivate: base.isPrivate,
      isArchived: false,
      isFork: false,
      visibility: base.isPrivate ? "PRIVATE" : "PUBLIC",
      createdAt: "2023-01-05T00:00:00Z",
      updatedAt: "2024-03-18T00:00:00Z",
    });
  }
  for (const r of [...rec.repos, ...extra.values()] as Array<Loose>) {
    const prs = byRepo.get(r.id) ?? [];
    const bases = new Map<string, number>();
    for (const pr of prs) bases.set(pr.baseRefName, (bases.get(pr.baseRefName) ?? 0) + 1);
    const repo: FRepository = {
      __typename: "Repository",
      id: r.id,
      databaseId: r.databaseId,
      name: r.name,
      owner: rec.org.login,
      nameWithOwner: r.nameWithOwner,
      description: r.description ?? null,
      language: null,
      defaultBranch: [...bases].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "main",
      isPrivate: r.isPrivate,
      isArchived: r.isArchived,
      isFork: r.isFork,
      visibility: r.visibility,
      topics: [],
      stargazerCount: 0,
      forkCount: r.forkCount ?? 0,
      openIssues: r.issues?.totalCount ?? 0,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      pushedAt: r.pushedAt ?? null,
    };
    const handles: PrHandle[] = prs.map((pr) => ({
      id: pr.id,
      number: pr.number,
      updatedAt: pr.updatedAt,
      materialized: pr,
    }));
    store.addRepository(repo, handles);
  }
}
