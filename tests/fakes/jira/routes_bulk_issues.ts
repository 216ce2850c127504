// POST /rest/api/3/issue/bulkfetch as Jira Cloud answers it: ≤ 100 ids or keys, `fields` selects what each issue
// carries (only `id`/`key` when none is named), unknown or invisible issues go to `issueErrors` instead of failing
// the request. Turned off (404) like bulk changelogs when the fake plays a server without the endpoint.
import { jiraError, jsonResponse } from "./faults.ts";
import type { Route, RouteContext } from "./state.ts";

const MAX_IDS = 100;

function bulkFetchIssues(ctx: RouteContext): Response {
  const { state } = ctx;
  if (!state.config.bulkChangelog) {
    return jsonResponse({ message: `null for uri: ${ctx.url.href}`, "status-code": 404 }, 404);
  }
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const ids = body.issueIdsOrKeys;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > MAX_IDS || ids.some((v) => typeof v !== "string")) {
    return jiraError(400, `issueIdsOrKeys must list between 1 and ${MAX_IDS} issue ids or keys.`);
  }
  const fields = Array.isArray(body.fields) ? body.fields.map(String) : [];
  const issues: Record<string, unknown>[] = [];
  const issueErrors: string[] = [];
  for (const idOrKey of ids as string[]) {
    const ref = state.store.resolve(idOrKey);
    if (ref === undefined) {
      issueErrors.push(idOrKey);
      continue;
    }
    const row = state.store.row(ref);
    const stored = state.store.get(ref);
    const selected: Record<string, unknown> = {};
    for (const f of fields) if (f in stored.fields) selected[f] = stored.fields[f];
    issues.push({
      id: String(row.id),
      key: row.key,
      self: `${state.baseUrl}/rest/api/3/issue/${row.id}`,
      ...(fields.length ? { fields: selected } : {}),
    });
  }
  return jsonResponse({
    expand: "schema,names",
    issues,
    issueErrors: issueErrors.length
      ? [{ errorMessages: [`Issues do not exist or you lack permission: ${issueErrors.join(", ")}`] }]
      : [],
  });
}

export const bulkIssueRoutes: Route[] = [
  { method: "POST", pattern: /^\/rest\/api\/3\/issue\/bulkfetch$/, handler: bulkFetchIssues },
];
