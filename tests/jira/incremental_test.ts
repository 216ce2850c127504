// Incremental behaviour against the fake Jira: a second run over an unchanged source makes only the minimal calls
// and writes nothing; a changed issue is picked up with its metrics recomputed from its whole history; a run that
// stops mid-step resumes from its checkpoint without re-reading or duplicating anything; truncated changelogs are
// completed with one bulk request.
import { assert, assertEquals } from "../support/assert.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { recordedData } from "../fakes/jira/mod.ts";
import { runSync } from "./driver.ts";
import { FAST_HTTP, kinds, mapCustomFields, withJira } from "./support.ts";
import type { Db } from "../../db/port.ts";

const connector = createJiraConnector({ http: FAST_HTTP });
const TABLES = [
  "projects",
  "wits",
  "statuses",
  "projects_wits",
  "projects_statuses",
  "identities",
  "work_items",
  "changelogs",
  "sprints",
  "work_items_sprints",
];

/** Row count and newest change per table: equal before/after means nothing was inserted or updated. */
async function fingerprint(db: Db) {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const hasUpdated = !table.startsWith("projects_");
    const [r] = await db.query<{ n: number; last: string | null }>(
      `SELECT count(*)::int AS n, ${hasUpdated ? "max(updated_at)::text" : "NULL"} AS last FROM ${table}`,
    );
    out[table] = `${r.n}@${r.last}`;
  }
  return out;
}

const statusTransitions = () =>
  recordedData().issues.reduce(
    (n, i) =>
      n + (i.changelog as { histories: { items: { field: string }[] }[] }).histories
        .filter((h) => h.items.some((it) => it.field === "status")).length,
    0,
  );

for (const kind of kinds()) {
  Deno.test(`jira incremental[${kind}]: an unchanged source costs the minimal calls and writes nothing`, () =>
    withJira(kind, {}, async ({ db, jira, tenantId, integrationId, credentials }) => {
      await mapCustomFields(db, tenantId, integrationId, {
        sprints: "customfield_10020",
        storyPoints: "customfield_10024",
      });
      const t1 = new Date();
      const first = await runSync({ db, connector, tenantId, integrationId, credentials, windowTo: t1 });
      assert(first.rows > 0);
      const before = await fingerprint(db);
      const requestsBefore = jira.requests.length;
      const second = await runSync({
        db,
        connector,
        tenantId,
        integrationId,
        credentials,
        windowFrom: new Date(t1.getTime() - 5 * 60_000),
        windowTo: new Date(),
      });
      const calls = jira.requests.slice(requestsBefore).map((r) => `${r.method} ${r.path}`);
      // projects (one page for both keys), statuses of each project, link types, the user's time zone, the
      // approximate count, one empty search, the census (ids of the whole scope, one page)
      assertEquals(calls, [
        "GET /rest/api/3/project/search",
        "GET /rest/api/3/project/EE/statuses",
        "GET /rest/api/3/project/K5/statuses",
        "GET /rest/api/3/issueLinkType",
        "GET /rest/api/3/myself",
        "POST /rest/api/3/search/approximate-count",
        "POST /rest/api/3/search/jql",
        "POST /rest/api/3/search/jql",
      ]);
      assertEquals(second.requests, calls.length, "etl_runs.requests_made is fed for every request");
      assertEquals(second.rows, 0);
      assertEquals(second.embed.size, 0, "nothing to re-embed");
      assertEquals(await fingerprint(db), before);
      assertEquals((jira.requests.at(-1)!.body as { fields: string[] }).fields, ["id"], "the census");
      const jql = (jira.requests.at(-2)!.body as { jql: string }).jql;
      assert(/updated >= "\d{4}-\d\d-\d\d \d\d:\d\d" AND updated < /.test(jql), jql);
    }));

  Deno.test(`jira incremental[${kind}]: a changed issue is picked up and its metrics use the whole history`, () =>
    withJira(kind, {}, async ({ db, jira, tenantId, integrationId, credentials }) => {
      const t1 = new Date();
      await runSync({ db, connector, tenantId, integrationId, credentials, windowTo: t1 });
      const [before] = await db.query<
        { id: number; updated_at: Date; total_work_starts: number; total_completions: number }
      >(
        "SELECT id, updated_at, total_work_starts, total_completions FROM work_items WHERE key = 'EE-5'",
      );
      const untouched = await db.query<{ key: string; updated_at: Date }>(
        "SELECT key, updated_at::text AS updated_at FROM work_items WHERE key <> 'EE-5' ORDER BY key",
      );
      // EE-5 is reopened (Done → In Progress) and renamed a minute after the first run
      const at = t1.getTime() + 60_000;
      jira.updateIssue("EE-5", {
        at,
        fields: { summary: "Reopened for a follow-up", status: { id: "3", name: "In Progress" } },
        history: {
          items: [{
            field: "status",
            fieldtype: "jira",
            fieldId: "status",
            from: "10068",
            fromString: "已完成",
            to: "3",
            toString: "In Progress",
          }],
        },
      });
      const requestsBefore = jira.requests.length;
      const second = await runSync({
        db,
        connector,
        tenantId,
        integrationId,
        credentials,
        windowFrom: new Date(t1.getTime() - 5 * 60_000),
        windowTo: new Date(at + 2 * 60_000),
      });
      assertEquals(jira.count("/search/jql") >= 1, true);
      // the window's search and the census
      assertEquals(jira.requests.slice(requestsBefore).filter((r) => r.path.endsWith("/search/jql")).length, 2);
      assertEquals(second.recordsByKind.get("jira_issues"), 1, "only the changed issue came back");
      const [after] = await db.query<
        {
          id: number;
          summary: string;
          updated_at: Date;
          total_work_starts: number;
          total_completions: number;
          total_cycle_time_seconds: number | null;
        }
      >(
        "SELECT id, summary, updated_at, total_work_starts, total_completions, total_cycle_time_seconds FROM work_items WHERE key = 'EE-5'",
      );
      assertEquals(after.summary, "Reopened for a follow-up");
      // one more start on top of the whole earlier history (the reference would have reset it to 1)
      assertEquals(after.total_work_starts, before.total_work_starts + 1);
      assertEquals(after.total_completions, before.total_completions);
      assertEquals(after.total_cycle_time_seconds, null, "reopened: no finished cycle");
      assertEquals(
        await db.query("SELECT key, updated_at::text AS updated_at FROM work_items WHERE key <> 'EE-5' ORDER BY key"),
        untouched,
        "no other issue was rewritten",
      );
      const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM changelogs");
      assertEquals(n, statusTransitions() + 1);
    }));

  Deno.test(`jira incremental[${kind}]: a run stopped mid-step resumes from its checkpoint without duplicates`, () =>
    withJira(
      kind,
      { settings: { pageSizes: { search: 10 } } },
      async ({ db, jira, tenantId, integrationId, credentials }) => {
        const windowTo = new Date();
        const stopped = await runSync({
          db,
          connector,
          tenantId,
          integrationId,
          credentials,
          windowTo,
          stopAfter: { step: "jira_issues_with_changelogs", pages: 1 },
        });
        assert(stopped.stopped);
        const [{ n: partial }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM work_items");
        assertEquals(partial, 10, "the first page of 10 issues was committed");
        const searchesBefore = jira.count("/search/jql");
        const resumed = await runSync({
          db,
          connector,
          tenantId,
          integrationId,
          credentials,
          windowTo,
          resume: stopped,
        });
        // the resumed search starts with the saved page token: no page is read twice (the census aside)
        const resumedSearches = jira.requests.filter((r) => r.path.endsWith("/search/jql")).slice(searchesBefore)
          .filter((r) => String((r.body as { fields?: string[] }).fields) !== "id");
        assertEquals(resumedSearches.length, 3);
        assert(typeof (resumedSearches[0].body as { nextPageToken?: string }).nextPageToken === "string");
        const issueRecords = resumed.kinds.filter((k) => k === "jira_issues").length;
        assertEquals(issueRecords, 3);
        const [{ n: items }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM work_items");
        const [{ n: logs }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM changelogs");
        assertEquals(items, recordedData().issues.length);
        assertEquals(logs, statusTransitions());
        const [{ n: rawIssues }] = await db.query<{ n: number }>(
          "SELECT sum(record_count)::int AS n FROM raw_extraction_data WHERE kind = 'jira_issues'",
        );
        assertEquals(rawIssues, recordedData().issues.length, "every issue was extracted exactly once");
      },
    ));

  Deno.test(`jira incremental[${kind}]: truncated changelogs are completed by one bulkfetch`, () =>
    withJira(kind, { fake: { searchChangelogCap: 5 } }, async ({ db, jira, tenantId, integrationId, credentials }) => {
      await mapCustomFields(db, tenantId, integrationId, {
        sprints: "customfield_10020",
        storyPoints: "customfield_10024",
      });
      await runSync({ db, connector, tenantId, integrationId, credentials });
      assertEquals(jira.count("/changelog/bulkfetch"), 1);
      const bulk = jira.requests.find((r) => r.path.endsWith("/changelog/bulkfetch"))!.body as {
        issueIdsOrKeys: string[];
        fieldIds: string[];
      };
      assertEquals(bulk.fieldIds, ["status", "customfield_10020", "customfield_10024"]);
      const truncated = recordedData().issues.filter((i) =>
        (i.changelog as { histories: unknown[] }).histories.length > 5
      ).length;
      assertEquals(bulk.issueIdsOrKeys.length, truncated);
      const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM changelogs");
      assertEquals(n, statusTransitions(), "early transitions beyond the search cap are not lost");
    }));

  Deno.test(`jira incremental[${kind}]: a resume first completes the truncated issues the stop left waiting`, () =>
    withJira(
      kind,
      { fake: { searchChangelogCap: 5 }, settings: { pageSizes: { search: 10 } } },
      async ({ db, jira, tenantId, integrationId, credentials }) => {
        const windowTo = new Date();
        const stopped = await runSync({
          db,
          connector,
          tenantId,
          integrationId,
          credentials,
          windowTo,
          stopAfter: { step: "jira_issues_with_changelogs", pages: 1 },
        });
        const cp = stopped.checkpoints.get("jira_issues_with_changelogs") as { pending: string[]; pageToken: string };
        assertEquals(cp.pending.length, 10, "the first page's issues all have more than 5 histories");
        assertEquals(jira.count("/changelog/bulkfetch"), 0);
        const searchesBefore = jira.count("/search/jql");
        await runSync({ db, connector, tenantId, integrationId, credentials, windowTo, resume: stopped });
        const resumed = jira.requests.filter((r) => r.path.endsWith("/search/jql")).slice(searchesBefore);
        const firstJql = (resumed[0].body as { jql: string }).jql;
        assertEquals(firstJql, `id IN (${cp.pending.join(", ")})`, "the waiting issues are re-read by id first");
        assertEquals((resumed[1].body as { nextPageToken?: string }).nextPageToken, cp.pageToken);
        assertEquals(jira.count("/changelog/bulkfetch"), 2, "one for the waiting issues, one for the rest");
        const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM changelogs");
        assertEquals(n, statusTransitions());
        const [{ n: items }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM work_items");
        assertEquals(items, recordedData().issues.length);
      },
    ));
}

for (const kind of kinds()) {
  Deno.test(`jira incremental[${kind}]: the census of a run deactivates an issue deleted in Jira, only that one`, () =>
    withJira(kind, {}, async (env) => {
      const { db, jira } = env;
      const t1 = new Date();
      const first = await runSync({ ...env, connector, windowTo: t1 });
      assertEquals(first.kinds.filter((k) => k === "jira_issue_census").length, 1, "the census ran");
      const [{ n: active }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM work_items WHERE active");
      assertEquals(active, recordedData().issues.length, "the first census deactivates nothing");
      assert(jira.deleteIssue("EE-5"));
      const second = await runSync({ ...env, connector, windowFrom: new Date(t1.getTime() - 300_000) });
      const inactive = await db.query<{ id: number; key: string }>("SELECT id, key FROM work_items WHERE NOT active");
      assertEquals(inactive.map((r) => r.key), ["EE-5"]);
      assertEquals([...second.embed.get("work_items") ?? []], [Number(inactive[0].id)], "its vector is dropped");
    }));
}
