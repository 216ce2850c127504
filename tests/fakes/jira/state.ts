// Shared state of one fake Jira instance, handed to every route module.
import type { RecordedData } from "./fixtures.ts";
import type { IssueStore } from "./store.ts";

export interface FakeConfig {
  /** Histories embedded per issue by search with expand=changelog (Jira caps them; default 40). */
  searchChangelogCap: number;
  /** Page cap of /search/jql when fields or changelog are requested (default 100). */
  searchMaxResults: number;
  /** Page cap when only id/key are requested (Jira: 5000). */
  searchMaxResultsIdsOnly: number;
  /** false → POST /changelog/bulkfetch answers 404, like Jira Data Center. */
  bulkChangelog: boolean;
  /** The API user's time zone: JQL date literals are read in it and /myself reports it. */
  userTimeZone: string;
  email: string;
  apiToken: string;
  bearerToken: string;
  /** Also list the 567 recorded issues.apache.org projects (go-jira-mock-data) in project search. */
  includeApacheProjects: boolean;
  /** Permission keys the user holds (mypermissions). */
  permissions: Set<string>;
  /** Issues the approximate count misses (Jira: "recent updates might not be immediately visible"); default 0. */
  approximateCountLag: number;
  /** "DataCenter" plays a Jira Data Center: /serverInfo says so, /search/jql, approximate-count and the bulkfetch
   * endpoints answer 404, and GET/POST /rest/api/2/search pages by startAt (default "Cloud"). */
  deploymentType: "Cloud" | "DataCenter";
  /** Data Center's startAt cap on /search (Jira: 10,000): beyond it the search answers 500 (small in tests). */
  dcStartAtCap: number;
}

export interface FakeState {
  store: IssueStore;
  data: RecordedData;
  config: FakeConfig;
  now(): number;
  /** Origin of the running server, for `self` links. */
  baseUrl: string;
  /** Test-provided dev-status bodies, keyed "issueId|applicationType|dataType". */
  devStatus: Map<string, unknown>;
  /** Test-made changes to board sprints (a sprint closed between two syncs), by sprint id. */
  sprintPatches: Map<number, Record<string, unknown>>;
}

export interface RouteContext {
  state: FakeState;
  method: string;
  url: URL;
  /** Regex captures of the route. */
  params: string[];
  body: unknown;
}

export type RouteHandler = (ctx: RouteContext) => Response | Promise<Response>;

export interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  handler: RouteHandler;
}

/** 404 for endpoints Jira Data Center does not have, when the fake plays one. */
export function cloudOnly(handler: RouteHandler): RouteHandler {
  return (ctx) =>
    ctx.state.config.deploymentType === "DataCenter"
      ? new Response(JSON.stringify({ message: `null for uri: ${ctx.url.href}`, "status-code": 404 }), {
        status: 404,
        headers: { "content-type": "application/json" },
      })
      : handler(ctx);
}

export function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  const n = raw === null ? fallback : Number(raw);
  return Number.isFinite(n) ? Math.floor(n) : fallback;
}

/** Opaque page tokens that remember which query they belong to, like Jira's. */
export function encodeToken(offset: number, scope: string): string {
  return btoa(JSON.stringify({ o: offset, s: hashText(scope) })).replace(/=+$/, "");
}

export function decodeToken(token: string, scope: string): number | undefined {
  try {
    const parsed = JSON.parse(atob(token)) as { o?: unknown; s?: unknown };
    if (typeof parsed.o !== "number" || parsed.s !== hashText(scope)) return undefined;
    return parsed.o;
  } catch {
    return undefined;
  }
}

export function hashText(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
