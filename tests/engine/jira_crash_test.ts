// Issue #10 §1: a Jira sync whose worker processes are SIGKILLed at random moments, again and again, on each queue
// adapter, must end with the same CONTENT as a clean run — every loaded column of every table (surrogate ids and
// write times aside), including the values derived from history: flow metrics, each transition's time in status
// and start, sprint added/removed dates and estimates. The synthetic project gives long histories (completed by
// bulkfetch in a second pass: the same issue loaded twice), sprint moves and pull requests; small search pages
// and two parallel transforms per process make batches land in any order and be redelivered after each kill.
import { assert, assertEquals } from "../support/assert.ts";
import { needsPostgres } from "../support/db.ts";
import { contentDigest } from "../support/content_hash.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { DEVELOPMENT_FIELD, SPRINT_FIELD, STORY_POINTS_FIELD } from "../fakes/jira/mod.ts";
import { FAST_HTTP, type JiraEnv, mapCustomFields, withJira } from "../jira/support.ts";
import { getRun, queueKinds, waitForRun } from "./support/harness.ts";
import { readyJob, withConnectorEngine } from "./support/connector_engine.ts";
import { assertKillsChangeNothing } from "./support/kill_loop.ts";
import type { Db } from "../../db/port.ts";

const KILLS = 10;
const SYNTH = { count: 240, seed: 11, developmentEvery: 6, longHistoryEvery: 3 };
const ENV = {
  fake: { recorded: false, synthetic: SYNTH, searchChangelogCap: 15 },
  projectKeys: ["ALPHA", "BETA", "GAMMA"],
  settings: { pageSizes: { search: 20, bulkChangelogIssues: 25 } },
};

async function prepare(env: JiraEnv) {
  await mapCustomFields(env.db, env.tenantId, env.integrationId, {
    sprints: SPRINT_FIELD,
    storyPoints: STORY_POINTS_FIELD,
    development: DEVELOPMENT_FIELD,
  });
}

/** The digest of what a sync loaded; raw pages and run bookkeeping are not content. */
const digest = (db: Db) => contentDigest(db);

for (const queueKind of queueKinds()) {
  Deno.test(
    needsPostgres(`jira crash [${queueKind}]: ${KILLS} SIGKILLs mid-sync end with the content of a clean run`),
    () =>
      withJira("postgres", ENV, async (clean) => {
        await prepare(clean);
        const connector = createJiraConnector({ http: FAST_HTTP });
        let cleanRows = 0;
        await withConnectorEngine({ ...clean, queueKind, connector }, async ({ engine, jobId }) => {
          const { runId } = await engine.startRun({ tenantId: clean.tenantId, jobId });
          await waitForRun(clean.db, runId, "FINISHED", 120_000);
          const run = await getRun(clean.db, runId);
          assertEquals(run.requests_made, clean.jira.requests.length, "requests_made is exact on the clean run");
          cleanRows = run.rows_written;
        });
        const reference = await digest(clean.db);
        const [{ n: metrics }] = await clean.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM work_items WHERE total_completions > 0 OR total_work_starts > 0",
        );
        assert(metrics > SYNTH.count / 4, `flow metrics were derived (${metrics} items)`);

        await withJira("postgres", ENV, async (crashed) => {
          await prepare(crashed);
          await assertKillsChangeNothing(reference, {
            db: crashed.db,
            queueKind,
            source: "jira",
            connector,
            credentials: crashed.credentials,
            tenantId: crashed.tenantId,
            jobId: await readyJob(crashed.db, crashed.tenantId, crashed.integrationId),
            kills: KILLS,
            lifetimeMs: () => queueKind === "db" ? 400 + Math.random() * 1200 : 200 + Math.random() * 900,
            served: () => crashed.jira.requests.length,
            rowsWritten: cleanRows,
          });
        });
      }),
  );
}
