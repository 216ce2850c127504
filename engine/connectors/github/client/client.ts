// Typed GitHub client on top of SourceHttpClient (pacing, retries, typed errors): REST for repository listings
// (Link-header pagination, `x-ratelimit-*` of the core budget) and GraphQL for pull requests (point budget from
// `rateLimit { cost remaining resetAt }` and the graphql resource headers). What GitHub's budgets need beyond the
// shared client:
// - an exhausted GraphQL quota arrives as HTTP 200 with errors[].type RATE_LIMITED (older) or RATE_LIMIT (newer);
// - a secondary limit can arrive as 403 without Retry-After: wait at least a minute;
// - a query is not sent when the reported budget cannot pay its planned cost: the run parks until the reset;
// - an Enterprise Server with rate limiting off reports no budget at all, which means unlimited, not exhausted.
import { SourceHttpClient, type SourceHttpClientOptions, type SourceResponse } from "../../../http/client.ts";
import { type Clock, systemClock } from "../../../http/clock.ts";
import {
  RateLimitedError,
  SourceAuthError,
  SourceResponseError,
  SourceUnavailableError,
} from "../../../http/errors.ts";
import { redactUrl } from "../../../http/redact.ts";
import { GitHubAppAuth } from "./app_auth.ts";
import { type ApiUrls, apiUrls, type GitHubCredentials } from "../settings.ts";
import type { GhRateLimit, GhRepository } from "./types.ts";

export type GitHubHttpOptions = Omit<SourceHttpClientOptions, "baseUrl" | "authorization" | "secrets">;

export interface GitHubClientOptions {
  baseUrl: string;
  credentials: GitHubCredentials;
  /** Organization/user logins (to find a GitHub App's installation). */
  owners?: readonly string[];
  installationId?: number;
  http?: GitHubHttpOptions;
}

/** The budget GitHub last reported for one resource (core, graphql, …). */
export interface Budget {
  resource: string;
  unlimited: boolean;
  limit: number | null;
  remaining: number | null;
  resetAt: Date | null;
  lastCost: number | null;
}

export interface GraphQLErrorItem {
  type?: string;
  message: string;
  path?: (string | number)[];
}

/** A GraphQL answer whose errors say the query was too heavy (node limit, timeout, resource limits). */
export class GitHubQueryTooHeavyError extends SourceResponseError {
  override readonly name = "SourceResponseError" as const;
  readonly tooHeavy = true;
}

const RATE_TYPES = new Set(["RATE_LIMITED", "RATE_LIMIT"]);
const HEAVY = /MAX_NODE_LIMIT_EXCEEDED|timeout|timed out|resource limits|couldn't respond|took too long/i;
const SECONDARY_WAIT_MS = 60_000;
/** GraphQL rate limits slept through in place before parking (when the wait is within maxWaitMs). */
const MAX_BODY_RATE_RETRIES = 3;

/** Repositories per listing page (GitHub's maximum). */
export const REPOSITORY_PAGE = 100;

export interface RepositoryPage {
  repositories: GhRepository[];
  /** Path + query of the next page (null = last page). */
  next: string | null;
  /** Pages still to come (from the Link header's next and last pages; 0 on the last page, null when unsaid). */
  pagesAfter: number | null;
}

/** Pages after this one, from the `page` numbers of rel="next" and rel="last" (GitHub names both but the last). */
export function pagesAfter(link: string | null): number | null {
  if (!link) return 0;
  const page = (rel: string) => {
    const m = link.split(",").map((p) => p.match(new RegExp(`<([^>]+)>\\s*;\\s*rel="?${rel}"?`))).find((x) => x);
    const n = m ? Number(new URL(m[1], "http://x").searchParams.get("page")) : NaN;
    return Number.isInteger(n) && n > 0 ? n : null;
  };
  const next = page("next");
  if (next === null) return link.includes('rel="next"') ? null : 0;
  const last = page("last");
  return last === null ? null : last - next + 1;
}

export class GitHubClient {
  readonly urls: ApiUrls;
  readonly rest: SourceHttpClient;
  readonly gql: SourceHttpClient;
  readonly app: GitHubAppAuth | undefined;
  readonly budgets = new Map<string, Budget>();
  /** GraphQL points GitHub reported as spent by this client (planned cost where it reports none). */
  points = 0;
  graphqlRequests = 0;
  private readonly clock: Clock;
  private readonly maxWaitMs: number;
  private readonly graphqlPath: string;

  constructor(private readonly options: GitHubClientOptions) {
    this.urls = apiUrls(options.baseUrl);
    this.clock = options.http?.clock ?? systemClock;
    this.maxWaitMs = options.http?.maxWaitMs ?? 60_000;
    const credentials = options.credentials;
    const base = {
      ...options.http,
      provider: "github", // the label of these requests in metrics
      headers: { "x-github-api-version": "2022-11-28", ...options.http?.headers },
    };
    if (credentials.kind === "github_app") {
      this.app = new GitHubAppAuth(
        {
          apiUrl: this.urls.rest,
          appId: credentials.appId,
          privateKey: credentials.privateKey,
          installationId: options.installationId,
          owners: options.owners ?? [],
          now: () => this.clock.now(),
        },
        (authorization) => new SourceHttpClient({ ...base, pacer: false, baseUrl: this.urls.rest, authorization }),
      );
    }
    const app = this.app;
    const authorization = app
      ? async () => `Bearer ${await app.token()}`
      : () => `Bearer ${(credentials as { token: string }).token}`;
    const secrets = () => app ? app.secrets : [(credentials as { token: string }).token];
    this.rest = new SourceHttpClient({ ...base, baseUrl: this.urls.rest, authorization, secrets });
    // the endpoint is a path of its own (…/graphql, not …/graphql/): base = its folder, path = its last segment
    const endpoint = new URL(this.urls.graphql);
    const slash = endpoint.pathname.lastIndexOf("/");
    this.graphqlPath = endpoint.pathname.slice(slash);
    this.gql = new SourceHttpClient({
      ...base,
      baseUrl: `${endpoint.origin}${endpoint.pathname.slice(0, slash)}`,
      authorization,
      secrets,
    });
  }

  /** GET of a REST path, with the core budget recorded and a refused App token minted again once. */
  async restGet<T>(path: string, query?: Record<string, string | number>): Promise<SourceResponse<T>> {
    const res = await this.authorized(() => this.rest.getJson<T>(path, query, { endpoint: `GET ${endpointOf(path)}` }));
    this.observeHeaders(res.headers, "core");
    return res;
  }

  /** One page of an owner's repositories; `page` is a path from a previous page's Link header. */
  async repositoryPage(owner: string, kind: "orgs" | "users", page?: string): Promise<RepositoryPage> {
    const res = page
      ? await this.restGet<GhRepository[]>(...this.splitPath(page))
      : await this.restGet<GhRepository[]>(`/${kind}/${encodeURIComponent(owner)}/repos`, {
        type: kind === "orgs" ? "all" : "owner",
        sort: "full_name",
        direction: "asc",
        per_page: REPOSITORY_PAGE,
      });
    if (!Array.isArray(res.body)) {
      throw new SourceResponseError("expected a list of repositories", {
        method: "GET",
        url: redactUrl(this.rest.buildUrl(page ?? `/${kind}/${owner}/repos`)),
        status: res.status,
        attempts: res.attempts,
      });
    }
    const link = res.headers.get("link");
    return { repositories: res.body, next: this.nextLink(link), pagesAfter: pagesAfter(link) };
  }

  /**
   * Runs a query. `plannedPoints` is the cost the caller computed; the query is not sent when the last reported
   * budget cannot pay for it. Returns data and the errors that still came with data (e.g. NOT_FOUND of one alias,
   * or an error of an `optional` field).
   */
  async graphql<T>(
    query: string,
    variables: Record<string, unknown>,
    plannedPoints = 1,
    /** Top-level fields whose errors leave that field null instead of failing the query (optional extras). */
    optional: readonly string[] = [],
  ): Promise<{ data: T; errors: GraphQLErrorItem[] }> {
    for (let attempt = 0;; attempt++) {
      await this.ensureBudget(plannedPoints);
      this.graphqlRequests++;
      const res = await this.authorized(() =>
        this.gql.postJson<{ data?: T | null; errors?: GraphQLErrorItem[] }>(this.graphqlPath, { query, variables }, {
          endpoint: "POST graphql",
        })
      );
      const body = res.body ?? {};
      const rate = (body.data as { rateLimit?: GhRateLimit | null } | null | undefined)?.rateLimit;
      this.observeGraphql(res.headers, rate ?? null, plannedPoints);
      const errors = Array.isArray(body.errors) ? body.errors : [];
      const limited = errors.find((e) => RATE_TYPES.has(e.type ?? "") || /rate limit/i.test(e.message ?? ""));
      if (limited) {
        const resumeAt = this.resumeAfterLimit(res.headers, rate ?? null);
        const wait = resumeAt.getTime() - this.clock.now();
        if (wait <= this.maxWaitMs && attempt < MAX_BODY_RATE_RETRIES) {
          await this.clock.sleep(wait);
          continue;
        }
        throw new RateLimitedError({
          method: "POST",
          url: redactUrl(this.urls.graphql),
          status: res.status,
          attempts: attempt + 1,
          resumeAt,
          reason: `GitHub GraphQL ${limited.type ?? "rate limit"}: ${limited.message}`.slice(0, 200),
        });
      }
      const fatal = errors.filter((e) => e.type !== "NOT_FOUND" && !optional.includes(String(e.path?.[0])));
      if (fatal.length || body.data === undefined || body.data === null) {
        const text = (fatal.length ? fatal : errors).map((e) => `${e.type ?? "ERROR"}: ${e.message}`).join("; ");
        const details = {
          method: "POST",
          url: redactUrl(this.urls.graphql),
          status: res.status,
          attempts: res.attempts,
          excerpt: text.slice(0, 300),
        };
        if (HEAVY.test(text)) throw new GitHubQueryTooHeavyError("query too heavy for GitHub", details);
        throw new SourceResponseError(text ? "GraphQL errors" : "GraphQL answer without data", details);
      }
      return { data: body.data, errors };
    }
  }

  /** The last reported budget of a resource (undefined before the first answer). */
  budget(resource: string): Budget | undefined {
    return this.budgets.get(resource);
  }

  /** Sends via `send`; an App token GitHub refuses (401) is minted again once; a 403 secondary limit parks. */
  private async authorized<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      if (e instanceof SourceAuthError && e.status === 401 && this.app) {
        this.app.invalidate();
        return await this.secondaryAware(send);
      }
      throw this.asSecondaryLimit(e);
    }
  }

  private async secondaryAware<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      throw this.asSecondaryLimit(e);
    }
  }

  /** GitHub's secondary limit without Retry-After comes as a plain 403 whose message names the limit. */
  private asSecondaryLimit(e: unknown): unknown {
    if (!(e instanceof SourceAuthError) || e.status !== 403 || !/rate limit|abuse/i.test(e.excerpt ?? "")) return e;
    return new RateLimitedError({
      method: e.method,
      url: e.url,
      status: e.status,
      attempts: e.attempts,
      excerpt: e.excerpt,
      resumeAt: new Date(this.clock.now() + SECONDARY_WAIT_MS),
      reason: "GitHub secondary rate limit",
    });
  }

  private async ensureBudget(planned: number): Promise<void> {
    const b = this.budgets.get("graphql");
    if (!b || b.unlimited || b.remaining === null || b.remaining >= planned || !b.resetAt) return;
    const wait = b.resetAt.getTime() - this.clock.now();
    if (wait <= 0) return;
    if (wait <= this.maxWaitMs) return await this.clock.sleep(wait);
    throw new RateLimitedError({
      method: "POST",
      url: redactUrl(this.urls.graphql),
      attempts: 0,
      resumeAt: b.resetAt,
      reason: `GitHub GraphQL budget: ${b.remaining} points left, the next query plans ${planned}`,
    });
  }

  private observeGraphql(headers: Headers, rate: GhRateLimit | null, planned: number): void {
    const fromHeaders = this.observeHeaders(headers, "graphql");
    if (rate) {
      const resetAt = new Date(rate.resetAt);
      this.budgets.set("graphql", {
        resource: "graphql",
        unlimited: false,
        limit: rate.limit,
        remaining: rate.remaining,
        resetAt: Number.isFinite(resetAt.getTime()) ? resetAt : fromHeaders?.resetAt ?? null,
        lastCost: rate.cost,
      });
      this.points += rate.cost;
      return;
    }
    this.points += planned;
    if (!fromHeaders) {
      // no rateLimit object and no headers: rate limiting is switched off (Enterprise Server) — unlimited
      this.budgets.set("graphql", {
        resource: "graphql",
        unlimited: true,
        limit: null,
        remaining: null,
        resetAt: null,
        lastCost: null,
      });
    }
  }

  /** Records x-ratelimit-* when present; returns the budget or undefined when the answer carried none. */
  private observeHeaders(headers: Headers, fallbackResource: string): Budget | undefined {
    const limit = headers.get("x-ratelimit-limit");
    const remaining = headers.get("x-ratelimit-remaining");
    if (limit === null || remaining === null) return undefined;
    const resource = headers.get("x-ratelimit-resource") ?? fallbackResource;
    const reset = Number(headers.get("x-ratelimit-reset"));
    const budget: Budget = {
      resource,
      unlimited: false,
      limit: Number(limit),
      remaining: Number(remaining),
      resetAt: Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : null,
      lastCost: null,
    };
    this.budgets.set(resource, budget);
    return budget;
  }

  private resumeAfterLimit(headers: Headers, rate: GhRateLimit | null): Date {
    const now = this.clock.now();
    const retryAfter = Number(headers.get("retry-after"));
    if (Number.isFinite(retryAfter) && retryAfter > 0) return new Date(now + retryAfter * 1000);
    const reset = Number(headers.get("x-ratelimit-reset"));
    if (Number.isFinite(reset) && reset * 1000 > now) return new Date(reset * 1000);
    const at = rate ? Date.parse(rate.resetAt) : NaN;
    if (Number.isFinite(at) && at > now) return new Date(at);
    return new Date(now + SECONDARY_WAIT_MS);
  }

  /** The rel="next" target of a Link header as a path below the REST base (another origin is refused). */
  private nextLink(link: string | null): string | null {
    if (!link) return null;
    const m = link.split(",").map((p) => p.match(/<([^>]+)>\s*;\s*rel="?next"?/)).find((x) => x);
    if (!m) return null;
    const next = new URL(m[1], this.urls.rest);
    const base = new URL(this.urls.rest);
    const prefix = base.pathname.replace(/\/+$/, "");
    if (next.origin !== base.origin || !next.pathname.startsWith(prefix)) {
      throw new SourceResponseError("Link header points outside the API", {
        method: "GET",
        url: redactUrl(next),
        attempts: 1,
      });
    }
    return next.pathname.slice(prefix.length) + next.search;
  }

  private splitPath(pathAndQuery: string): [string, Record<string, string>] {
    const url = new URL(pathAndQuery, "http://x");
    return [url.pathname, Object.fromEntries(url.searchParams)];
  }
}

function endpointOf(path: string): string {
  return path.replace(/\/[^/]+\/repos$/, "/{owner}/repos").replace(/\/\d+(?=\/|$)/g, "/{id}");
}

/** Whether an error means "this query asked too much at once" (shrink the page and try again). */
export function isTooHeavy(e: unknown): boolean {
  return e instanceof GitHubQueryTooHeavyError ||
    (e instanceof SourceUnavailableError && (e.status === 502 || e.status === 504 || e.status === undefined));
}
