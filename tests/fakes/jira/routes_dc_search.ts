// What a Jira Data Center / Server answers differently from Cloud (when the fake plays one):
// - GET /rest/api/{2,3,latest}/serverInfo — deploymentType "Cloud" or "DataCenter" (both modes);
// - GET/POST /rest/api/{2,latest}/search — startAt/maxResults pages with a `total`; a startAt at or beyond the
//   configured cap (Jira: 10,000) answers 500, which is why the connector splits large windows by date.
// Cloud removed that search (410), and Data Center has no /search/jql, approximate-count or bulkfetch (404: see
// cloudOnly in state.ts).
import { jiraError, jsonResponse } from "./faults.ts";
import { listParam, matchesOr400, pageIssues, searchQuery } from "./routes_issues.ts";
import type { Route, RouteContext } from "./state.ts";

function serverInfo(ctx: RouteContext): Response {
  const dc = ctx.state.config.deploymentType === "DataCenter";
  return jsonResponse({
    baseUrl: ctx.state.baseUrl,
    version: dc ? "9.12.2" : "1001.0.0-SNAPSHOT",
    deploymentType: ctx.state.config.deploymentType,
    serverTitle: dc ? "Fake Jira Data Center" : "Fake Jira Cloud",
  });
}

function startAtSearch(ctx: RouteContext, input: Record<string, unknown>): Response {
  const { state } = ctx;
  if (state.config.deploymentType !== "DataCenter") {
    return jiraError(410, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.");
  }
  const jql = typeof input.jql === "string" ? input.jql : "";
  const startAt = input.startAt === undefined ? 0 : Number(input.startAt);
  const requested = input.maxResults === undefined ? 50 : Number(input.maxResults);
  if (!Number.isInteger(startAt) || startAt < 0) return jiraError(400, "startAt must be a non-negative integer.");
  if (!Number.isInteger(requested) || requested < 0) {
    return jiraError(400, "maxResults must be a non-negative integer.");
  }
  if (startAt >= state.config.dcStartAtCap) return jiraError(500, "search limit exceeded");
  const refs = matchesOr400(state, jql);
  if (refs instanceof Response) return refs;
  const fields = input.fields === undefined ? ["*navigable"] : listParam(input.fields);
  const size = Math.min(requested, state.config.searchMaxResults);
  const page = refs.subarray(startAt, startAt + size);
  const issues = pageIssues(state, page, fields, listParam(input.expand).includes("changelog"));
  return jsonResponse({ expand: "schema,names", startAt, maxResults: size, total: refs.length, issues });
}

export const dataCenterRoutes: Route[] = [
  { method: "GET", pattern: /^\/rest\/api\/(?:2|3|latest)\/serverInfo$/, handler: serverInfo },
  {
    method: "GET",
    pattern: /^\/rest\/api\/(?:2|latest)\/search$/,
    handler: (ctx) => startAtSearch(ctx, searchQuery(ctx.url)),
  },
  {
    method: "POST",
    pattern: /^\/rest\/api\/(?:2|latest)\/search$/,
    handler: (ctx) => startAtSearch(ctx, (ctx.body ?? {}) as Record<string, unknown>),
  },
];
