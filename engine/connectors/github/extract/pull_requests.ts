// Step 2: pull requests of every repository in scope through GraphQL, newest update first, down to the window's
// floor (watermark − overlap, or the first-run look-back). Repositories are probed 25 at a time for their newest PR
// update (one point), so an unchanged repository costs no PR page at all. Each PR page carries the first page of
// every nested connection; the rows that overflow it (commits, reviews, comments, review threads and their comments)
// are completed by continuation pages with their own cursors — never truncated (defect §11.2-22) — and short lists
// stored on the PR (labels, assignees, requested reviewers) are completed before the page is handed on. The
// checkpoint after every page holds the repository, the PR cursor and the pending nested cursors, so a crash or a
// rate limit resumes exactly there (defect §11.2-29). Progress: the first probe also asks search how many PRs were
// updated in the window; each page states the records the step should yield (that count, at least the PRs read so
// far, plus the continuation records delivered and still pending), and the checkpoint carries the tallies.
import type { Queryable } from "../../../../db/port.ts";
import type { ExtractedPage, RunInfo } from "../../../connector.ts";
import { log } from "../../../../lib/log.ts";
import { type GitHubClient, isTooHeavy } from "../client/client.ts";
import {
  type Connection,
  continuationQuery,
  type ContinuationRef,
  continuationRequests,
  continuationVariables,
  type ListConnection,
  type PageSizes,
  planPrPageSize,
  pointsFor,
  probeQuery,
  prPageRequests,
  pullRequestPageQuery,
  type RowConnection,
} from "../client/queries.ts";
import type { GhConnection, GhPullRequest, GhThread, PageInfo } from "../client/types.ts";

export const PR_KINDS = { pullRequests: "github_pull_requests", nested: "github_pr_nested" } as const;

/** Repositories probed per query. */
export const PROBE_BATCH = 25;
/** Continuations answered per query (aliases). */
const CONTINUATIONS_PER_QUERY = 20;
/** Times a page is asked again at half the size after GitHub said it was too heavy. */
const SHRINKS = 3;

export interface RepoRef {
  id: string;
  fullName: string;
}

/** A nested connection still to complete: where it continues and what it has delivered so far. */
export interface Continuation extends ContinuationRef {
  pr: string;
  number: number;
  repo: string;
  /** Ids delivered so far (rows are reconciled against the full list once the connection ends). */
  seen: string[];
}

/** Which repositories of a probed batch changed since the floor (up to and including `last`). */
export interface ProbedBatch {
  last: string;
  changed: string[];
}

/** What the step has yielded so far, and search's count of PRs in the window (null: search could not say). */
export interface PrProgress {
  estimate: number | null;
  prs: number;
  nested: number;
}

export interface PrCheckpoint {
  done?: true;
  progress?: PrProgress;
  /** Full name of the repository in progress, or of the next one to consider. */
  repo?: string;
  /** PR cursor after the last page handed on (null = first page). */
  after?: string | null;
  /** Whether PR pages follow once the nested continuations are done. */
  morePrs?: boolean;
  nested?: Continuation[];
  /** The probe answer of the batch this position lies in. */
  batch?: ProbedBatch;
}

export interface PrRecord {
  repo: RepoRef;
  pr: GhPullRequest;
}

export interface NestedRecord {
  repo: string;
  pr: { id: string; number: number };
  parent: string;
  connection: RowConnection;
  nodes: unknown[];
  /** Present when the connection ended with this page: every id it holds. */
  complete?: string[];
}

export interface PrExtractOptions {
  sizes: PageSizes;
  maxPoints: number;
  /** Oldest update still read (window start, or the first-run look-back). */
  floor: Date;
  /** Search text counting the window's PRs (windowCountSearch); asked once per run with the first probe. */
  countSearch?: string;
}

const ROW_CONNECTIONS = ["commits", "reviews", "comments", "reviewThreads"] as const;
const LIST_CONNECTIONS: ListConnection[] = ["labels", "assignees", "reviewRequests"];

/** Repositories the PR step reads, in a stable order (C collation: the checkpoint compares names the same way). */
export async function repositoriesInScope(db: Queryable, run: RunInfo): Promise<RepoRef[]> {
  const rows = await db.query<{ external_id: string; full_name: string }>(
    `SELECT external_id, full_name FROM repositories WHERE tenant_id = $1 AND integration_id = $2 AND active
      ORDER BY full_name COLLATE "C", external_id`,
    [run.tenantId, run.integrationId],
  );
  return rows.map((r) => ({ id: r.external_id, fullName: r.full_name }));
}

function nodeId(connection: Connection, node: unknown): string {
  const n = node as { id?: string; commit?: { oid: string } };
  return connection === "commits" ? n.commit!.oid : String(n.id);
}

function splitName(fullName: string): [string, string] {
  const i = fullName.indexOf("/");
  return [fullName.slice(0, i), fullName.slice(i + 1)];
}

export async function* extractPullRequests(
  client: GitHubClient,
  repos: RepoRef[],
  options: PrExtractOptions,
  checkpoint: PrCheckpoint | null,
): AsyncGenerator<ExtractedPage> {
  if (checkpoint?.done) return;
  const floor = options.floor.getTime();
  let start = 0;
  if (checkpoint?.repo) {
    start = repos.findIndex((r) => r.fullName >= checkpoint.repo!);
    if (start < 0) return;
  }
  // inside a repository (a PR cursor or nested cursors saved), or only pointing at the next one to consider
  const inside = checkpoint?.after !== undefined || !!checkpoint?.nested?.length;
  let resume = inside && repos[start]?.fullName === checkpoint!.repo ? checkpoint : null;
  // the probe answer of the batch in progress travels in the checkpoint: a resumed chunk does not probe again
  let known = checkpoint?.batch;
  let progress: PrProgress | undefined = checkpoint?.progress;
  const counted = (page: ExtractedPage): ExtractedPage => {
    progress ??= { estimate: null, prs: 0, nested: 0 };
    if (page.kind === PR_KINDS.pullRequests) progress.prs += page.records.length;
    else progress.nested += page.records.length;
    const pending = (page.checkpoint as PrCheckpoint).nested?.length ?? 0;
    const prs = progress.estimate === null ? null : Math.max(progress.estimate, progress.prs);
    return {
      ...page,
      checkpoint: { ...(page.checkpoint as PrCheckpoint), progress: { ...progress } },
      ...(prs === null ? {} : { expectedRecords: prs + progress.nested + pending }),
    };
  };

  for (let b = start; b < repos.length;) {
    let end = Math.min(b + PROBE_BATCH, repos.length);
    let changed: Set<string>;
    const last = known ? repos.findIndex((r) => r.fullName === known!.last) : -1;
    if (known && last >= b) {
      end = last + 1;
      changed = new Set(known.changed);
    } else {
      const search = progress ? undefined : options.countSearch;
      const answer = await probe(client, repos.slice(b, end), floor, search);
      changed = answer.changed;
      if (!progress) progress = { estimate: answer.count, prs: 0, nested: 0 };
    }
    known = undefined;
    const batch: ProbedBatch = { last: repos[end - 1].fullName, changed: [...changed] };
    const after = (i: number): PrCheckpoint =>
      i + 1 >= repos.length ? { done: true } : { repo: repos[i + 1].fullName, ...(i + 1 < end ? { batch } : {}) };
    for (let index = b; index < end; index++) {
      const repo = repos[index];
      const state = resume?.repo === repo.fullName ? resume : null;
      resume = null;
      if (!state && !changed.has(repo.fullName)) continue;
      for await (const page of readRepository(client, repo, options, state, after(index), batch)) {
        yield counted(page);
      }
    }
    b = end;
  }
}

type ProbeData = Record<string, { pullRequests: GhConnection<{ updatedAt: string }> }> & {
  count?: { issueCount?: number } | null;
};

/**
 * Full names of the repositories whose newest PR update is at or after the floor; with `search`, also the number
 * of PRs it counts (null when search could not answer — an estimate is optional, the probe is not).
 */
async function probe(client: GitHubClient, batch: RepoRef[], floor: number, search?: string) {
  const { query, requests } = probeQuery(batch.length, search !== undefined);
  const variables: Record<string, string> = search === undefined ? {} : { q: search };
  batch.forEach((r, i) => [variables[`o${i}`], variables[`n${i}`]] = splitName(r.fullName));
  const { data, errors } = await client.graphql<ProbeData>(query, variables, pointsFor(requests), ["count"]);
  if (errors.length) log.warn("github probe answered with errors", { errors: errors.map((e) => e.message) });
  const changed = new Set<string>();
  batch.forEach((r, i) => {
    const newest = data[`r${i}`]?.pullRequests?.nodes?.[0]?.updatedAt;
    if (newest && Date.parse(newest) >= floor) changed.add(r.fullName);
  });
  const count = data.count?.issueCount;
  return { changed, count: typeof count === "number" && count >= 0 ? count : null };
}

async function* readRepository(
  client: GitHubClient,
  repo: RepoRef,
  options: PrExtractOptions,
  state: PrCheckpoint | null,
  next: PrCheckpoint,
  batch: ProbedBatch,
): AsyncGenerator<ExtractedPage> {
  let cursor = state?.after ?? null;
  let more = state ? state.morePrs !== false : true;
  let nested = [...(state?.nested ?? [])];
  let prs = planPrPageSize(options.sizes, options.maxPoints);
  const position = (): PrCheckpoint =>
    nested.length || more ? { repo: repo.fullName, after: cursor, morePrs: more, nested, batch } : next;

  while (true) {
    while (nested.length) {
      const { records, remaining } = await nextNestedPage(client, nested, options);
      nested = remaining;
      yield { kind: PR_KINDS.nested, records, checkpoint: position(), externalId: repo.fullName };
    }
    if (!more) return;
    const [owner, name] = splitName(repo.fullName);
    let page: GhConnection<GhPullRequest> | null = null;
    for (let shrink = 0; page === null; shrink++) {
      try {
        const query = pullRequestPageQuery(options.sizes, prs);
        const planned = pointsFor(prPageRequests(options.sizes, prs));
        const { data } = await client.graphql<{ repository: { pullRequests: GhConnection<GhPullRequest> } | null }>(
          query,
          { owner, name, after: cursor },
          planned,
        );
        if (!data.repository) {
          log.warn("github repository disappeared before its pull requests were read", { repo: repo.fullName });
          more = false;
          nested = [];
          return;
        }
        page = data.repository.pullRequests;
      } catch (e) {
        if (!isTooHeavy(e) || shrink >= SHRINKS || prs === 1) throw e;
        prs = Math.max(1, Math.ceil(prs / 2));
        log.warn("github answered a pull request page as too heavy; asking for fewer", { repo: repo.fullName, prs });
      }
    }
    const kept = page.nodes.filter((pr) => Date.parse(pr.updatedAt) >= options.floor.getTime());
    const endOfWindow = kept.length < page.nodes.length;
    await completeLists(client, kept, options);
    nested = kept.flatMap((pr) => continuationsOf(repo, pr));
    cursor = page.pageInfo?.endCursor ?? cursor;
    more = !!page.pageInfo?.hasNextPage && !endOfWindow;
    if (kept.length === 0) {
      if (!more) return;
      continue;
    }
    const records: PrRecord[] = kept.map((pr) => ({ repo, pr }));
    yield { kind: PR_KINDS.pullRequests, records, checkpoint: position(), externalId: repo.fullName };
  }
}

/** Row connections of a PR (and of its review threads) that continue past the first page. */
function continuationsOf(repo: RepoRef, pr: GhPullRequest): Continuation[] {
  const out: Continuation[] = [];
  const base = { pr: pr.id, number: pr.number, repo: repo.id };
  for (const connection of ROW_CONNECTIONS) {
    const c = pr[connection] as GhConnection<unknown>;
    if (c?.pageInfo?.hasNextPage && c.pageInfo.endCursor) {
      out.push({
        ...base,
        parent: pr.id,
        connection,
        cursor: c.pageInfo.endCursor,
        seen: c.nodes.map((n) => nodeId(connection, n)),
      });
    }
  }
  out.push(...threadContinuations(base, pr.reviewThreads?.nodes ?? []));
  return out;
}

function threadContinuations(base: Omit<Continuation, keyof ContinuationRef | "seen">, threads: GhThread[]) {
  return threads.filter((t) => t.comments?.pageInfo?.hasNextPage && t.comments.pageInfo.endCursor).map((t) => ({
    ...base,
    parent: t.id,
    connection: "threadComments" as const,
    cursor: t.comments.pageInfo!.endCursor!,
    seen: t.comments.nodes.map((n) => n.id),
  }));
}

/** Answers of one continuation query: `n<i>` holds the connection of entry i. */
type ContinuationData = Record<string, Record<string, GhConnection<unknown>> | null>;

async function runContinuations(
  client: GitHubClient,
  refs: ContinuationRef[],
  sizes: PageSizes,
): Promise<ContinuationData> {
  const requests = refs.reduce((n, r) => n + continuationRequests(r.connection), 0);
  const { data } = await client.graphql<ContinuationData>(
    continuationQuery(refs, sizes),
    continuationVariables(refs),
    pointsFor(requests),
  );
  return data;
}

function connectionOf(data: ContinuationData, i: number, connection: Connection): GhConnection<unknown> | null {
  const node = data[`n${i}`];
  if (!node) return null;
  return (node[connection === "threadComments" ? "comments" : connection] ?? null) as GhConnection<unknown> | null;
}

/** Takes the first continuations that fit one query (by planned cost), shrinking when GitHub says too heavy. */
async function nextNestedPage(client: GitHubClient, pending: Continuation[], options: PrExtractOptions) {
  let take = 0;
  let requests = 0;
  while (take < pending.length && take < CONTINUATIONS_PER_QUERY) {
    const cost = continuationRequests(pending[take].connection);
    if (take > 0 && pointsFor(requests + cost) > options.maxPoints) break;
    requests += cost;
    take++;
  }
  for (let shrink = 0;; shrink++) {
    const batch = pending.slice(0, take);
    try {
      const data = await runContinuations(client, batch, options.sizes);
      return assemble(batch, pending.slice(take), data);
    } catch (e) {
      if (!isTooHeavy(e) || shrink >= SHRINKS || take === 1) throw e;
      take = Math.max(1, Math.ceil(take / 2));
    }
  }
}

function assemble(batch: Continuation[], rest: Continuation[], data: ContinuationData) {
  const records: NestedRecord[] = [];
  const remaining: Continuation[] = [];
  batch.forEach((c, i) => {
    const conn = connectionOf(data, i, c.connection);
    if (!conn) {
      // the PR or thread was deleted meanwhile: nothing more to read, and nothing to reconcile against
      log.warn("github node vanished during nested pagination", { node: c.parent, connection: c.connection });
      return;
    }
    const connection = c.connection as RowConnection;
    const ids = conn.nodes.map((n) => nodeId(connection, n));
    const seen = [...c.seen, ...ids];
    const info: PageInfo | undefined = conn.pageInfo;
    // a cursor that does not move would loop forever: treat it as the end
    const continues = !!info?.hasNextPage && !!info.endCursor && info.endCursor !== c.cursor;
    records.push({
      repo: c.repo,
      pr: { id: c.pr, number: c.number },
      parent: c.parent,
      connection,
      nodes: conn.nodes,
      ...(continues ? {} : { complete: seen }),
    });
    if (continues) remaining.push({ ...c, cursor: info!.endCursor!, seen });
    if (connection === "reviewThreads") {
      remaining.push(...threadContinuations({ pr: c.pr, number: c.number, repo: c.repo }, conn.nodes as GhThread[]));
    }
  });
  return { records, remaining: [...remaining, ...rest] };
}

/** Completes labels, assignees and requested reviewers in place (they are stored as lists on the PR row). */
async function completeLists(client: GitHubClient, prs: GhPullRequest[], options: PrExtractOptions) {
  let pending: Array<{ pr: GhPullRequest; ref: ContinuationRef }> = [];
  for (const pr of prs) {
    for (const connection of LIST_CONNECTIONS) {
      const info = (pr[connection] as GhConnection<unknown>)?.pageInfo;
      if (info?.hasNextPage && info.endCursor) {
        pending.push({ pr, ref: { parent: pr.id, connection, cursor: info.endCursor } });
      }
    }
  }
  while (pending.length) {
    const batch = pending.slice(0, CONTINUATIONS_PER_QUERY);
    const data = await runContinuations(client, batch.map((p) => p.ref), options.sizes);
    const next: typeof pending = [];
    batch.forEach(({ pr, ref }, i) => {
      const conn = connectionOf(data, i, ref.connection);
      const target = pr[ref.connection as ListConnection] as GhConnection<unknown>;
      if (!conn) return;
      target.nodes.push(...conn.nodes);
      const info = conn.pageInfo;
      const continues = !!info?.hasNextPage && !!info.endCursor && info.endCursor !== ref.cursor;
      target.pageInfo = { hasNextPage: false, endCursor: info?.endCursor ?? null };
      if (continues) next.push({ pr, ref: { ...ref, cursor: info!.endCursor! } });
    });
    pending = [...next, ...pending.slice(batch.length)];
  }
}
