// Issue endpoints with Jira Cloud's pagination semantics:
// - GET/POST /rest/api/3/search/jql — nextPageToken (opaque, bound to the query), isLast, no total; page size
//   capped at 100 when fields/changelog are requested and 5000 for ids only; the embedded changelog is the most
//   recent `searchChangelogCap` histories, newest first, with `total` telling how many exist;
// - POST /rest/api/3/search/approximate-count — {count} for a JQL (exact unless configured to lag);
// - POST /rest/api/3/changelog/bulkfetch — ≤ 1000 issues, optional ≤ 10 fieldIds, histories ordered by issue id
//   then date, paged by nextPageToken over maxResults histories;
// - GET /rest/api/{2,3,latest}/issue/{idOrKey}/changelog — startAt/maxResults pages, oldest first.
import { compareRows, compileJql, JqlSyntaxError } from "./jql.ts";
import { jiraError, jsonResponse } from "./faults.ts";
import {
  cloudOnly,
  decodeToken,
  encodeToken,
  type FakeState,
  intParam,
  type Route,
  type RouteContext,
} from "./state.ts";

const queryCache = new WeakMap<FakeState, Map<string, { version: number; refs: Int32Array }>>();

export function matchingRefs(state: FakeState, jql: string): Int32Array {
  const compiled = compileJql(jql, state.config.userTimeZone, state.now());
  if (!compiled.bounded) {
    throw new JqlSyntaxError(
      "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.",
    );
  }
  const cache = queryCache.get(state) ?? new Map();
  queryCache.set(state, cache);
  const hit = cache.get(jql);
  if (hit && hit.version === state.store.version) return hit.refs;
  const rows = [];
  for (const ref of state.store.refs()) {
    const row = state.store.row(ref);
    if (compiled.where(row, () => state.store.get(ref))) rows.push(row);
  }
  rows.sort(compareRows(compiled.order));
  const refs = Int32Array.from(rows, (r) => r.ref);
  if (cache.size >= 8) cache.delete(cache.keys().next().value!);
  cache.set(jql, { version: state.store.version, refs });
  return refs;
}

function selectFields(all: Record<string, unknown>, spec: string[]): Record<string, unknown> | undefined {
  const wantsAll = spec.includes("*all") || spec.includes("*navigable");
  const excluded = new Set(spec.filter((f) => f.startsWith("-")).map((f) => f.slice(1)));
  const named = spec.filter((f) => !f.startsWith("-") && !f.startsWith("*") && f !== "id" && f !== "key");
  if (!wantsAll && named.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(all)) {
    if ((wantsAll || named.includes(name)) && !excluded.has(name)) out[name] = value;
  }
  return out;
}

/** A GET search's parameters in the shape of its POST body (both searches accept either). */
/** The JQL's matches, or Jira's 400 for a query it cannot run. */
export function matchesOr400(state: FakeState, jql: string): Int32Array | Response {
  try {
    return matchingRefs(state, jql);
  } catch (error) {
    if (error instanceof JqlSyntaxError) return jiraError(400, error.message);
    throw error;
  }
}

export function searchQuery(url: URL): Record<string, unknown> {
  const q = url.searchParams;
  return {
    jql: q.get("jql") ?? "",
    nextPageToken: q.get("nextPageToken") ?? undefined,
    startAt: q.get("startAt") ?? undefined,
    maxResults: q.get("maxResults") ?? undefined,
    fields: q.has("fields") ? q.getAll("fields") : undefined,
    expand: q.get("expand") ?? undefined,
  };
}

export function listParam(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => String(v).split(",")).map((s) => s.trim()).filter(Boolean);
  if (typeof value === "string") return value.split(",").map((s) => s.trim()).filter(Boolean);
  return [];
}

/** Cloud's estimate of how many issues a JQL matches (the fake's is exact). */
function approximateCount(ctx: RouteContext): Response {
  const jql = (ctx.body as Record<string, unknown> | undefined)?.jql;
  if (typeof jql !== "string" || jql.trim() === "") return jiraError(400, "The 'jql' field is required.");
  try {
    const count = matchingRefs(ctx.state, jql).length;
    return jsonResponse({ count: Math.max(0, count - ctx.state.config.approximateCountLag) });
  } catch (error) {
    if (error instanceof JqlSyntaxError) return jiraError(400, error.message);
    throw error;
  }
}

/** Issues of a result page as search returns them: ids only, or with the selected fields and the embedded
 * changelog (the most recent `searchChangelogCap` histories, newest first, with the real total). */
export function pageIssues(state: FakeState, page: Int32Array, fields: string[], withChangelog: boolean) {
  const idsOnly = !withChangelog && fields.every((f) => f === "id" || f === "key");
  return Array.from(page, (ref) => {
    // Ids-only pages come from the cheap row; only pages that show fields or changelogs build whole issues.
    const row = state.store.row(ref);
    const issue: Record<string, unknown> = {
      expand: "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
      id: String(row.id),
      self: `${state.baseUrl}/rest/api/3/issue/${row.id}`,
      key: row.key,
    };
    if (idsOnly) return issue;
    const stored = state.store.get(ref);
    const selected = selectFields(stored.fields, fields);
    if (selected) issue.fields = selected;
    if (withChangelog) {
      const shown = stored.histories.slice(-state.config.searchChangelogCap).reverse();
      issue.changelog = { startAt: 0, maxResults: shown.length, total: stored.histories.length, histories: shown };
    }
    return issue;
  });
}

function search(ctx: RouteContext, input: Record<string, unknown>): Response {
  const { state } = ctx;
  const jql = typeof input.jql === "string" ? input.jql : "";
  const fields = input.fields === undefined ? ["id"] : listParam(input.fields);
  const expand = listParam(input.expand);
  const withChangelog = expand.includes("changelog");
  const idsOnly = !withChangelog && fields.every((f) => f === "id" || f === "key");
  const cap = idsOnly ? state.config.searchMaxResultsIdsOnly : state.config.searchMaxResults;
  const requested = input.maxResults === undefined ? 50 : Number(input.maxResults);
  if (!Number.isInteger(requested) || requested < 0) {
    return jiraError(400, "The 'maxResults' parameter must be a non-negative integer.");
  }
  const refs = matchesOr400(state, jql);
  if (refs instanceof Response) return refs;
  let offset = 0;
  if (typeof input.nextPageToken === "string" && input.nextPageToken !== "") {
    const decoded = decodeToken(input.nextPageToken, jql);
    if (decoded === undefined) return jiraError(400, "The provided next page token is invalid or expired.");
    offset = decoded;
  }
  const size = Math.min(requested, cap);
  const page = refs.subarray(offset, offset + size);
  const issues = pageIssues(state, page, fields, withChangelog);
  const end = offset + page.length;
  const more = end < refs.length && size > 0;
  return jsonResponse({ issues, ...(more ? { nextPageToken: encodeToken(end, jql) } : {}), isLast: !more });
}

function filterHistories(histories: Record<string, unknown>[], fieldIds: Set<string> | undefined) {
  if (!fieldIds) return histories;
  return histories
    .map((h) => ({
      ...h,
      items: (h.items as { field?: string; fieldId?: string }[]).filter((i) =>
        fieldIds.has(i.fieldId ?? i.field ?? "")
      ),
    }))
    .filter((h) => h.items.length > 0);
}

function bulkChangelog(ctx: RouteContext): Response {
  const { state } = ctx;
  if (!state.config.bulkChangelog) {
    return jsonResponse({ message: `null for uri: ${ctx.url.href}`, "status-code": 404 }, 404);
  }
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const ids = body.issueIdsOrKeys;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 1000 || ids.some((v) => typeof v !== "string")) {
    return jsonResponse({
      errorMessages: [],
      errors: { issueIdsOrKeys: "issueIdsOrKeys must list between 1 and 1000 issue ids or keys." },
    }, 400);
  }
  const fieldIds = body.fieldIds === undefined ? undefined : body.fieldIds;
  if (fieldIds !== undefined && (!Array.isArray(fieldIds) || fieldIds.length > 10)) {
    return jsonResponse({ errorMessages: [], errors: { fieldIds: "fieldIds accepts at most 10 field ids." } }, 400);
  }
  const maxResults = body.maxResults === undefined ? 1000 : Number(body.maxResults);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 10000) {
    return jsonResponse({ errorMessages: [], errors: { maxResults: "maxResults must be between 1 and 10000." } }, 400);
  }
  const wanted = fieldIds ? new Set((fieldIds as unknown[]).map(String)) : undefined;
  const seen = new Set<string>();
  const logs: { issueId: string; histories: Record<string, unknown>[] }[] = [];
  for (const idOrKey of ids as string[]) {
    const found = state.store.histories(idOrKey);
    if (!found || seen.has(found.id)) continue; // unknown or invisible issues are left out, as Jira does
    seen.add(found.id);
    logs.push({ issueId: found.id, histories: filterHistories(found.histories, wanted) });
  }
  logs.sort((a, b) => Number(a.issueId) - Number(b.issueId));
  const scope = JSON.stringify([logs.map((l) => l.issueId), [...(wanted ?? [])]]);
  let offset = 0;
  if (typeof body.nextPageToken === "string" && body.nextPageToken !== "") {
    const decoded = decodeToken(body.nextPageToken, scope);
    if (decoded === undefined) return jiraError(400, "The provided next page token is invalid.");
    offset = decoded;
  }
  const page: { issueId: string; changeHistories: Record<string, unknown>[] }[] = [];
  let position = 0;
  let taken = 0;
  for (const log of logs) {
    if (taken >= maxResults) break;
    const from = Math.max(0, offset - position);
    position += log.histories.length;
    const slice = log.histories.slice(from, from + (maxResults - taken));
    if (slice.length === 0) continue;
    page.push({ issueId: log.issueId, changeHistories: slice });
    taken += slice.length;
  }
  const end = offset + taken;
  const all = logs.reduce((n, l) => n + l.histories.length, 0);
  return jsonResponse({ issueChangeLogs: page, ...(end < all ? { nextPageToken: encodeToken(end, scope) } : {}) });
}

function issueChangelog(ctx: RouteContext): Response {
  const { state, url } = ctx;
  const found = state.store.histories(decodeURIComponent(ctx.params[1]));
  if (!found) return jiraError(404, "Issue does not exist or you do not have permission to see it.");
  const startAt = Math.max(0, intParam(url, "startAt", 0));
  const maxResults = Math.min(100, Math.max(1, intParam(url, "maxResults", 100)));
  const values = found.histories.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= found.histories.length;
  const page = (at: number) => `${state.baseUrl}${url.pathname}?startAt=${at}&maxResults=${maxResults}`;
  return jsonResponse({
    self: page(startAt),
    ...(isLast ? {} : { nextPage: page(startAt + values.length) }),
    maxResults,
    startAt,
    total: found.histories.length,
    isLast,
    values,
  });
}

export const issueRoutes: Route[] = [
  {
    method: "POST",
    pattern: /^\/rest\/api\/(?:3|latest)\/search\/jql$/,
    handler: cloudOnly((ctx) => search(ctx, (ctx.body ?? {}) as Record<string, unknown>)),
  },
  {
    method: "GET",
    pattern: /^\/rest\/api\/(?:3|latest)\/search\/jql$/,
    handler: cloudOnly((ctx) => search(ctx, searchQuery(ctx.url))),
  },
  {
    method: "GET",
    pattern: /^\/rest\/api\/(?:3|latest)\/search$/,
    handler: () =>
      jiraError(410, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."),
  },
  { method: "POST", pattern: /^\/rest\/api\/3\/search\/approximate-count$/, handler: cloudOnly(approximateCount) },
  { method: "POST", pattern: /^\/rest\/api\/3\/changelog\/bulkfetch$/, handler: bulkChangelog },
  { method: "GET", pattern: /^\/rest\/api\/(2|3|latest)\/issue\/([^/]+)\/changelog$/, handler: issueChangelog },
];
