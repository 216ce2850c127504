// Changelog completion and bulk retrieval against the fake Jira: only truncated issues are fetched, with the
// fewest requests; pages are merged per issue; resumable; Data Center falls back to per-issue pages.
import { assert, assertEquals } from "../../../../tests/support/assert.ts";
import { recordedData, synthesizeIssues } from "../../../../tests/fakes/jira/mod.ts";
import { isChangelogTruncated, sortHistories } from "./changelog.ts";
import { buildIssueJql } from "./jql.ts";
import type { JiraHistory } from "./types.ts";
import { collect, withFakeJira } from "./test_support.ts";

const SYNTH = { count: 300, seed: 3, longHistoryEvery: 6 };
const synth = synthesizeIssues(SYNTH.count, SYNTH.seed, { longHistoryEvery: SYNTH.longHistoryEvery });
const ids = (histories: { id: string }[]) => histories.map((h) => h.id);

Deno.test("completeChangelogs fetches only truncated issues, in the fewest bulk requests", () =>
  withFakeJira({ synthetic: SYNTH, recorded: false }, async ({ jira, client }) => {
    const jiraClient = client({ pageSizes: { bulkChangelogResults: 1000 } });
    const jql = buildIssueJql({ projectKeys: ["ALPHA", "BETA", "GAMMA"] });
    let expectedBulkRequests = 0;
    let truncatedTotal = 0;
    for await (const page of jiraClient.searchIssues({ jql, fields: ["updated"] })) {
      const rows = page.issues.map((issue) => synth.row(Number(issue.id) - 200_000));
      const truncated = rows.filter((r) => r.events > 40);
      assertEquals(page.issues.filter(isChangelogTruncated).map((i) => i.key), truncated.map((r) => r.key));
      const histories = truncated.reduce((n, r) => n + r.events, 0);
      expectedBulkRequests += Math.ceil(histories / 1000);
      truncatedTotal += truncated.length;

      const before = jira.requests.length;
      const { issues, fetchedIssueIds, unresolvedIssueIds } = await jiraClient.completeChangelogs(page.issues);
      const bulkBodies = jira.requests.slice(before).map((r) => r.body as { issueIdsOrKeys: string[] });
      assertEquals(new Set(bulkBodies.flatMap((b) => b.issueIdsOrKeys)), new Set(truncated.map((r) => String(r.id))));
      assertEquals(fetchedIssueIds.length, truncated.length);
      assertEquals(unresolvedIssueIds, []);
      for (const issue of issues) {
        const built = synth.build(Number(issue.id) - 200_000);
        assertEquals(ids(issue.changelog!.histories), ids(built.histories as { id: string }[]), issue.key);
        assertEquals(issue.changelog!.total, built.histories.length);
      }
    }
    assert(truncatedTotal > 20, `${truncatedTotal} truncated issues`);
    assertEquals(jira.count("/changelog/bulkfetch"), expectedBulkRequests);
  }));

Deno.test("recorded issues: completion restores exactly the recorded histories", () =>
  withFakeJira({ searchChangelogCap: 10 }, async ({ jira, client }) => {
    const recorded = new Map(recordedData().issues.map((i) => [String(i.key), i]));
    const jiraClient = client();
    const pages = await collect(jiraClient.searchIssues({ jql: buildIssueJql({ projectKeys: ["EE", "K5"] }) }));
    const issues = pages.flatMap((p) => p.issues);
    assertEquals(issues.length, 33);
    const { issues: complete, fetchedIssueIds } = await jiraClient.completeChangelogs(issues);
    const long = [...recorded.values()].filter((i) => (i.changelog as { histories: unknown[] }).histories.length > 10);
    assertEquals(new Set(fetchedIssueIds), new Set(long.map((i) => String(i.id))));
    for (const issue of complete) {
      const original = (recorded.get(issue.key)!.changelog as { histories: JiraHistory[] }).histories;
      assertEquals(ids(issue.changelog!.histories), ids(sortHistories(original)), issue.key);
    }

    // Deleted between search and completion: bulkfetch leaves it out; it is named and keeps what search gave.
    jira.deleteIssue("EE-17");
    const again = await jiraClient.completeChangelogs(issues.filter((i) => i.key === "EE-17"));
    assertEquals(again.unresolvedIssueIds, ["10079"]);
    assertEquals(again.issues[0].changelog!.histories.length, 10);
  }));

Deno.test("bulk changelog pages split issues across pages, merge back, and resume from a checkpoint", () =>
  withFakeJira({}, async ({ jira, client }) => {
    const recorded = recordedData().issueChangelogs;
    const issueIds = ["13383", "13954", "13491"];
    const jiraClient = client({ pageSizes: { bulkChangelogResults: 30 } });
    const pages = await collect(jiraClient.bulkChangelogs(issueIds));
    assertEquals(pages.length, Math.ceil((100 + 100 + 79) / 30));
    assertEquals(jira.count("/changelog/bulkfetch"), pages.length);
    assert(pages.some((p) => p.changelogs.length === 2), "an issue continues on the next page");
    const merged = new Map<string, string[]>();
    for (const page of pages) {
      for (const log of page.changelogs) {
        merged.set(log.issueId, [...(merged.get(log.issueId) ?? []), ...ids(log.histories)]);
      }
    }
    for (const id of issueIds) assertEquals(merged.get(id), ids(recorded.get(id) as { id: string }[]), id);

    const resumed = await collect(jiraClient.bulkChangelogs(issueIds, { resume: pages[3].checkpoint! }));
    assertEquals(
      resumed.flatMap((p) => p.changelogs.flatMap((l) => ids(l.histories))),
      pages.slice(4).flatMap((p) => p.changelogs.flatMap((l) => ids(l.histories))),
    );
    assertEquals(pages.at(-1)!.checkpoint, null);
  }));

Deno.test("more than 1000 issues go out in batches of at most 1000, with the field filter", () =>
  withFakeJira({ synthetic: { count: 2300, seed: 5 }, recorded: false }, async ({ jira, client }) => {
    const many = synthesizeIssues(2300, 5);
    const issueIds = Array.from({ length: 2300 }, (_, i) => String(200_000 + i));
    const histories = await collect(client().bulkChangelogs(issueIds, { fieldIds: ["status"] }));
    const bodies = jira.requests.filter((r) => r.path.endsWith("/bulkfetch")).map((r) =>
      r.body as { issueIdsOrKeys: string[]; fieldIds: string[] }
    );
    const batches = [...new Set(bodies.map((b) => b.issueIdsOrKeys.join()))].map((b) => b.split(",").length);
    assertEquals(batches, [1000, 1000, 300]);
    assert(bodies.every((b) => b.fieldIds.join() === "status"));
    const statusChanges = new Map<string, number>();
    for (const page of histories) {
      for (const log of page.changelogs) {
        assert(log.histories.every((h) => h.items.every((i) => i.fieldId === "status")));
        statusChanges.set(log.issueId, (statusChanges.get(log.issueId) ?? 0) + log.histories.length);
      }
    }
    for (const i of [0, 999, 1000, 2299]) {
      const expected = many.build(i).histories.filter((h) =>
        (h.items as { fieldId: string }[]).some((item) =>
          item.fieldId === "status"
        )
      ).length;
      assertEquals(statusChanges.get(String(200_000 + i)) ?? 0, expected);
    }
  }));

Deno.test("Data Center: bulkfetch 404 switches to per-issue changelog pages, once", () =>
  withFakeJira({ synthetic: SYNTH, bulkChangelog: false }, async ({ jira, client }) => {
    const jiraClient = client({ apiVersion: "2", pageSizes: { changelog: 30 } });
    const longIssue = Array.from({ length: SYNTH.count }, (_, i) => i).find((i) => synth.row(i).events > 90)!;
    const issueIds = ["13383", String(200_000 + longIssue), String(200_001)];
    const pages = await collect(jiraClient.bulkChangelogs(issueIds));
    assertEquals(jiraClient.changelogMode, "per-issue");
    assertEquals(jira.count("/changelog/bulkfetch"), 1);
    assert(pages.every((p) => p.mode === "per-issue"));
    const merged = new Map<string, string[]>();
    for (const p of pages) {
      for (const l of p.changelogs) merged.set(l.issueId, [...(merged.get(l.issueId) ?? []), ...ids(l.histories)]);
    }
    assertEquals(merged.get("13383"), ids(recordedData().issueChangelogs.get("13383") as { id: string }[]));
    assertEquals(merged.get(String(200_000 + longIssue)), ids(synth.build(longIssue).histories as { id: string }[]));
    const perIssueRequests = jira.requests.filter((r) => /^\/rest\/api\/2\/issue\/\d+\/changelog$/.test(r.path));
    const expected = [100, synth.row(longIssue).events, synth.row(1).events].reduce((n, c) => n + Math.ceil(c / 30), 0);
    assertEquals(perIssueRequests.length, expected);

    // Resuming in the middle of an issue continues at its offset.
    const mid = pages.findIndex((p) => p.checkpoint?.issueIndex === 1 && (p.checkpoint.startAt ?? 0) > 0);
    const resumed = await collect(jiraClient.bulkChangelogs(issueIds, { resume: pages[mid].checkpoint! }));
    assertEquals(resumed.length, pages.length - mid - 1);
    assertEquals(jira.count("/changelog/bulkfetch"), 1, "the fallback is remembered");

    const { issues } = await jiraClient.completeChangelogs([{ id: String(200_000 + longIssue), key: "X" }]);
    assertEquals(issues[0].changelog!.total, synth.row(longIssue).events);

    // An issue deleted after the search is named, not fatal and not silently emptied.
    jira.deleteIssue(String(200_002));
    const embedded = { histories: [], total: 5 };
    const done = await jiraClient.completeChangelogs([{ id: String(200_002), key: "Y", changelog: embedded }]);
    assertEquals(done.unresolvedIssueIds, [String(200_002)]);
  }));
