// The fake's own contract over raw HTTP (no Sluice client involved), so connector tests can trust it.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../../support/assert.ts";
import { recordedData } from "./fixtures.ts";
import { type FakeJira, startFakeJira } from "./server.ts";

async function withFake(
  options: Parameters<typeof startFakeJira>[0],
  fn: (jira: FakeJira, call: Call) => Promise<void>,
) {
  const jira = await startFakeJira({ includeApacheProjects: false, ...options });
  const auth = `Basic ${btoa(`${jira.basicAuth.email}:${jira.basicAuth.token}`)}`;
  const call: Call = async (path, body, headers = {}) => {
    const response = await fetch(jira.url + path, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: auth, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json: json as Record<string, unknown> };
  };
  try {
    await fn(jira, call);
    assertEquals(jira.internalErrors, []);
  } finally {
    await jira.close();
  }
}
type Call = (
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<{ status: number; headers: Headers; text: string; json: Record<string, unknown> }>;
type Issue = {
  id: string;
  key: string;
  fields?: Record<string, unknown>;
  changelog?: { total: number; histories: unknown[] };
};

Deno.test("search/jql: token pagination, isLast, caps, embedded changelog truncated with its total", () =>
  withFake({ synthetic: { count: 260, seed: 1, longHistoryEvery: 5 } }, async (_jira, call) => {
    const jql = 'project IN ("ALPHA", "BETA", "GAMMA") ORDER BY updated ASC, key ASC';
    const first = await call("/rest/api/3/search/jql", { jql, maxResults: 500, fields: ["*all"], expand: "changelog" });
    const issues = first.json.issues as Issue[];
    assertEquals(issues.length, 100, "capped at 100 when fields/changelog are requested");
    assertEquals(first.json.isLast, false);
    assert(!("total" in first.json), "enhanced search has no total");
    const long = issues.find((i) => i.changelog!.total > 40)!;
    assertEquals(long.changelog!.histories.length, 40);
    let token = first.json.nextPageToken as string | undefined;
    let seen = issues.length;
    while (token) {
      const page = await call("/rest/api/3/search/jql", { jql, maxResults: 100, nextPageToken: token });
      seen += (page.json.issues as unknown[]).length;
      token = page.json.nextPageToken as string | undefined;
      if (!token) assertEquals(page.json.isLast, true);
    }
    assertEquals(seen, 260);
    const ids = await call(`/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}&maxResults=6000&fields=id`);
    assertEquals((ids.json.issues as Issue[]).length, 260);
    assertEquals((ids.json.issues as Issue[])[0].fields, undefined);
  }));

Deno.test("search/jql: tokens are bound to their query; unbounded or invalid JQL is a 400; old /search is gone", () =>
  withFake({ synthetic: { count: 150, seed: 1 } }, async (_jira, call) => {
    const first = await call("/rest/api/3/search/jql", { jql: "project = ALPHA", maxResults: 10 });
    const other = await call("/rest/api/3/search/jql", {
      jql: "project = BETA",
      nextPageToken: first.json.nextPageToken,
    });
    assertEquals(other.status, 400);
    const unbounded = await call("/rest/api/3/search/jql", { jql: "ORDER BY updated" });
    assertEquals(unbounded.status, 400);
    assertStringIncludes(unbounded.text, "Unbounded JQL");
    const bad = await call("/rest/api/3/search/jql", { jql: "sprint in openSprints()" });
    assertEquals(bad.status, 400);
    assertEquals(Object.keys(bad.json), ["errorMessages", "errors"]);
    assertEquals((await call("/rest/api/3/search?jql=project%3DA")).status, 410);
  }));

Deno.test("changelog endpoints: bulkfetch validation and pages, per-issue pages, Data Center 404", async () => {
  await withFake({}, async (_jira, call) => {
    const tooMany = await call("/rest/api/3/changelog/bulkfetch", {
      issueIdsOrKeys: Array.from({ length: 1001 }, (_, i) => String(i)),
    });
    assertEquals(tooMany.status, 400);
    assertStringIncludes(tooMany.text, "issueIdsOrKeys");
    const page = await call("/rest/api/3/changelog/bulkfetch", { issueIdsOrKeys: ["EE-2", "13491"], maxResults: 20 });
    const logs = page.json.issueChangeLogs as { issueId: string; changeHistories: unknown[] }[];
    assertEquals(logs.map((l) => l.issueId), ["10064"], "ordered by issue id; EE-2 (24 histories) fills the page");
    assertEquals(logs[0].changeHistories.length, 20);
    const next = await call("/rest/api/3/changelog/bulkfetch", {
      issueIdsOrKeys: ["EE-2", "13491"],
      maxResults: 20,
      nextPageToken: page.json.nextPageToken,
    });
    assertEquals((next.json.issueChangeLogs as { issueId: string }[]).map((l) => l.issueId), ["10064", "13491"]);

    const perIssue = await call("/rest/api/3/issue/13383/changelog?startAt=90&maxResults=50");
    assertEquals(perIssue.json.total, 100);
    assertEquals((perIssue.json.values as unknown[]).length, 10);
    assertEquals(perIssue.json.isLast, true);
    assertEquals((await call("/rest/api/3/issue/NOPE-1/changelog")).status, 404);
  });
  await withFake({ bulkChangelog: false }, async (_jira, call) => {
    assertEquals((await call("/rest/api/3/changelog/bulkfetch", { issueIdsOrKeys: ["EE-1"] })).status, 404);
  });
});

Deno.test("project search pages with isLast/nextPage; statuses, fields, sprints come from the fixtures", () =>
  withFake({ includeApacheProjects: true }, async (_jira, call) => {
    const data = recordedData();
    const first = await call("/rest/api/3/project/search?maxResults=500");
    assertEquals(first.json.maxResults, 100);
    assertEquals(first.json.total, data.projects.length + 1 + data.apache.projects.length);
    const next = new URL(String(first.json.nextPage)).searchParams;
    assertEquals([next.get("startAt"), next.get("maxResults")], ["100", "100"]);
    const sprints = await call("/rest/agile/1.0/board/8/sprint?maxResults=100");
    assertEquals(sprints.json.values, data.sprintsByBoard.get(8));
    assertEquals((await call("/rest/agile/1.0/board/5/sprint")).status, 400, "kanban boards have no sprints");
    const fields = await call("/rest/api/3/field");
    assert((fields.json as unknown as { id: string }[]).some((f) => f.id === "customfield_10400"));
  }));

Deno.test("auth: wrong or missing credentials get Jira's 401 JSON; bearer works", () =>
  withFake({}, async (jira, call) => {
    const wrong = await call("/rest/api/3/myself", undefined, { authorization: `Basic ${btoa("x@y.z:nope")}` });
    assertEquals(wrong.status, 401);
    assertEquals(wrong.json, { errorMessages: ["Client must be authenticated to access this resource."], errors: {} });
    const bearer = await call("/rest/api/3/myself", undefined, { authorization: `Bearer ${jira.bearerAuth.token}` });
    assertEquals(bearer.status, 200);
    assertEquals(jira.requests.map((r) => r.authorization), ["invalid", "bearer"]);
  }));

Deno.test("faults: 429 headers, 5xx, truncated JSON, HTML, for the next N requests of a path", () =>
  withFake({}, async (jira, call) => {
    jira.inject({ kind: "rate_limit", retryAfterSeconds: 7, path: "/myself", times: 2 });
    for (let n = 0; n < 2; n++) {
      const limited = await call("/rest/api/3/myself");
      assertEquals(limited.status, 429);
      assertEquals(limited.headers.get("retry-after"), "7");
      assertEquals(limited.headers.get("ratelimit-reason"), "jira-burst-based");
      assertMatch(limited.headers.get("x-ratelimit-reset") ?? "", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
    }
    assertEquals((await call("/rest/api/3/myself")).status, 200);
    jira.inject({ kind: "truncated_json", path: "/field" });
    const cut = await call("/rest/api/3/field");
    assertEquals(cut.status, 200);
    assertEquals(cut.json, undefined, "body is not parseable");
    jira.inject({ kind: "html", status: 502 });
    const gateway = await call("/rest/api/3/status");
    assertEquals(gateway.status, 502);
    assertStringIncludes(gateway.text, "<html>");
    jira.inject({ kind: "status", status: 503, retryAfterSeconds: 3, method: "POST" });
    assertEquals((await call("/rest/api/3/myself")).status, 200, "method filter: GET passes");
    assertEquals(jira.count("/myself"), 4);
    assertEquals(jira.count(/^\/rest\/api\/3\/(field|status)$/), 2);
  }));

Deno.test("mutations: an updated issue moves to the end of an updated-ordered window", () =>
  withFake({}, async (jira, call) => {
    const at = Date.UTC(2026, 0, 1, 12, 0);
    jira.updateIssue("EE-5", {
      fields: { summary: "renamed" },
      history: { items: [{ field: "status", fieldId: "status", from: "3", to: "10034" }] },
      at,
    });
    const page = await call("/rest/api/3/search/jql", {
      jql: 'project = EE AND updated >= "2026-01-01 00:00"',
      fields: ["summary"],
      expand: "changelog",
    });
    const issues = page.json.issues as Issue[];
    assertEquals(issues.map((i) => i.key), ["EE-5"]);
    assertEquals(issues[0].fields!.summary, "renamed");
    assertEquals(issues[0].changelog!.total, 19);
    assert(jira.deleteIssue("EE-5"));
    assertEquals((await call("/rest/api/3/issue/EE-5/changelog")).status, 404);
  }));

Deno.test("volume: 100,000 synthesized issues are served page by page in bounded memory", () =>
  withFake({ synthetic: { count: 100_000, seed: 42 }, recorded: false }, async (jira, call) => {
    const jql = "project IN (ALPHA, BETA, GAMMA) ORDER BY updated ASC, key ASC";
    let token: string | undefined;
    let count = 0;
    let lastUpdated = "";
    do {
      const page = await call("/rest/api/3/search/jql", {
        jql,
        maxResults: 5000,
        fields: ["id"],
        nextPageToken: token,
      });
      count += (page.json.issues as unknown[]).length;
      token = page.json.nextPageToken as string | undefined;
    } while (token);
    assertEquals(count, 100_000);
    const full = await call("/rest/api/3/search/jql", { jql, maxResults: 100, fields: ["*all"], expand: "changelog" });
    for (const issue of full.json.issues as Issue[]) {
      assert(String(issue.fields!.updated) >= lastUpdated);
      lastUpdated = String(issue.fields!.updated);
    }
    // Listing 100,000 ids built no issue; the one full page built its 100 (plus nothing kept beyond a small cache).
    assertEquals(jira.store.builds, 100);
  }));

Deno.test("Data Center mode: serverInfo says so, startAt search with total, 500 beyond the cap, no Cloud search", () =>
  withFake({ deploymentType: "DataCenter", dcStartAtCap: 10 }, async (_jira, call) => {
    assertEquals((await call("/rest/api/2/serverInfo")).json.deploymentType, "DataCenter");
    const jql = 'project IN ("EE", "K5") ORDER BY updated ASC, key ASC';
    type Page = { startAt: number; total: number; issues: { key: string }[] };
    const first = await call("/rest/api/2/search", { jql, startAt: 0, maxResults: 4, fields: ["updated"] });
    assertEquals(first.status, 200);
    const one = first.json as Page;
    assertEquals(one.issues.length, 4);
    assert(one.total > 10, `total ${one.total}`);
    const two = (await call(`/rest/api/2/search?jql=${encodeURIComponent(jql)}&startAt=4&maxResults=4`)).json as Page;
    assertEquals(two.startAt, 4);
    assertEquals(two.total, one.total);
    assert(!one.issues.some((i) => two.issues.some((j) => j.key === i.key)), "pages overlap");
    const beyond = await call("/rest/api/2/search", { jql, startAt: 10, maxResults: 4 });
    assertEquals([beyond.status, beyond.json.errorMessages], [500, ["search limit exceeded"]]);
    assertEquals((await call("/rest/api/3/search/jql", { jql })).status, 404);
    assertEquals((await call("/rest/api/3/search/approximate-count", { jql })).status, 404);
    assertEquals((await call("/rest/api/3/changelog/bulkfetch", { issueIdsOrKeys: ["EE-1"] })).status, 404);
  }));
