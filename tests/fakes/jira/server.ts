// A fake Jira Cloud over real HTTP for connector tests. It replays the recorded responses in ../shared/fixtures
// through the real endpoints and pagination semantics, can add deterministic synthesized issues (100,000 are
// cheap: they are computed per page), emulates a request budget, injects faults on demand and logs every request.
//
//   const jira = await startFakeJira({ synthetic: { count: 500 } });
//   … new JiraClient({ baseUrl: jira.url, auth: jira.basicAuth }) …
//   jira.inject({ kind: "rate_limit", retryAfterSeconds: 2, path: "/search/jql" });
//   assertEquals(jira.count("/search/jql"), 3);
//   await jira.close();
import { bulkIssueRoutes } from "./routes_bulk_issues.ts";
import {
  abortableDelay,
  type Fault,
  type FaultHandle,
  FaultQueue,
  htmlPage,
  jiraError,
  rateLimitResponse,
  resetMidBody,
  truncate,
} from "./faults.ts";
import { recordedData } from "./fixtures.ts";
import { agileRoutes } from "./routes_agile.ts";
import { issueRoutes } from "./routes_issues.ts";
import { dataCenterRoutes } from "./routes_dc_search.ts";
import { metaRoutes } from "./routes_meta.ts";
import type { FakeConfig, FakeState, Route } from "./state.ts";
import { IssueStore, storedFromIssue, type StoredIssue } from "./store.ts";
import type { SynthOptions } from "./synth.ts";

export type { FakeConfig, Fault, FaultHandle, StoredIssue, SynthOptions };

export interface FakeJiraOptions extends Partial<Omit<FakeConfig, "permissions">> {
  /** Serve the recorded merico issues (default true). */
  recorded?: boolean;
  synthetic?: SynthOptions;
  permissions?: string[];
  /** Time source shared with the client under test (e.g. a VirtualClock); default Date.now. */
  clock?: { now(): number };
  /** Emulated budget: `limit` requests per `windowMs`, then 429 + Retry-After; responses carry X-RateLimit-*. */
  rateLimit?: { limit: number; windowMs: number; reason?: string };
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body: unknown;
  status: number;
  authorization: "basic" | "bearer" | "none" | "invalid";
}

export interface IssueChange {
  fields?: Record<string, unknown>;
  /** Appends a history entry (its `created` defaults to the change time). */
  history?: { items: Record<string, unknown>[]; author?: Record<string, unknown> };
  /** When the change happened (default: the fake's clock). */
  at?: number;
}

export interface FakeJira {
  url: string;
  requests: LoggedRequest[];
  config: FakeConfig;
  store: IssueStore;
  basicAuth: { kind: "basic"; email: string; token: string };
  bearerAuth: { kind: "bearer"; token: string };
  /** Handler crashes (returned to the client as 500); tests assert this stays empty. */
  internalErrors: string[];
  count(path: string | RegExp, method?: string): number;
  inject(fault: Fault): FaultHandle;
  clearFaults(): void;
  setIssues(issues: Record<string, unknown>[]): void;
  addIssue(issue: Record<string, unknown>): void;
  updateIssue(idOrKey: string, change: IssueChange): StoredIssue;
  deleteIssue(idOrKey: string): boolean;
  synthesize(options: SynthOptions | undefined): void;
  setDevStatus(issueId: string, applicationType: string, dataType: string, body: unknown): void;
  /** Changes a sprint as the board listing shows it (e.g. `{ state: "closed", completeDate }`). */
  patchSprint(sprintId: number, patch: Record<string, unknown>): void;
  close(): Promise<void>;
}

const ROUTES: Route[] = [...dataCenterRoutes, ...issueRoutes, ...bulkIssueRoutes, ...metaRoutes, ...agileRoutes];

function queryRecord(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(name);
    out[name] = all.length === 1 ? all[0] : all;
  }
  return out;
}

/** Starts the fake on an ephemeral 127.0.0.1 port. Async so callers do not depend on startup being synchronous. */
export function startFakeJira(options: FakeJiraOptions = {}): Promise<FakeJira> {
  const data = recordedData();
  const clock = options.clock ?? { now: () => Date.now() };
  const config: FakeConfig = {
    searchChangelogCap: options.searchChangelogCap ?? 40,
    searchMaxResults: options.searchMaxResults ?? 100,
    searchMaxResultsIdsOnly: options.searchMaxResultsIdsOnly ?? 5000,
    bulkChangelog: options.bulkChangelog ?? options.deploymentType !== "DataCenter",
    userTimeZone: options.userTimeZone ?? "UTC",
    email: options.email ?? "sluice-bot@example.com",
    apiToken: options.apiToken ?? "fake-jira-api-token-7f3a9c2e51",
    bearerToken: options.bearerToken ?? "fake-jira-pat-b84d20e6c7",
    includeApacheProjects: options.includeApacheProjects ?? true,
    permissions: new Set(options.permissions ?? ["BROWSE_PROJECTS", "EDIT_ISSUES"]),
    approximateCountLag: options.approximateCountLag ?? 0,
    deploymentType: options.deploymentType ?? "Cloud",
    dcStartAtCap: options.dcStartAtCap ?? 10_000,
  };
  const store = new IssueStore();
  if (options.recorded !== false) {
    store.setRecorded(data.issues.map((i) => storedFromIssue(i, data.issueBoards.get(String(i.id)))));
    for (const [id, values] of data.issueChangelogs) store.orphanChangelogs.set(id, values);
  }
  store.setSynthetic(options.synthetic);
  const faults = new FaultQueue();
  const requests: LoggedRequest[] = [];
  const internalErrors: string[] = [];
  const closing = new AbortController();
  const state: FakeState = {
    store,
    data,
    config,
    now: () => clock.now(),
    baseUrl: "",
    devStatus: new Map(),
    sprintPatches: new Map(),
  };
  const budget = { windowStart: 0, used: 0 };

  const authOf = (header: string | null): LoggedRequest["authorization"] => {
    if (!header) return "none";
    const basic = `Basic ${btoa(`${config.email}:${config.apiToken}`)}`;
    if (header === basic) return "basic";
    if (header === `Bearer ${config.bearerToken}`) return "bearer";
    return "invalid";
  };

  const budgetHeaders = (): Record<string, string> | Response => {
    const rl = options.rateLimit;
    if (!rl) return {};
    const now = clock.now();
    const start = Math.floor(now / rl.windowMs) * rl.windowMs;
    if (start !== budget.windowStart) Object.assign(budget, { windowStart: start, used: 0 });
    const resetMs = start + rl.windowMs;
    if (budget.used >= rl.limit) {
      const seconds = Math.max(1, Math.ceil((resetMs - now) / 1000));
      return jiraError(429, "Rate limit exceeded.", {
        "Retry-After": String(seconds),
        "RateLimit-Reason": rl.reason ?? "jira-burst-based",
        "X-RateLimit-Limit": String(rl.limit),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": new Date(resetMs).toISOString(),
      });
    }
    budget.used++;
    const remaining = rl.limit - budget.used;
    return {
      "X-RateLimit-Limit": String(rl.limit),
      "X-RateLimit-Remaining": String(remaining),
      // Jira sends minute precision; a sub-minute test window needs seconds to mean anything.
      "X-RateLimit-Reset": new Date(resetMs).toISOString(),
      ...(remaining < rl.limit * 0.2 ? { "X-RateLimit-NearLimit": "true" } : {}),
    };
  };

  const route = async (req: Request, url: URL, body: unknown): Promise<Response> => {
    for (const r of ROUTES) {
      if (r.method !== req.method) continue;
      const m = url.pathname.match(r.pattern);
      if (!m) continue;
      try {
        return await r.handler({ state, method: req.method, url, params: m.slice(1), body });
      } catch (error) {
        internalErrors.push(`${req.method} ${url.pathname}: ${(error as Error).stack ?? error}`);
        return jiraError(500, `fake Jira internal error: ${(error as Error).message}`);
      }
    }
    return jiraError(404, `No fake route for ${req.method} ${url.pathname}`);
  };

  const respond = async (req: Request, url: URL, body: unknown, entry: LoggedRequest): Promise<Response> => {
    const fault = faults.take(req.method, url.pathname);
    if (fault?.kind === "delay") await abortableDelay(fault.ms, closing.signal);
    if (fault?.kind === "rate_limit") return rateLimitResponse(fault, clock.now());
    if (fault?.kind === "status") {
      const headers: Record<string, string> = fault.retryAfterSeconds === undefined
        ? {}
        : { "Retry-After": String(fault.retryAfterSeconds) };
      return jiraError(fault.status, "Internal server error (injected).", headers);
    }
    if (fault?.kind === "html") return htmlPage(fault.status ?? 200);
    if (fault?.kind === "expired_token" || entry.authorization === "none" || entry.authorization === "invalid") {
      return jiraError(401, "Client must be authenticated to access this resource.", {
        "WWW-Authenticate": 'Basic realm="protected-area"',
      });
    }
    const headers = budgetHeaders();
    if (headers instanceof Response) return headers;
    let response = await route(req, url, body);
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    if (fault?.kind === "truncated_json") response = await truncate(response);
    if (fault?.kind === "reset") response = await resetMidBody(response);
    return response;
  };

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const text = req.method === "GET" ? "" : await req.text();
    const entry: LoggedRequest = {
      method: req.method,
      path: url.pathname,
      query: queryRecord(url),
      body: undefined,
      status: 0,
      authorization: authOf(req.headers.get("authorization")),
    };
    requests.push(entry);
    if (text) {
      try {
        entry.body = JSON.parse(text);
      } catch {
        entry.status = 400;
        return jiraError(400, "Unexpected character in the JSON request body.");
      }
    }
    const response = await respond(req, url, entry.body, entry);
    entry.status = response.status;
    return response;
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  const url = `http://127.0.0.1:${server.addr.port}`;
  state.baseUrl = url;

  return Promise.resolve({
    url,
    requests,
    config,
    store,
    internalErrors,
    basicAuth: { kind: "basic", email: config.email, token: config.apiToken },
    bearerAuth: { kind: "bearer", token: config.bearerToken },
    count(path, method) {
      return requests.filter((r) =>
        (!method || r.method === method) && (typeof path === "string" ? r.path.includes(path) : path.test(r.path))
      ).length;
    },
    inject: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    setIssues(issues) {
      store.setRecorded(issues.map((i) => storedFromIssue(i)));
    },
    addIssue(issue) {
      store.addRecorded(storedFromIssue(issue));
    },
    updateIssue(idOrKey, change) {
      const at = change.at ?? clock.now();
      return store.mutate(idOrKey, (issue) => {
        Object.assign(issue.fields, structuredClone(change.fields ?? {}));
        if (change.history) {
          const last = issue.histories.reduce((max, h) => Math.max(max, Number(h.id) || 0), 0);
          issue.histories.push({
            id: String(Math.max(last + 1, 90_000_000 + issue.histories.length)),
            author: change.history.author ?? { accountId: "fake-account-0001", displayName: "Sluice Bot" },
            created: new Date(at).toISOString().replace("Z", "+0000"),
            items: structuredClone(change.history.items),
          });
        }
      }, at);
    },
    deleteIssue: (idOrKey) => store.delete(idOrKey),
    synthesize: (synth) => store.setSynthetic(synth),
    setDevStatus(issueId, applicationType, dataType, body) {
      state.devStatus.set(`${issueId}|${applicationType}|${dataType}`, body);
    },
    patchSprint(sprintId, patch) {
      state.sprintPatches.set(sprintId, { ...state.sprintPatches.get(sprintId), ...structuredClone(patch) });
    },
    async close() {
      closing.abort();
      await server.shutdown();
    },
  });
}
