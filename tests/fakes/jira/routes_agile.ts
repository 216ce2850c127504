// Jira Software and development-panel endpoints: boards and board sprints (startAt/maxResults ≤ 50, isLast; kanban
// boards refuse sprint listing with 400), the greenhopper sprint report (synthesized from issue histories), and
// dev-status detail/summary (recorded GitLab repository panels verbatim; GitHub pull-request panels SYNTHESIZED for
// synthesized issues that have the development field — responses carry `X-Fake-Synthesized: true`).
import { catalog } from "./catalog.ts";
import { jiraDate } from "./dates.ts";
import { jiraError, jsonResponse } from "./faults.ts";
import { buildSprintReport } from "./sprint_report.ts";
import { intParam, type Route, type RouteContext } from "./state.ts";

type Obj = Record<string, unknown>;
const SYNTHESIZED = { "X-Fake-Synthesized": "true" };

function boards(ctx: RouteContext): Response {
  const list = [...catalog(ctx.state).boards.values()].map((b) => b.board).sort((a, b) => Number(a.id) - Number(b.id));
  const startAt = Math.max(0, intParam(ctx.url, "startAt", 0));
  const maxResults = Math.min(50, Math.max(1, intParam(ctx.url, "maxResults", 50)));
  const values = list.slice(startAt, startAt + maxResults);
  return jsonResponse({
    maxResults,
    startAt,
    total: list.length,
    isLast: startAt + values.length >= list.length,
    values,
  });
}

function boardSprints(ctx: RouteContext): Response {
  const board = catalog(ctx.state).boards.get(Number(ctx.params[0]));
  if (!board) {
    return jiraError(
      404,
      "The requested board cannot be viewed because it either does not exist or you do not have permission to view it.",
    );
  }
  if (!board.sprints) return jiraError(400, "The board does not support sprints");
  const states = (ctx.url.searchParams.get("state") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const patched = board.sprints.map((s) => ({ ...s, ...ctx.state.sprintPatches.get(Number(s.id)) }));
  const list = states.length ? patched.filter((s) => states.includes(String(s.state))) : patched;
  const startAt = Math.max(0, intParam(ctx.url, "startAt", 0));
  const maxResults = Math.min(50, Math.max(1, intParam(ctx.url, "maxResults", 50)));
  const values = list.slice(startAt, startAt + maxResults);
  return jsonResponse({ maxResults, startAt, isLast: startAt + values.length >= list.length, values });
}

function sprintReport(ctx: RouteContext): Response {
  const boardId = Number(ctx.url.searchParams.get("rapidViewId"));
  const sprintId = Number(ctx.url.searchParams.get("sprintId"));
  if (!Number.isInteger(boardId) || !Number.isInteger(sprintId) || boardId <= 0 || sprintId <= 0) {
    return jiraError(400, "rapidViewId and sprintId are required.");
  }
  const report = buildSprintReport(ctx.state, boardId, sprintId);
  if (!report) return jiraError(404, `Sprint ${sprintId} was not found on board ${boardId}.`);
  return jsonResponse(report, 200, SYNTHESIZED);
}

function pullRequests(ctx: RouteContext, issueId: string): Obj[] | undefined {
  const synth = ctx.state.store.synth;
  const i = synth?.indexOfId(issueId);
  if (!synth || i === undefined || !synth.hasDevelopment(i)) return undefined;
  const issue = ctx.state.store.get(i);
  const repo = `${String(synth.row(i).projectKey).toLowerCase()}-service`;
  const done = (issue.fields.status as { statusCategory?: { key?: string } }).statusCategory?.key === "done";
  const count = 1 + (i % 3);
  return Array.from({ length: count }, (_, k) => {
    const number = 1000 + i * 3 + k;
    const url = `https://github.com/acme/${repo}/pull/${number}`;
    const branch = `feature/${issue.key}${k ? `-part-${k + 1}` : ""}`;
    const last = k === count - 1;
    return {
      author: { name: "Grace Hopper", avatar: "https://avatars.githubusercontent.com/u/1" },
      id: `#${number}`,
      name: `${issue.key} change ${k + 1}`,
      commentCount: k,
      source: { branch, url: `https://github.com/acme/${repo}/tree/${branch}` },
      destination: { branch: "main", url: `https://github.com/acme/${repo}/tree/main` },
      reviewers: [{ name: "Ada Byron", approved: true }],
      status: last ? (done ? "MERGED" : "OPEN") : k % 2 ? "DECLINED" : "MERGED",
      url,
      lastUpdate: issue.fields.updated,
      repositoryId: String(900_000 + (synth.row(i).projectIdx)),
      repositoryName: `acme/${repo}`,
      repositoryUrl: `https://github.com/acme/${repo}`,
      repositoryAvatarUrl: "https://avatars.githubusercontent.com/u/2",
    };
  });
}

const GITHUB_INSTANCE = {
  singleInstance: false,
  baseUrl: "https://github.com",
  name: "GitHub",
  typeName: "GitHub",
  id: "github-fake-instance",
  type: "GitHub",
};

function devStatusDetail(ctx: RouteContext): Response {
  const q = ctx.url.searchParams;
  const issueId = q.get("issueId");
  if (!issueId) return jiraError(400, "issueId is required.");
  const applicationType = q.get("applicationType") ?? "";
  const dataType = q.get("dataType") ?? "";
  const recorded = ctx.state.data.devStatus.get(`${issueId}|${applicationType}|${dataType}`);
  if (recorded) return jsonResponse(recorded);
  const override = ctx.state.devStatus.get(`${issueId}|${applicationType}|${dataType}`);
  if (override) return jsonResponse(override, 200, SYNTHESIZED);
  if (applicationType.toLowerCase() === "github" && dataType === "pullrequest") {
    const prs = pullRequests(ctx, issueId);
    if (prs) {
      return jsonResponse(
        {
          errors: [],
          detail: [{ pullRequests: prs, branches: [], repositories: [], _instance: GITHUB_INSTANCE }],
        },
        200,
        SYNTHESIZED,
      );
    }
  }
  return jsonResponse({ errors: [], detail: [] });
}

function devStatusSummary(ctx: RouteContext): Response {
  const issueId = ctx.url.searchParams.get("issueId");
  if (!issueId) return jiraError(400, "issueId is required.");
  const prs = pullRequests(ctx, issueId) ?? [];
  const open = prs.filter((p) => p.status === "OPEN").length;
  const merged = prs.filter((p) => p.status === "MERGED").length;
  const declined = prs.length - open - merged;
  const lastUpdated = prs.length ? String(prs[prs.length - 1].lastUpdate) : jiraDate(0);
  return jsonResponse(
    {
      errors: [],
      configErrors: [],
      summary: {
        pullrequest: {
          overall: {
            count: prs.length,
            lastUpdated: prs.length ? lastUpdated : null,
            stateCount: prs.length,
            state: open ? "OPEN" : merged ? "MERGED" : "DECLINED",
            details: { openCount: open, mergedCount: merged, declinedCount: declined, total: prs.length },
            open: open > 0,
          },
          byInstanceType: prs.length ? { GitHub: { count: prs.length, name: "GitHub" } } : {},
        },
      },
    },
    200,
    SYNTHESIZED,
  );
}

export const agileRoutes: Route[] = [
  { method: "GET", pattern: /^\/rest\/agile\/1\.0\/board$/, handler: boards },
  { method: "GET", pattern: /^\/rest\/agile\/1\.0\/board\/(\d+)\/sprint$/, handler: boardSprints },
  { method: "GET", pattern: /^\/rest\/greenhopper\/1\.0\/rapid\/charts\/sprintreport$/, handler: sprintReport },
  { method: "GET", pattern: /^\/rest\/dev-status\/(?:1\.0|latest)\/issue\/detail$/, handler: devStatusDetail },
  { method: "GET", pattern: /^\/rest\/dev-status\/(?:1\.0|latest)\/issue\/summary$/, handler: devStatusSummary },
];
