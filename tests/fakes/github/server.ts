// A fake GitHub over real HTTP (127.0.0.1, ephemeral port) for connector tests: GraphQL (schema-validated, priced,
// paginated; see graphql.ts) and the REST calls Sluice makes (repository listings with Link headers, /user,
// /rate_limit, GitHub App installation look-up and token exchange with RS256 JWT verification). Budgets per hour
// for the core (requests) and graphql (points) resources with x-ratelimit-* headers; an exhausted GraphQL budget
// answers HTTP 200 with errors[].type RATE_LIMITED (or RATE_LIMIT); `enterprise` serves an Enterprise Server with
// rate limiting off (no headers, rateLimit null, /rate_limit 404). Faults are injected on demand like the fake
// Jira's: secondary limits (403/429, with or without Retry-After), 5xx, GraphQL error bodies, delays, truncated
// JSON, HTML pages, dropped connections, expired tokens. Every request is logged.
import { importSPKI, jwtVerify } from "jose";
import { abortableDelay, FaultQueue, type FaultTarget, jsonResponse, resetMidBody, truncate } from "../jira/faults.ts";
import { analyze, notFoundErrors, parseQuery, run } from "./graphql.ts";
import { loadRecorded, recording } from "./recorded.ts";
import { GitHubStore } from "./store.ts";
import { addSynthetic, type SynthOptions } from "./synth.ts";
import { repositoryRoutes, type RestContext } from "./rest.ts";

export type GitHubFault =
  & FaultTarget
  & (
    | { kind: "secondary"; status: 403 | 429; retryAfterSeconds?: number }
    | { kind: "status"; status: number; retryAfterSeconds?: number }
    | { kind: "graphql_rate_limited"; errorType?: "RATE_LIMITED" | "RATE_LIMIT"; resetSeconds?: number }
    | { kind: "graphql_error"; errorType?: string; message: string }
    | { kind: "delay"; ms: number }
    | { kind: "truncated_json" }
    | { kind: "html"; status?: number }
    | { kind: "reset" }
    | { kind: "expired_token" }
  );

export interface FakeGitHubOptions {
  /** Serve the recorded JupiterOne-Sandbox organization (default true). */
  recorded?: boolean;
  synthetic?: SynthOptions | SynthOptions[];
  token?: string;
  /** A GitHub App: JWTs must verify with this public key (SPKI PEM) and name this app id as issuer. */
  app?: { appId: string | number; publicKeyPem: string; installationId: number; tokenTtlMs?: number };
  /** Points per hour (graphql) and requests per hour (core); default 5,000 each. */
  budget?: { graphql?: number; core?: number };
  /** Enterprise Server with rate limiting switched off. */
  enterprise?: boolean;
  /** REST page size cap (GitHub: 100). */
  maxPerPage?: number;
  clock?: { now(): number };
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  kind: "rest" | "graphql";
  operation?: string;
  variables?: Record<string, unknown>;
  cost?: number;
  auth: "token" | "app_jwt" | "installation" | "none" | "invalid";
}

export interface FakeGitHub {
  url: string;
  store: GitHubStore;
  token: string;
  requests: LoggedRequest[];
  internalErrors: string[];
  /** Points spent per resource in the current window. */
  used: { graphql: number; core: number };
  installationTokens: number;
  inject(fault: GitHubFault): void;
  clearFaults(): void;
  graphqlRequests(operation?: string): LoggedRequest[];
  close(): Promise<void>;
}

const HOUR = 3_600_000;

function githubError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return jsonResponse({ message, documentation_url: "https://docs.github.com/rest" }, status, headers);
}

export function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const clock = options.clock ?? { now: () => Date.now() };
  const store = new GitHubStore();
  if (options.recorded !== false) loadRecorded(store);
  for (const s of [options.synthetic ?? []].flat()) addSynthetic(store, s);
  const token = options.token ?? "ghp_fakeGitHubToken0123456789abcdefABCD";
  const faults = new FaultQueue<GitHubFault>();
  const requests: LoggedRequest[] = [];
  const internalErrors: string[] = [];
  const closing = new AbortController();
  const limits = { graphql: options.budget?.graphql ?? 5000, core: options.budget?.core ?? 5000 };
  const used = { graphql: 0, core: 0 };
  let windowStart = clock.now();
  const installationTokens = new Map<string, number>();
  let minted = 0;
  const appKey = options.app ? importSPKI(options.app.publicKeyPem, "RS256") : undefined;

  const window = () => {
    if (clock.now() - windowStart >= HOUR) {
      windowStart = clock.now();
      used.graphql = used.core = 0;
    }
    return windowStart + HOUR;
  };
  const budgetHeaders = (resource: "graphql" | "core"): Record<string, string> => {
    if (options.enterprise) return {};
    const reset = window();
    return {
      "x-ratelimit-limit": String(limits[resource]),
      "x-ratelimit-remaining": String(Math.max(0, limits[resource] - used[resource])),
      "x-ratelimit-used": String(used[resource]),
      "x-ratelimit-reset": String(Math.ceil(reset / 1000)),
      "x-ratelimit-resource": resource,
    };
  };

  const authenticate = async (header: string | null): Promise<LoggedRequest["auth"]> => {
    const bearer = header?.match(/^(?:Bearer|token)\s+(.+)$/i)?.[1];
    if (!bearer) return "none";
    if (bearer === token) return "token";
    const expires = installationTokens.get(bearer);
    if (expires !== undefined) return expires > clock.now() ? "installation" : "invalid";
    if (appKey && bearer.split(".").length === 3) {
      try {
        const { payload } = await jwtVerify(bearer, await appKey, {
          issuer: String(options.app!.appId),
          currentDate: new Date(clock.now()),
        });
        if ((payload.exp ?? 0) - (payload.iat ?? 0) > 600) return "invalid";
        return "app_jwt";
      } catch {
        return "invalid";
      }
    }
    return "invalid";
  };

  const rest: RestContext = { store, options, budgetHeaders, used, baseUrl: "" };

  const graphql = async (body: unknown, entry: LoggedRequest, fault: GitHubFault | undefined): Promise<Response> => {
    const { query, variables = {} } = (body ?? {}) as { query?: string; variables?: Record<string, unknown> };
    if (typeof query !== "string") {
      return jsonResponse({ errors: [{ message: "A query attribute must be specified" }] });
    }
    const parsed = parseQuery(query);
    const op = parsed.doc?.definitions.find((d) => d.kind === "OperationDefinition") as
      | { name?: { value: string } }
      | undefined;
    entry.operation = op?.name?.value;
    entry.variables = variables;
    if (!parsed.doc || parsed.errors.length) return jsonResponse({ errors: parsed.errors });
    const analysis = analyze(parsed.doc, variables);
    if (analysis.errors.length) return jsonResponse({ errors: analysis.errors });
    entry.cost = analysis.cost;
    const reset = window();
    if (fault?.kind === "graphql_rate_limited") {
      const at = clock.now() + (fault.resetSeconds ?? 600) * 1000;
      return jsonResponse(
        {
          data: null,
          errors: [{ type: fault.errorType ?? "RATE_LIMITED", message: "API rate limit exceeded for user ID 1." }],
        },
        200,
        {
          ...budgetHeaders("graphql"),
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(Math.ceil(at / 1000)),
        },
      );
    }
    if (fault?.kind === "graphql_error") {
      return jsonResponse({ data: null, errors: [{ type: fault.errorType, message: fault.message }] });
    }
    if (!options.enterprise && used.graphql + analysis.cost > limits.graphql) {
      return jsonResponse(
        { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for user ID 1." }] },
        200,
        budgetHeaders("graphql"),
      );
    }
    if (!options.enterprise) used.graphql += analysis.cost;
    const rateLimit = options.enterprise ? null : {
      cost: analysis.cost,
      limit: limits.graphql,
      remaining: limits.graphql - used.graphql,
      used: used.graphql,
      nodeCount: analysis.nodes,
      resetAt: new Date(reset).toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    const result = await run(parsed.doc, variables, { store, rateLimit });
    const errors = [...result.errors, ...notFoundErrors(parsed.doc, result.data, variables)];
    return jsonResponse(errors.length ? { data: result.data, errors } : { data: result.data }, 200, {
      ...budgetHeaders("graphql"),
    });
  };

  const respond = async (req: Request, url: URL, body: unknown, entry: LoggedRequest): Promise<Response> => {
    const fault = faults.take(req.method, url.pathname);
    if (fault?.kind === "delay") await abortableDelay(fault.ms, closing.signal);
    if (fault?.kind === "secondary") {
      const headers: Record<string, string> = { ...budgetHeaders(entry.kind === "graphql" ? "graphql" : "core") };
      if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
      return githubError(
        fault.status,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        headers,
      );
    }
    if (fault?.kind === "status") {
      const headers: Record<string, string> = fault.retryAfterSeconds === undefined
        ? {}
        : { "retry-after": String(fault.retryAfterSeconds) };
      return githubError(fault.status, "Server Error (injected)", headers);
    }
    if (fault?.kind === "html") {
      return new Response("<!DOCTYPE html><html><body><h1>Unicorn! This page is taking too long</h1></body></html>", {
        status: fault.status ?? 200,
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    }
    if (fault?.kind === "expired_token" || entry.auth === "none" || entry.auth === "invalid") {
      return githubError(401, "Bad credentials");
    }
    let response: Response;
    if (entry.kind === "graphql") {
      if (entry.auth === "app_jwt") return githubError(403, "A JSON web token could not be used for this request");
      response = await graphql(body, entry, fault);
    } else {
      response = await restRoute(req, url, body, entry);
    }
    if (fault?.kind === "truncated_json") response = await truncate(response);
    if (fault?.kind === "reset") response = await resetMidBody(response);
    return response;
  };

  const restRoute = async (req: Request, url: URL, body: unknown, entry: LoggedRequest): Promise<Response> => {
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, "");
    if (path === "/rate_limit") {
      if (options.enterprise) return githubError(404, "Rate limiting is not enabled.");
      const reset = Math.ceil(window() / 1000);
      const r = (k: "core" | "graphql") => ({ limit: limits[k], remaining: limits[k] - used[k], used: used[k], reset });
      return jsonResponse({ resources: { core: r("core"), graphql: r("graphql") }, rate: r("core") });
    }
    if (path.startsWith("/app")) return await appRoute(req.method, path, entry);
    if (entry.auth === "app_jwt") return githubError(401, "A JSON web token could not be used for this request");
    if (!options.enterprise) {
      window();
      if (used.core >= limits.core) {
        return githubError(403, "API rate limit exceeded for user ID 1.", {
          ...budgetHeaders("core"),
          "x-ratelimit-remaining": "0",
        });
      }
      used.core++;
    }
    if (path === "/user") {
      return jsonResponse({ login: "sluice-bot", id: 4242, name: "Sluice Bot", type: "User" }, 200, {
        ...budgetHeaders("core"),
        ...(entry.auth === "token" ? { "x-oauth-scopes": "read:org, repo" } : {}),
      });
    }
    const routed = repositoryRoutes(rest, req.method, path, url);
    if (routed) return routed;
    void body;
    return githubError(404, "Not Found");
  };

  const appRoute = async (method: string, path: string, entry: LoggedRequest): Promise<Response> => {
    const app = options.app;
    if (!app) return githubError(404, "Not Found");
    if (entry.auth !== "app_jwt") return githubError(401, "A JSON web token is required for this endpoint");
    if (method === "GET" && path === "/app") {
      return jsonResponse({ id: Number(app.appId), slug: "sluice-test", name: "Sluice Test" });
    }
    const install = path.match(/^\/app\/installations\/(\d+)(\/access_tokens)?$/);
    if (!install || Number(install[1]) !== app.installationId) return githubError(404, "Not Found");
    if (method === "GET" && !install[2]) {
      return jsonResponse({ ...recording().installation, id: app.installationId, app_id: Number(app.appId) });
    }
    if (method === "POST" && install[2]) {
      const value = `ghs_${crypto.randomUUID().replaceAll("-", "")}`;
      const expires = clock.now() + (app.tokenTtlMs ?? HOUR);
      installationTokens.set(value, expires);
      minted++;
      return await Promise.resolve(jsonResponse({
        token: value,
        expires_at: new Date(expires).toISOString(),
        permissions: { metadata: "read", pull_requests: "read", contents: "read" },
        repository_selection: "all",
      }, 201));
    }
    return githubError(404, "Not Found");
  };

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const isGraphql = /^(\/api)?\/graphql$/.test(url.pathname);
    const entry: LoggedRequest = {
      method: req.method,
      path: url.pathname + url.search,
      status: 0,
      kind: isGraphql ? "graphql" : "rest",
      auth: await authenticate(req.headers.get("authorization")),
    };
    requests.push(entry);
    const text = req.method === "GET" ? "" : await req.text();
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        entry.status = 400;
        return githubError(400, "Problems parsing JSON");
      }
    }
    if (isGraphql && req.method !== "POST") return githubError(404, "Not Found");
    // installation lookups (/orgs/{org}/installation) authenticate as the App
    const installationLookup = url.pathname.match(/^(?:\/api\/v3)?\/(orgs|users)\/([^/]+)\/installation$/);
    let response: Response;
    try {
      if (installationLookup && entry.auth === "app_jwt") {
        const owner = store.owner(installationLookup[2]);
        const ok = owner && (owner.kind === "Organization") === (installationLookup[1] === "orgs");
        response = ok && options.app ? jsonResponse({ id: options.app.installationId }) : githubError(404, "Not Found");
      } else response = await respond(req, url, body, entry);
    } catch (error) {
      internalErrors.push(`${req.method} ${url.pathname}: ${(error as Error).stack ?? error}`);
      response = githubError(500, `fake GitHub internal error: ${(error as Error).message}`);
    }
    entry.status = response.status;
    return response;
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  const url = `http://127.0.0.1:${server.addr.port}`;
  rest.baseUrl = url;

  return Promise.resolve({
    url,
    store,
    token,
    requests,
    internalErrors,
    used,
    get installationTokens() {
      return minted;
    },
    inject: (fault) => void faults.add(fault),
    clearFaults: () => faults.clear(),
    graphqlRequests: (operation) =>
      requests.filter((r) => r.kind === "graphql" && (!operation || r.operation === operation)),
    async close() {
      closing.abort();
      await server.shutdown();
    },
  });
}
