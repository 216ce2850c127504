// Jira Data Center / Server (issue #12): the deployment type is read from /serverInfo, issues come from
// /rest/api/2/search by startAt in `updated` windows that stay under the startAt cap, truncated changelogs are
// completed per issue (no bulkfetch there), and issues updated while the search pages are neither lost nor
// duplicated. The fake plays Data Center with a small cap so the windows split on 60 issues.
import { assert, assertEquals } from "../support/assert.ts";
import { createJiraConnector, STEP } from "../../engine/connectors/jira/connector.ts";
import { SPRINT_FIELD, STORY_POINTS_FIELD } from "../fakes/jira/mod.ts";
import { contentDigest, describeDifference } from "../support/content_hash.ts";
import type { Db } from "../../db/port.ts";
import { runSync } from "./driver.ts";
import { ISSUES_KIND } from "../../engine/connectors/jira/extract/extract_issues.ts";
import { CENSUS_KIND } from "../../engine/connectors/jira/extract/census.ts";
import { type EnvOptions, FAST_HTTP, type JiraEnv, kinds, mapCustomFields, withJira } from "./support.ts";

type Obj = { jql?: string; expand?: string };
const SYNTH = { count: 60, seed: 11, longHistoryEvery: 6 };
const CAP = 25;
const PAGE = 10;
const PROJECTS = ["ALPHA", "BETA", "GAMMA"];

function env(deploymentType: "Cloud" | "DataCenter"): EnvOptions {
  return {
    fake: { recorded: false, synthetic: SYNTH, searchChangelogCap: 5, deploymentType, dcStartAtCap: CAP },
    projectKeys: PROJECTS,
    settings: { pageSizes: { search: PAGE, dcStartAtCap: CAP } },
  };
}

async function mapFields({ db, tenantId, integrationId }: JiraEnv) {
  await mapCustomFields(db, tenantId, integrationId, { sprints: SPRINT_FIELD, storyPoints: STORY_POINTS_FIELD });
}

async function keys(db: Db) {
  return (await db.query<{ key: string }>("SELECT key FROM work_items ORDER BY key")).map((r) => r.key);
}

/** The JQL and startAt of every Data Center search the fake answered. */
function dcSearches(env: JiraEnv) {
  return env.jira.requests
    .filter((r) => r.path === "/rest/api/2/search")
    .map((r) => r.body as { jql: string; startAt: number; maxResults: number });
}

/** Keys of the n least recently updated issues, as the fake orders them now. */
async function oldestKeys(e: JiraEnv, n: number): Promise<string[]> {
  const res = await fetch(`${e.jira.url}/rest/api/2/search`, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`${e.jira.basicAuth.email}:${e.jira.basicAuth.token}`)}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      jql: `project IN (${PROJECTS.map((p) => `"${p}"`).join(", ")}) ORDER BY updated ASC, key ASC`,
      maxResults: n,
      fields: ["updated"],
    }),
  });
  return ((await res.json()).issues as { key: string }[]).map((i) => i.key);
}

for (const kind of kinds()) {
  Deno.test(`jira data center[${kind}]: startAt search in windows loads the same content as Cloud`, async () => {
    const windowTo = new Date(Date.now() + 60 * 60_000);
    const connector = createJiraConnector({ http: FAST_HTTP });
    let cloud: Awaited<ReturnType<typeof contentDigest>> | undefined;
    await withJira(kind, env("Cloud"), async (e) => {
      await mapFields(e);
      await runSync({ ...e, connector, windowTo });
      cloud = await contentDigest(e.db);
      assertEquals(e.jira.count("/rest/api/2/search"), 0);
    });
    await withJira(kind, env("DataCenter"), async (e) => {
      await mapFields(e);
      const result = await runSync({ ...e, connector, windowTo });
      assert(!result.stopped);
      assertEquals((await keys(e.db)).length, SYNTH.count);
      const digest = await contentDigest(e.db);
      assertEquals(digest.hash, cloud!.hash, describeDifference(cloud!, digest));

      // the approximate count answered 404, so /serverInfo was asked once; no other Cloud-only endpoint was
      for (const path of ["/search/jql", "/changelog/bulkfetch", "/issue/bulkfetch"]) {
        assertEquals(e.jira.requests.filter((r) => r.path.endsWith(path)).length, 0, path);
      }
      assertEquals(e.jira.requests.filter((r) => r.path.endsWith("/search/approximate-count")).map((r) => r.status), [
        404,
      ]);
      assertEquals(e.jira.count("/rest/api/2/serverInfo"), 1);
      // truncated changelogs were completed per issue
      assert(e.jira.requests.filter((r) => /^\/rest\/api\/2\/issue\/\d+\/changelog$/.test(r.path)).length > 0);
      // 60 issues under a cap of 25: the window was split by `updated`, every read stayed under the cap
      const searches = dcSearches(e);
      const windows = new Set(searches.map((s) => s.jql));
      assert(windows.size >= 4, `windows: ${[...windows].join(" | ")}`);
      assert(searches.every((s) => s.startAt < CAP), "a startAt reached the cap");
      assert(searches.every((s) => /ORDER BY updated ASC, key ASC$/.test(s.jql)));
      assertEquals(e.jira.requests.filter((r) => r.status >= 500).length, 0);
      // the DC totals are the estimate: each issue once, and the last page states exactly what the step yielded
      // (the issues and the census page that closes the step)
      assertEquals(result.recordsByKind.get(ISSUES_KIND), SYNTH.count);
      const stepPages = result.pageLog.filter((p) => p.step === STEP.issues);
      assertEquals(stepPages.filter((p) => p.kind === ISSUES_KIND).at(-1)!.expectedRecords, SYNTH.count + 1);
      // the census (ids of the whole scope, read like the issues) closes the step with the estimate's last record
      assertEquals(stepPages.at(-1)!.kind, CENSUS_KIND);
      assertEquals(stepPages.reduce((n, p) => n + p.records, 0), SYNTH.count + 1);
    });
  });

  Deno.test(`jira data center[${kind}]: a run stopped mid-window resumes at its startAt position`, () =>
    withJira(kind, env("DataCenter"), async (e) => {
      const connector = createJiraConnector({ http: FAST_HTTP });
      const windowTo = new Date(Date.now() + 60 * 60_000);
      const stopped = await runSync({ ...e, connector, windowTo, stopAfter: { step: STEP.issues, pages: 4 } });
      assert(stopped.stopped);
      const before = dcSearches(e).length;
      await runSync({ ...e, connector, windowTo, resume: stopped });
      assertEquals((await keys(e.db)).length, SYNTH.count);
      // the windows came from the checkpoint (no sizing probes), and the first read continued past the start
      const resumed = dcSearches(e).slice(before).filter((s) => "expand" in s);
      assert(resumed.every((s) => s.maxResults === PAGE));
      assert(resumed[0].startAt > 0, `resumed at ${resumed[0].startAt}`);
    }));

  Deno.test(`jira data center[${kind}]: issues updated while pages are read are neither lost nor duplicated`, () =>
    withJira(kind, {
      ...env("DataCenter"),
      fake: { ...env("DataCenter").fake, dcStartAtCap: 10_000 },
      settings: { pageSizes: { search: PAGE } },
    }, async (e) => {
      // one window (default cap): the two first issues, already read, move to the end of the order right after
      // the first page, so everything after them shifts two places left under the reader
      const moved = await oldestKeys(e, 2);
      assertEquals(moved.length, 2);
      let searches = 0;
      const connector = createJiraConnector({
        http: {
          ...FAST_HTTP,
          onRequest: (event) => {
            // search 1 sizes the window, search 2 is the first page
            if (event.endpoint !== "POST search (startAt)" || ++searches !== 2) return;
            for (const key of moved) e.jira.updateIssue(key, { fields: { summary: `${key} moved while paging` } });
          },
        },
      });
      const result = await runSync({ ...e, connector, windowTo: new Date(Date.now() + 60 * 60_000) });
      assert(!result.stopped);
      assertEquals((await keys(e.db)).length, SYNTH.count);
      const summaries = await e.db.query<{ key: string; summary: string }>(
        "SELECT key, summary FROM work_items WHERE key = ANY($1) ORDER BY key",
        [moved],
      );
      assertEquals(summaries.map((r) => r.summary), moved.sort().map((k) => `${k} moved while paging`));
      // the shift was noticed: after reading page 1 the reader backed up to re-find its boundary
      const starts = dcSearches(e).map((s) => s.startAt);
      assert(starts.some((s, i) => i > 1 && s < starts[i - 1]), `startAts ${starts.join(",")}`);
      // every issue once, plus the two moved ones again with their newer content
      assertEquals(result.recordsByKind.get(ISSUES_KIND), SYNTH.count + moved.length);
    }));

  Deno.test(`jira data center[${kind}]: a window that outgrows the cap while it is paged is split again`, () =>
    withJira(kind, env("DataCenter"), async (e) => {
      await mapFields(e);
      // after the first page of issues, the 30 oldest issues are edited: they move into the newest window (its end
      // is in the future), which then holds more than the cap of 25 and answers 500 "search limit exceeded"
      const moved = await oldestKeys(e, 30);
      const t0 = Date.now();
      let edited = false;
      const connector = createJiraConnector({
        http: {
          ...FAST_HTTP,
          onRequest: () => {
            const last = e.jira.requests.at(-1)!;
            const body = last.body as { startAt?: number; expand?: string } | undefined;
            if (edited || last.path !== "/rest/api/2/search" || !body?.expand || body.startAt !== 0) return;
            edited = true;
            // a minute apart (still before the window's end): more than the cap in one minute could not be paged
            moved.forEach((key, i) =>
              e.jira.updateIssue(key, { at: t0 + (i + 1) * 60_000, fields: { summary: `${key} edited while paging` } })
            );
          },
        },
      });
      const result = await runSync({ ...e, connector, windowTo: new Date(Date.now() + 60 * 60_000) });
      assert(!result.stopped, String(result.error));
      assert(edited);
      const refused = e.jira.requests.filter((r) => r.status === 500);
      assert(refused.length > 0, "the grown window was refused past the cap");
      assert(refused.every((r) => r.path === "/rest/api/2/search" && (r.body as { startAt: number }).startAt >= CAP));
      // a refusal is final: the same request is not sent again (no retries of the 500)
      const refusedAsks = refused.map((r) => JSON.stringify(r.body));
      assertEquals(new Set(refusedAsks).size, refusedAsks.length, "a refused search was sent again");
      // every issue loaded once, the edited ones with their new content
      assertEquals((await keys(e.db)).length, SYNTH.count);
      const summaries = await e.db.query<{ key: string; summary: string }>(
        "SELECT key, summary FROM work_items WHERE key = ANY($1) ORDER BY key",
        [moved],
      );
      assertEquals(summaries.map((r) => r.summary), moved.sort().map((k) => `${k} edited while paging`));
      // after the refusal the issue pages went on in windows not read before (the rest of the grown one, split)
      const pages = e.jira.requests.filter((r) => r.path === "/rest/api/2/search" && (r.body as Obj).expand);
      const firstRefusal = pages.findIndex((r) => r.status === 500);
      const before = new Set(pages.slice(0, firstRefusal).map((r) => (r.body as Obj).jql));
      const later = pages.slice(firstRefusal).filter((r) => r.status === 200 && !before.has((r.body as Obj).jql));
      assert(later.length > 0, "new windows after the refusal");
      assertEquals(e.jira.internalErrors, []);
    }));
}
