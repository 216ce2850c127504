// JiraClient against the fake Jira over real HTTP: pagination to exhaustion, checkpoints, JQL windows, reference
// data, faults in the middle of a listing. Expected results come from the fixtures and the synthesizer directly,
// never from the fake's own endpoint logic.
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../../../tests/support/assert.ts";
import { recordedData, synthesizeIssues } from "../../../../tests/fakes/jira/mod.ts";
import { RateLimitedError, SourceAuthError, SourceRequestError, SourceResponseError } from "../../../http/errors.ts";
import { JiraClient } from "./client.ts";
import { buildIssueJql } from "./jql.ts";
import { collect, floorMinute, withFakeJira } from "./test_support.ts";
import { OPEN_ADDRESSES } from "../../../http/address_guard.ts";

const DAY = 86_400_000;
const SYNTH = { count: 1000, seed: 7 };
const synth = synthesizeIssues(SYNTH.count, SYNTH.seed);

/** Keys of synthesized issues in the window, in `updated ASC, key ASC` order — computed without the fake. */
function expectedKeys(projects: string[], from: number, to: number): string[] {
  const rows = [];
  for (let i = 0; i < synth.count; i++) {
    const row = synth.row(i);
    if (projects.includes(row.projectKey) && row.updatedMs >= floorMinute(from) && row.updatedMs < floorMinute(to)) {
      rows.push(row);
    }
  }
  const num = (key: string) => Number(key.split("-")[1]);
  rows.sort((a, b) => a.updatedMs - b.updatedMs || a.projectKey.localeCompare(b.projectKey) || num(a.key) - num(b.key));
  return rows.map((r) => r.key);
}

const FROM = synth.startMs + 60 * DAY + 37_123;
const TO = synth.startMs + 200 * DAY + 59_999;

Deno.test("projects: every page of 583 projects, resumable, keys chunked by 50 with missing keys named", () =>
  withFakeJira({}, async ({ jira, client }) => {
    const data = recordedData();
    const expected = new Set([
      ...data.projects.map((p) => String(p.key)),
      "K5", // only seen on recorded board-93 issues
      ...data.apache.projects.map((p) => String(p.key)),
    ]);
    const jiraClient = client({ pageSizes: { projects: 100 } });
    const pages = await collect(jiraClient.projects());
    const keys = pages.flatMap((p) => p.projects.map((x) => x.key));
    assertEquals(keys.length, expected.size);
    assertEquals(new Set(keys), expected);
    assertEquals(pages.length, Math.ceil(expected.size / 100));
    assertEquals(pages.at(-1)!.checkpoint, null);
    assert(pages[0].projects.every((p) => Array.isArray(p.issueTypes)), "issue types expanded");

    const resumed = await collect(jiraClient.projects(undefined, pages[1].checkpoint!));
    assertEquals(resumed.flatMap((p) => p.projects.map((x) => x.key)), keys.slice(200));

    const wanted = [...data.apache.projects.slice(0, 118).map((p) => String(p.key)), "NOPE1", "NOPE2"];
    const before = jira.count("/project/search");
    const { projects, missingKeys } = await jiraClient.allProjects(wanted);
    assertEquals(projects.length, 118);
    assertEquals(missingKeys, ["NOPE1", "NOPE2"]);
    assertEquals(jira.count("/project/search") - before, 3, "50 + 50 + 20 keys");
  }));

Deno.test("project statuses: issue types with their workflow statuses; unknown project is a 404", () =>
  withFakeJira({ synthetic: SYNTH }, async ({ client }) => {
    const jiraClient = client();
    const alpha = await jiraClient.projectStatuses("ALPHA");
    assertEquals(alpha.map((t) => t.name), ["Story", "Task", "Bug", "Epic"]);
    assertEquals(alpha[0].statuses.map((s) => s.name), [
      "Backlog",
      "Selected for Development",
      "In Progress",
      "Review",
      "Done",
    ]);
    const ee = await jiraClient.projectStatuses("EE");
    const used = new Set(ee[0].statuses.map((s) => s.id));
    for (const issue of recordedData().issues.filter((i) => String(i.key).startsWith("EE-"))) {
      assert(used.has(String((issue.fields as { status: { id: string } }).status.id)));
    }
    const error = await assertRejects(() => jiraClient.projectStatuses("NOPE"));
    assert(error instanceof SourceRequestError);
    assertEquals((error as SourceRequestError).status, 404);
  }));

Deno.test("search: the whole JQL window, page by page until no nextPageToken", () =>
  withFakeJira({ synthetic: SYNTH }, async ({ jira, client }) => {
    const expected = expectedKeys(["ALPHA", "BETA"], FROM, TO);
    assert(expected.length > 250, `window holds ${expected.length} issues`);
    const jql = buildIssueJql({ projectKeys: ["ALPHA", "BETA"], updatedFrom: new Date(FROM), updatedTo: new Date(TO) });
    const pages = await collect(client().searchIssues({ jql, fields: ["summary", "status", "updated"] }));
    assertEquals(pages.flatMap((p) => p.issues.map((i) => i.key)), expected);
    assertEquals(pages.length, Math.ceil(expected.length / 100));
    assertEquals(jira.count("/search/jql"), pages.length);
    assertEquals(pages.at(-1)!.nextPageToken, null);
    assert(pages.slice(0, -1).every((p) => p.issues.length === 100 && p.checkpoint !== null));
    const first = pages[0].issues[0];
    assertEquals(Object.keys(first.fields!).sort(), ["status", "summary", "updated"]);
    assert((first.changelog?.total ?? 0) >= first.changelog!.histories.length);
  }));

Deno.test("search resumes from a checkpoint without gaps or duplicates", () =>
  withFakeJira({ synthetic: SYNTH }, async ({ client }) => {
    const jql = buildIssueJql({ projectKeys: ["GAMMA"], updatedFrom: new Date(FROM), updatedTo: new Date(TO) });
    const head: string[] = [];
    let checkpoint: { pageToken: string } | null = null;
    for await (const page of client().searchIssues({ jql, fields: ["updated"], expand: "" })) {
      head.push(...page.issues.map((i) => i.key));
      checkpoint = page.checkpoint;
      if (head.length >= 100) break; // the run "crashes" after its first page
    }
    const tail = await collect(client().searchIssues({ jql, fields: ["updated"], pageToken: checkpoint!.pageToken }));
    const all = [...head, ...tail.flatMap((p) => p.issues.map((i) => i.key))];
    assertEquals(all, expectedKeys(["GAMMA"], FROM, TO));
  }));

Deno.test("JQL dates are read in the Jira user's time zone", () =>
  withFakeJira({ synthetic: SYNTH, userTimeZone: "America/New_York" }, async ({ client }) => {
    const jiraClient = client();
    const me = await jiraClient.myself();
    assertEquals(me.timeZone, "America/New_York");
    const from = new Date(synth.startMs + 100 * DAY);
    const to = new Date(synth.startMs + 103 * DAY);
    const keysFor = async (timeZone: string) => {
      const jql = buildIssueJql({
        projectKeys: ["ALPHA", "BETA", "GAMMA"],
        updatedFrom: from,
        updatedTo: to,
        timeZone,
      });
      const pages = await collect(jiraClient.searchIssues({ jql, fields: ["id"], expand: "" }));
      return pages.flatMap((p) => p.issues.map((i) => i.key));
    };
    const right = await keysFor(me.timeZone!);
    assertEquals(right, expectedKeys(["ALPHA", "BETA", "GAMMA"], from.getTime(), to.getTime()));
    const wrong = await keysFor("UTC");
    assert(wrong.join() !== right.join(), "rendering in UTC would shift the window by the zone offset");
  }));

Deno.test("ids-only search pages up to 5000 per request", () =>
  withFakeJira({ synthetic: { count: 12_000, seed: 2 } }, async ({ jira, client }) => {
    const jql = buildIssueJql({ projectKeys: ["ALPHA", "BETA", "GAMMA"] });
    const pages = await collect(client().searchIssues({ jql, fields: ["id"], expand: "", maxResults: 5000 }));
    assertEquals(pages.map((p) => p.issues.length), [5000, 5000, 2000]);
    assertEquals(new Set(pages.flatMap((p) => p.issues.map((i) => i.id))).size, 12_000);
    assertEquals(jira.count("/search/jql"), 3);
  }));

Deno.test("a 429 mid-listing is waited out; a long one parks the run and a new client resumes", () =>
  withFakeJira({ synthetic: SYNTH }, async ({ jira, clock, client }) => {
    const jql = buildIssueJql({ projectKeys: ["ALPHA", "BETA"], updatedFrom: new Date(FROM), updatedTo: new Date(TO) });
    const seen: string[] = [];
    let checkpoint: { pageToken: string } | null = null;
    let parked: RateLimitedError | undefined;
    try {
      for await (const page of client().searchIssues({ jql, fields: ["updated"], expand: "" })) {
        seen.push(...page.issues.map((i) => i.key));
        checkpoint = page.checkpoint;
        if (seen.length === 100) jira.inject({ kind: "rate_limit", retryAfterSeconds: 4, path: "/search/jql" });
        if (seen.length === 200) jira.inject({ kind: "rate_limit", retryAfterSeconds: 900, path: "/search/jql" });
      }
    } catch (error) {
      parked = error as RateLimitedError;
    }
    assert(parked instanceof RateLimitedError, String(parked));
    assertEquals(seen.length, 200, "the short wait was absorbed, the long one stopped after page 2");
    assert(clock.sleeps.some((s) => s >= 4000 && s < 5000));
    clock.advance(parked.resumeAt.getTime() - clock.now());
    const rest = await collect(client().searchIssues({ jql, fields: ["updated"], pageToken: checkpoint!.pageToken }));
    assertEquals(
      [...seen, ...rest.flatMap((p) => p.issues.map((i) => i.key))],
      expectedKeys(["ALPHA", "BETA"], FROM, TO),
    );
  }));

Deno.test("dev-status: GitHub pull requests by default, other application types on request", () =>
  withFakeJira({ synthetic: SYNTH }, async ({ jira, client }) => {
    const jiraClient = client();
    const i = Array.from({ length: synth.count }, (_, n) => n).find((n) => synth.hasDevelopment(n) && n % 3 === 2)!;
    const detail = await jiraClient.devStatus(String(synth.row(i).id));
    assertEquals(jira.requests.at(-1)!.query, {
      issueId: String(synth.row(i).id),
      applicationType: "GitHub",
      dataType: "pullrequest",
    });
    const prs = detail.detail[0].pullRequests as { url: string; status: string }[];
    assertEquals(prs.length, 3);
    assert(prs.every((p) => /^https:\/\/github\.com\/acme\/[a-z]+-service\/pull\/\d+$/.test(p.url)));
    const summary = await jiraClient.devStatusSummary(String(synth.row(i).id));
    assertStringIncludes(JSON.stringify(summary), '"GitHub":{"count":3');

    const recorded = await jiraClient.devStatus("10395", { applicationType: "GitLab", dataType: "repository" });
    assertEquals(recorded, recordedData().devStatus.get("10395|GitLab|repository"));
    assertEquals((await jiraClient.devStatus("10395")).detail, [], "no GitHub data for a GitLab-linked issue");
  }));

Deno.test("board sprints page to exhaustion; sprint reports are internally consistent", () =>
  withFakeJira({ synthetic: SYNTH }, async ({ jira, client }) => {
    const jiraClient = client({ pageSizes: { sprints: 10 } });
    const pages = await collect(jiraClient.boardSprints(500));
    const sprints = pages.flatMap((p) => p.sprints);
    assertEquals(sprints.map((s) => s.id), synth.sprints(0).map((s) => s.id));
    assertEquals(jira.count("/board/500/sprint"), Math.ceil(sprints.length / 10));
    const closed = sprints.filter((s) => s.state === "closed");
    let issuesSeen = 0;
    for (const sprint of closed.slice(2, 6)) {
      const report = await jiraClient.sprintReport(500, sprint.id);
      const c = report.contents;
      type Entry = { key: string; done: boolean; estimateStatistic: { statFieldValue: { value?: number } } };
      const [done, open, punted] = [
        c.completedIssues,
        c.issuesNotCompletedInCurrentSprint,
        c.puntedIssues,
      ] as Entry[][];
      const keys = [...done, ...open, ...punted].map((e) => e.key);
      assertEquals(new Set(keys).size, keys.length, "an issue has one outcome");
      assert(done.every((e) => e.done) && open.every((e) => !e.done));
      assert(Object.keys(c.issueKeysAddedDuringSprint).every((k) => keys.includes(k)));
      const sum = done.reduce((n, e) => n + (e.estimateStatistic.statFieldValue.value ?? 0), 0);
      assertEquals((c.completedIssuesEstimateSum as { value?: number }).value ?? 0, sum);
      assertEquals(report.sprint.state, "CLOSED");
      issuesSeen += keys.length;
    }
    assert(issuesSeen > 0, "the reports are not empty");
    await assertRejects(() => jiraClient.sprintReport(500, 999_999), /404/);
  }));

Deno.test("fields, field search, createmeta pages, and the connection check", () =>
  withFakeJira({ synthetic: SYNTH }, async ({ jira, client }) => {
    const jiraClient = client({ pageSizes: { createMeta: 3, fieldSearch: 2 } });
    const fields = await jiraClient.fields();
    assert(
      fields.some((f) => f.id === "customfield_10020" && f.schema?.custom === "com.pyxis.greenhopper.jira:gh-sprint"),
    );
    const found = await jiraClient.fieldSearch({
      ids: ["customfield_10020", "customfield_10000", "customfield_10400"],
    });
    assertEquals(found.map((f) => f.name).sort(), ["Sprint", "development", "gitBranch"]);
    const meta = await jiraClient.createMeta("ALPHA");
    assertEquals(meta.issueTypes.map((t) => t.name), ["Story", "Task", "Bug", "Epic"]);
    assert(
      meta.issueTypes.every((t) => t.fields.length === 10 && t.fields.some((f) => f.fieldId === "customfield_10016")),
    );
    assertEquals(jira.count("/createmeta/ALPHA/issuetypes/30001"), 4, "10 fields in pages of 3");

    const bearer = new JiraClient({ baseUrl: jira.url, auth: jira.bearerAuth, http: { addressGuard: OPEN_ADDRESSES } });
    assertEquals(await bearer.checkConnection(), {
      accountId: "fake-account-0001",
      displayName: "Sluice Bot",
      timeZone: "UTC",
      canBrowseProjects: true,
    });
    jira.config.permissions.delete("BROWSE_PROJECTS");
    assertEquals((await bearer.checkConnection()).canBrowseProjects, false);
  }));

Deno.test("wrong credentials: SourceAuthError without the token anywhere", () =>
  withFakeJira({}, async ({ jira }) => {
    const token = "ATATT3xFfGF0-not-the-right-one";
    const jiraClient = new JiraClient({
      baseUrl: jira.url,
      auth: { kind: "basic", email: "a@b.c", token },
      http: { addressGuard: OPEN_ADDRESSES },
    });
    const error = await assertRejects(() => jiraClient.myself());
    assert(error instanceof SourceAuthError);
    for (const text of [error.message, String(error.stack), Deno.inspect(error)]) {
      assert(!text.includes(token) && !text.includes(btoa(`a@b.c:${token}`)));
    }
    assertEquals(jira.count("/myself"), 1);
  }));

Deno.test("a server that repeats its page token is reported, not looped on", async () => {
  let calls = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    calls++;
    return Response.json({ issues: [{ id: "1", key: "A-1" }], nextPageToken: "same", isLast: false });
  });
  try {
    const jiraClient = new JiraClient({
      baseUrl: `http://127.0.0.1:${server.addr.port}`,
      auth: { kind: "bearer", token: "t0k3n-xyz" },
      http: { addressGuard: OPEN_ADDRESSES },
    });
    const error = await assertRejects(() => collect(jiraClient.searchIssues({ jql: 'project = "A"' })));
    assert(error instanceof SourceResponseError);
    assertStringIncludes(error.message, "the same nextPageToken twice");
    assertEquals(calls, 2);
  } finally {
    await server.shutdown();
  }
});
