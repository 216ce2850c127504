// The Jira connector run by the real engine (queued extract → transform → embed stages) against the fake Jira, on
// every queue adapter: the first run loads every recorded issue and finishes with matching counters, a second run
// with no source changes writes nothing new, and a re-transform replays the stored raw pages with zero API calls.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { recordedData } from "../fakes/jira/mod.ts";
import { FAST_HTTP, mapCustomFields, withJira } from "./support.ts";
import { queueKinds, waitForRun } from "../engine/support/harness.ts";
import { assertStagesSettled, withConnectorEngine } from "../engine/support/connector_engine.ts";

const kind = primaryKind();

for (const queueKind of queueKinds()) {
  Deno.test(`jira via engine[${kind}/${queueKind}]: full sync, no-op re-sync, re-transform without API calls`, () =>
    withJira(kind, {}, async ({ db, jira, tenantId, integrationId, credentials }) => {
      await mapCustomFields(db, tenantId, integrationId, {
        sprints: "customfield_10020",
        storyPoints: "customfield_10024",
        development: "customfield_10000",
      });
      const connector = createJiraConnector({ http: FAST_HTTP });
      await withConnectorEngine(
        { db, queueKind, connector, tenantId, integrationId, credentials },
        async ({ engine, jobId }) => {
          const first = await engine.startRun({ tenantId, jobId });
          const run1 = await waitForRun(db, first.runId, "FINISHED", 60_000);
          const recorded = recordedData().issues;
          const [{ n: items }] = await db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM work_items WHERE tenant_id = $1",
            [tenantId],
          );
          assertEquals(items, recorded.length, "every recorded issue is loaded");
          await assertStagesSettled(db, first.runId);
          // the approximate count (grown by re-yields and the census page) is exactly met at the end
          const [issues] = await db.query<{ records: number; expected_records: number }>(
            `SELECT records, expected_records::int AS expected_records FROM etl_run_stages
              WHERE run_id = $1 AND step = 'jira_issues_with_changelogs' AND stage = 'extract'`,
            [first.runId],
          );
          assertEquals(issues.expected_records, issues.records);
          assertEquals(issues.records, recorded.length + 1, "every issue and the census page");
          assert(run1.rows_written > 0);
          const [job] = await db.query<{ status: string; watermark: Date }>(
            "SELECT status, watermark FROM etl_jobs WHERE id = $1",
            [jobId],
          );
          assertEquals(job.status, "FINISHED");
          assert(job.watermark instanceof Date, "the watermark moves on success");

          const updatedBefore = await db.query<{ m: Date }>(
            "SELECT max(updated_at) AS m FROM work_items WHERE tenant_id = $1",
            [tenantId],
          );
          const second = await engine.startRun({ tenantId, jobId });
          await waitForRun(db, second.runId, "FINISHED", 60_000);
          const updatedAfter = await db.query<{ m: Date }>(
            "SELECT max(updated_at) AS m FROM work_items WHERE tenant_id = $1",
            [tenantId],
          );
          assertEquals(updatedAfter[0].m.getTime(), updatedBefore[0].m.getTime(), "an unchanged source writes nothing");

          const requestsBefore = jira.requests.length;
          const replay = await engine.startRetransform({ tenantId, integrationId });
          await waitForRun(db, replay.runId, "FINISHED", 60_000);
          assertEquals(jira.requests.length, requestsBefore, "re-transform makes no API call");
          const [{ n: after }] = await db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM work_items WHERE tenant_id = $1",
            [tenantId],
          );
          assertEquals(after, recorded.length);
        },
      );
    }));
}
