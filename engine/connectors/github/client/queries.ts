// GraphQL text of the PR step and its planned point cost. GitHub charges a query by the requests needed to fill
// every connection assuming each `first` is reached (a nested connection counts once per parent node), divided by
// 100 and rounded, minimum 1. The PR page size is chosen from that formula so one query stays under a point budget;
// nested connections that overflow their first page are completed with their own cursors (continuation queries
// of many `node(id:)` aliases), never truncated.

export interface PageSizes {
  pullRequests: number;
  commits: number;
  reviews: number;
  comments: number;
  reviewThreads: number;
  threadComments: number;
  labels: number;
  assignees: number;
  reviewRequests: number;
}

/** Defaults: a PR page of 50 with these nested sizes plans at 9 points and completes a typical PR in one query. */
export const DEFAULT_PAGE_SIZES: PageSizes = {
  pullRequests: 50,
  commits: 50,
  reviews: 25,
  comments: 25,
  reviewThreads: 10,
  threadComments: 10,
  labels: 20,
  assignees: 10,
  reviewRequests: 10,
};

/** Connections read page by page after the PR page (rows of their own, checkpointed per continuation page). */
export type RowConnection = "commits" | "reviews" | "comments" | "reviewThreads" | "threadComments";
/** Connections completed before a PR page is handed on (short lists stored as arrays on the PR). */
export type ListConnection = "labels" | "assignees" | "reviewRequests";
export type Connection = RowConnection | ListConnection;

/** Page size of a continuation page (the API maximum). */
export const CONTINUATION_PAGE = 100;
/** Threads per reviewThreads continuation page: each brings its first comments, which multiply the cost. */
export const THREAD_CONTINUATION_PAGE = 25;

const PR_CONNECTIONS = 7; // commits, reviews, comments, reviewThreads, labels, assignees, reviewRequests

/** GitHub's point formula for a request count. */
export function pointsFor(requests: number): number {
  return Math.max(1, Math.round(requests / 100));
}

/** Requests GitHub counts for one PR page of `prs` pull requests. */
export function prPageRequests(sizes: PageSizes, prs = sizes.pullRequests): number {
  return 1 + prs * PR_CONNECTIONS + prs * sizes.reviewThreads;
}

/** The largest PR page (≤ the configured size) whose planned cost stays within `maxPoints`. */
export function planPrPageSize(sizes: PageSizes, maxPoints: number): number {
  let prs = sizes.pullRequests;
  while (prs > 1 && pointsFor(prPageRequests(sizes, prs)) > maxPoints) prs--;
  return prs;
}

export function continuationRequests(connection: Connection): number {
  return connection === "reviewThreads" ? 1 + THREAD_CONTINUATION_PAGE : 1;
}

const PAGE_INFO = "pageInfo { hasNextPage endCursor }";
export const RATE_LIMIT = "rateLimit { cost limit remaining resetAt }";
export const ACTOR = "__typename login ... on User { databaseId name email } ... on Bot { databaseId } " +
  "... on Mannequin { databaseId }";

// author/committer `date` would repeat authoredDate/committedDate in every raw page
const COMMIT = "commit { oid message authoredDate committedDate additions deletions changedFilesIfAvailable " +
  "author { name email user { __typename login databaseId name email } } committer { name email } }";
const REVIEW = `id state body submittedAt createdAt author { ${ACTOR} } commit { oid }`;
const COMMENT = `id body createdAt updatedAt author { ${ACTOR} }`;
const REVIEW_COMMENT = `id body path line originalLine createdAt updatedAt author { ${ACTOR} } ` +
  "pullRequestReview { id }";
const REVIEWER = "requestedReviewer { __typename ... on User { login } ... on Bot { login } " +
  "... on Mannequin { login } ... on Team { slug } }";

function threadFields(commentsFirst: number): string {
  return `id isResolved path line originalLine comments(first: ${commentsFirst}) { totalCount ${PAGE_INFO} ` +
    `nodes { ${REVIEW_COMMENT} } }`;
}

/** Node selection of each connection (what `nodes { … }` asks for). */
export function nodeFields(connection: Connection, sizes: PageSizes): string {
  switch (connection) {
    case "commits":
      return COMMIT;
    case "reviews":
      return REVIEW;
    case "comments":
      return COMMENT;
    case "reviewThreads":
      return threadFields(sizes.threadComments);
    case "threadComments":
      return REVIEW_COMMENT;
    case "labels":
      return "name";
    case "assignees":
      return "login";
    case "reviewRequests":
      return REVIEWER;
  }
}

function connectionField(connection: Connection, first: number, sizes: PageSizes, after?: string): string {
  const name = connection === "threadComments" ? "comments" : connection;
  const args = after ? `first: ${first}, after: ${after}` : `first: ${first}`;
  return `${name}(${args}) { totalCount ${PAGE_INFO} nodes { ${nodeFields(connection, sizes)} } }`;
}

export function pullRequestFields(sizes: PageSizes): string {
  return [
    "id databaseId number title body state isDraft url createdAt updatedAt closedAt mergedAt",
    "additions deletions changedFiles baseRefName headRefName",
    `author { ${ACTOR} } mergedBy { ${ACTOR} }`,
    connectionField("labels", sizes.labels, sizes),
    connectionField("assignees", sizes.assignees, sizes),
    connectionField("reviewRequests", sizes.reviewRequests, sizes),
    connectionField("commits", sizes.commits, sizes),
    connectionField("reviews", sizes.reviews, sizes),
    connectionField("comments", sizes.comments, sizes),
    connectionField("reviewThreads", sizes.reviewThreads, sizes),
  ].join(" ");
}

/** One page of a repository's pull requests, newest update first (the only order that allows a window). */
export function pullRequestPageQuery(sizes: PageSizes, prs: number): string {
  return `query PullRequests($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: ${prs}, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      totalCount ${PAGE_INFO}
      nodes { ${pullRequestFields(sizes)} }
    }
  }
  ${RATE_LIMIT}
}`;
}

/**
 * The newest PR update of each repository: one cheap query tells which repositories changed since a watermark.
 * With `withCount`, it also asks search for the number of PRs updated in the window (`count`, from the search
 * string in $q) — the step's progress estimate, at no extra request.
 */
export function probeQuery(count: number, withCount = false): { query: string; requests: number } {
  const vars = Array.from({ length: count }, (_, i) => `$o${i}: String!, $n${i}: String!`);
  const body = Array.from(
    { length: count },
    (_, i) =>
      `r${i}: repository(owner: $o${i}, name: $n${i}) { ` +
      `pullRequests(first: 1, orderBy: {field: UPDATED_AT, direction: DESC}) { nodes { updatedAt } } }`,
  );
  if (withCount) {
    vars.push("$q: String!");
    body.push("count: search(query: $q, type: ISSUE, first: 1) { issueCount }");
  }
  return {
    query: `query Probe(${vars.join(", ")}) {\n  ${body.join("\n  ")}\n  ${RATE_LIMIT}\n}`,
    requests: count + (withCount ? 1 : 0),
  };
}

/** Search text counting the PRs of these owners updated at or after `floor` (archived repositories if included). */
export function windowCountSearch(owners: readonly string[], floor: Date, includeArchived: boolean): string {
  const since = floor.toISOString().replace(/\.\d{3}Z$/, "Z");
  return [
    "is:pr",
    `updated:>=${since}`,
    ...owners.map((o) => `user:${o}`),
    ...(includeArchived ? [] : ["archived:false"]),
  ]
    .join(" ");
}

export interface ContinuationRef {
  /** Node that owns the connection: the PR, or the review thread for threadComments. */
  parent: string;
  connection: RowConnection | ListConnection;
  cursor: string;
}

/** Next pages of several connections in one query: alias `n<i>` per entry. */
export function continuationQuery(refs: readonly ContinuationRef[], sizes: PageSizes): string {
  const vars = refs.map((_, i) => `$i${i}: ID!, $c${i}: String`).join(", ");
  const body = refs.map((r, i) => {
    const type = r.connection === "threadComments" ? "PullRequestReviewThread" : "PullRequest";
    const first = r.connection === "reviewThreads" ? THREAD_CONTINUATION_PAGE : CONTINUATION_PAGE;
    return `n${i}: node(id: $i${i}) { __typename id ... on ${type} { ${
      connectionField(r.connection, first, sizes, `$c${i}`)
    } } }`;
  }).join("\n  ");
  return `query Continue(${vars}) {\n  ${body}\n  ${RATE_LIMIT}\n}`;
}

export function continuationVariables(refs: readonly ContinuationRef[]): Record<string, string> {
  const out: Record<string, string> = {};
  refs.forEach((r, i) => {
    out[`i${i}`] = r.parent;
    out[`c${i}`] = r.cursor;
  });
  return out;
}
