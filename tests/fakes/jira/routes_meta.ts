// Reference-data endpoints: project search (startAt/maxResults ≤ 100, keys ≤ 50, isLast, nextPage), project
// statuses, global statuses and issue types, fields and field search, the connection-test pair (myself,
// mypermissions) and per-project createmeta (issue types, then fields per type; maxResults ≤ 200).
import { catalog, fieldList } from "./catalog.ts";
import { jiraError, jsonResponse } from "./faults.ts";
import { type FakeState, intParam, type Route, type RouteContext } from "./state.ts";
import { STORY_POINTS_FIELD, SYNTH_ISSUE_TYPES } from "./synth.ts";

type Obj = Record<string, unknown>;
const API = String.raw`\/rest\/api\/(?:2|3|latest)`;

/** startAt/maxResults page of a list, in the `values` wrapper most Jira list endpoints use. */
function page(ctx: RouteContext, list: Obj[], defaultSize: number, maxSize: number, listKey = "values") {
  const startAt = Math.max(0, intParam(ctx.url, "startAt", 0));
  const maxResults = Math.min(maxSize, Math.max(1, intParam(ctx.url, "maxResults", defaultSize)));
  const values = list.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= list.length;
  return { startAt, maxResults, values, isLast, total: list.length, listKey };
}

function projectSearch(ctx: RouteContext): Response {
  const keys = ctx.url.searchParams.getAll("keys").flatMap((k) => k.split(",")).filter(Boolean);
  if (keys.length > 50) return jiraError(400, "Up to 50 project keys can be provided.");
  const query = ctx.url.searchParams.get("query")?.toLowerCase();
  const expand = (ctx.url.searchParams.get("expand") ?? "").split(",");
  let list = catalog(ctx.state).projects;
  if (keys.length) list = list.filter((p) => keys.includes(String(p.project.key)));
  if (query) {
    list = list.filter((p) =>
      String(p.project.key).toLowerCase().includes(query) || String(p.project.name).toLowerCase().includes(query)
    );
  }
  const values = list.map((p) => {
    const { issueTypes: _dropped, ...rest } = p.project;
    return expand.includes("issueTypes") ? { ...rest, issueTypes: p.issueTypes } : rest;
  });
  const pg = page(ctx, values, 50, 100);
  const link = (at: number) => {
    const u = new URL(ctx.url.pathname + ctx.url.search, ctx.state.baseUrl);
    u.searchParams.set("startAt", String(at));
    u.searchParams.set("maxResults", String(pg.maxResults));
    return u.toString();
  };
  return jsonResponse({
    self: link(pg.startAt),
    ...(pg.isLast ? {} : { nextPage: link(pg.startAt + pg.values.length) }),
    maxResults: pg.maxResults,
    startAt: pg.startAt,
    total: pg.total,
    isLast: pg.isLast,
    values: pg.values,
  });
}

function findProject(state: FakeState, keyOrId: string) {
  return catalog(state).byKeyOrId.get(decodeURIComponent(keyOrId));
}

function projectStatuses(ctx: RouteContext): Response {
  const p = findProject(ctx.state, ctx.params[0]);
  if (!p) return jiraError(404, `No project could be found with key '${decodeURIComponent(ctx.params[0])}'.`);
  return jsonResponse(p.issueTypes.map((t) => ({
    self: `${ctx.state.baseUrl}/rest/api/3/issueType/${t.id}`,
    id: t.id,
    name: t.name,
    subtask: t.subtask ?? false,
    statuses: p.statuses,
  })));
}

function createMetaFields(estimateField: string): Obj[] {
  const field = (fieldId: string, name: string, schema: Obj, required = false) => ({
    required,
    schema,
    name,
    key: fieldId,
    fieldId,
    hasDefaultValue: false,
    operations: ["set"],
  });
  return [
    field("summary", "Summary", { type: "string", system: "summary" }, true),
    field("issuetype", "Issue Type", { type: "issuetype", system: "issuetype" }, true),
    field("project", "Project", { type: "project", system: "project" }, true),
    field("reporter", "Reporter", { type: "user", system: "reporter" }, true),
    field("assignee", "Assignee", { type: "user", system: "assignee" }),
    field("priority", "Priority", { type: "priority", system: "priority" }),
    field("labels", "Labels", { type: "array", items: "string", system: "labels" }),
    field("description", "Description", { type: "string", system: "description" }),
    field(estimateField, estimateField === STORY_POINTS_FIELD ? "Story point estimate" : "Story Points", {
      type: "number",
      custom: "com.pyxis.greenhopper.jira:jsw-story-points",
      customId: Number(estimateField.split("_")[1]),
    }),
    field("customfield_10001", "Team", {
      type: "team",
      custom: "com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team",
      customId: 10001,
    }),
  ];
}

function createMeta(ctx: RouteContext): Response {
  const p = findProject(ctx.state, ctx.params[0]);
  if (!p) return jiraError(404, `No project could be found with key '${decodeURIComponent(ctx.params[0])}'.`);
  if (intParam(ctx.url, "maxResults", 50) > 200) {
    return jsonResponse({ errorMessages: ["Parameter 'maxResults' must not exceed the limit '200'"], errors: {} }, 400);
  }
  const typeId = ctx.params[1];
  if (typeId === undefined) {
    const pg = page(ctx, p.issueTypes, 50, 200);
    return jsonResponse({ issueTypes: pg.values, maxResults: pg.maxResults, startAt: pg.startAt, total: pg.total });
  }
  if (!p.issueTypes.some((t) => String(t.id) === typeId)) {
    return jiraError(404, `Issue type with id '${typeId}' does not exist in project '${p.project.key}'.`);
  }
  const pg = page(ctx, createMetaFields(p.estimateField), 50, 200);
  return jsonResponse({ fields: pg.values, maxResults: pg.maxResults, startAt: pg.startAt, total: pg.total });
}

function fieldSearch(ctx: RouteContext): Response {
  const q = ctx.url.searchParams;
  const ids = q.getAll("id").flatMap((v) => v.split(",")).filter(Boolean);
  const type = q.get("type");
  const text = q.get("query")?.toLowerCase();
  let list = fieldList(ctx.state);
  if (ids.length) list = list.filter((f) => ids.includes(String(f.id)));
  if (type === "custom") list = list.filter((f) => f.custom === true);
  if (type === "system") list = list.filter((f) => f.custom !== true);
  if (text) list = list.filter((f) => String(f.name).toLowerCase().includes(text));
  const pg = page(ctx, list, 50, 100);
  return jsonResponse({
    maxResults: pg.maxResults,
    startAt: pg.startAt,
    total: pg.total,
    isLast: pg.isLast,
    values: pg.values,
  });
}

function myself(ctx: RouteContext): Response {
  const c = ctx.state.config;
  return jsonResponse({
    self: `${ctx.state.baseUrl}/rest/api/3/user?accountId=fake-account-0001`,
    accountId: "fake-account-0001",
    accountType: "atlassian",
    emailAddress: c.email,
    displayName: "Sluice Bot",
    active: true,
    timeZone: c.userTimeZone,
    locale: "en_US",
    groups: { size: 1, items: [] },
    applicationRoles: { size: 1, items: [] },
    expand: "groups,applicationRoles",
  });
}

const PERMISSION_NAMES: Record<string, string> = {
  BROWSE_PROJECTS: "Browse Projects",
  ADMINISTER: "Administer Jira",
  EDIT_ISSUES: "Edit Issues",
};

function myPermissions(ctx: RouteContext): Response {
  const requested = (ctx.url.searchParams.get("permissions") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (requested.length === 0) return jiraError(400, "The 'permissions' query parameter is required.");
  const permissions: Record<string, Obj> = {};
  requested.forEach((key, n) => {
    permissions[key] = {
      id: String(10 + n),
      key,
      name: PERMISSION_NAMES[key] ?? key,
      type: key === "ADMINISTER" ? "GLOBAL" : "PROJECT",
      description: `Fake permission ${key}.`,
      havePermission: ctx.state.config.permissions.has(key),
    };
  });
  return jsonResponse({ permissions });
}

export const metaRoutes: Route[] = [
  { method: "GET", pattern: new RegExp(`^${API}/project/search$`), handler: projectSearch },
  { method: "GET", pattern: new RegExp(`^${API}/project/([^/]+)/statuses$`), handler: projectStatuses },
  { method: "GET", pattern: new RegExp(`^${API}/status$`), handler: (ctx) => jsonResponse(ctx.state.data.statuses) },
  {
    method: "GET",
    pattern: new RegExp(`^${API}/issuetype$`),
    handler: (ctx) => jsonResponse([...ctx.state.data.issueTypes, ...(ctx.state.store.synth ? SYNTH_ISSUE_TYPES : [])]),
  },
  {
    method: "GET",
    pattern: new RegExp(`^${API}/issueLinkType$`),
    handler: (ctx) => jsonResponse({ issueLinkTypes: ctx.state.data.apache.linkTypes }),
  },
  { method: "GET", pattern: new RegExp(`^${API}/field$`), handler: (ctx) => jsonResponse(fieldList(ctx.state)) },
  { method: "GET", pattern: new RegExp(`^${API}/field/search$`), handler: fieldSearch },
  { method: "GET", pattern: new RegExp(`^${API}/myself$`), handler: myself },
  { method: "GET", pattern: new RegExp(`^${API}/mypermissions$`), handler: myPermissions },
  {
    method: "GET",
    pattern: new RegExp(`^${API}/issue/createmeta/([^/]+)/issuetypes(?:/([^/]+))?$`),
    handler: createMeta,
  },
];
