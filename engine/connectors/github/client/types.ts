// Shapes of the GitHub REST and GraphQL answers Sluice reads (only the fields it asks for).

export interface GhActor {
  __typename?: string;
  login: string;
  databaseId?: number | null;
  name?: string | null;
  email?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface GhConnection<T> {
  totalCount?: number;
  pageInfo?: PageInfo;
  nodes: T[];
}

export interface GhGitActor {
  name?: string | null;
  email?: string | null;
  date?: string | null;
  user?: { login: string } | null;
}

export interface GhCommitNode {
  commit: {
    oid: string;
    message?: string | null;
    authoredDate?: string | null;
    committedDate?: string | null;
    additions?: number | null;
    deletions?: number | null;
    changedFilesIfAvailable?: number | null;
    author?: GhGitActor | null;
    committer?: GhGitActor | null;
  };
}

export interface GhReview {
  id: string;
  state: string;
  body?: string | null;
  submittedAt?: string | null;
  createdAt?: string | null;
  author?: GhActor | null;
  commit?: { oid: string } | null;
}

export interface GhComment {
  id: string;
  body?: string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
  author?: GhActor | null;
}

export interface GhReviewComment extends GhComment {
  path?: string | null;
  line?: number | null;
  originalLine?: number | null;
  pullRequestReview?: { id: string } | null;
}

export interface GhThread {
  id: string;
  isResolved?: boolean;
  path?: string | null;
  line?: number | null;
  originalLine?: number | null;
  comments: GhConnection<GhReviewComment>;
}

export interface GhReviewRequest {
  requestedReviewer: { __typename: string; login?: string; slug?: string } | null;
}

export interface GhPullRequest {
  id: string;
  databaseId?: number | null;
  number: number;
  title: string;
  body?: string | null;
  state: string;
  isDraft?: boolean | null;
  url?: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt?: string | null;
  mergedAt?: string | null;
  additions?: number | null;
  deletions?: number | null;
  changedFiles?: number | null;
  baseRefName?: string | null;
  headRefName?: string | null;
  author?: GhActor | null;
  mergedBy?: GhActor | null;
  labels: GhConnection<{ name: string }>;
  assignees: GhConnection<{ login: string }>;
  reviewRequests: GhConnection<GhReviewRequest>;
  commits: GhConnection<GhCommitNode>;
  reviews: GhConnection<GhReview>;
  comments: GhConnection<GhComment>;
  reviewThreads: GhConnection<GhThread>;
}

export interface GhRateLimit {
  cost: number;
  limit: number;
  remaining: number;
  /** ISO 8601 (the schema's description says epoch seconds, its type DateTime is a string). */
  resetAt: string;
}

/** A REST repository (GET /orgs/{org}/repos). */
export interface GhRepository {
  id: number;
  node_id?: string;
  name: string;
  full_name: string;
  owner?: { login: string } | null;
  description?: string | null;
  language?: string | null;
  default_branch?: string | null;
  visibility?: string | null;
  private?: boolean;
  archived?: boolean;
  disabled?: boolean;
  fork?: boolean;
  topics?: string[];
  stargazers_count?: number;
  forks_count?: number;
  open_issues_count?: number;
  created_at?: string | null;
  updated_at?: string | null;
  pushed_at?: string | null;
}
