// Issue #10 §1: a Jira sync whose worker processes are SIGKILLed at random moments, again and again, on each queue
// adapter, must end with the same CONTENT as a clean run — every loaded column of every table (surrogate ids and
// write times aside), including the values derived from history: flow metrics, each transition's time in status
// and start, sprint added/removed dates and estimates. The synthetic project gives long histories (completed by
// bulkfetch in a second pass: the same issue loaded twice), sprint moves and pull requests; small search pages
// and two parallel transforms per process make batches land in any order and be redelivered after each kill.
import { assert, assertEquals } from "../support/assert.ts";
import { needsPostgres } from "../support/db.ts";
import { contentDigest, describeDifference } from "../support/content_hash.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { DEVELOPMENT_FIELD, SPRINT_FIELD, STORY_POINTS_FIELD } from "../fakes/jira/mod.ts";
import { FAST_HTTP, type JiraEnv, mapCustomFields, withJira } from "../jira/support.ts";
import { getRun, newPrefix, openQueue, queueKinds, waitForRun } from "./support/harness.ts";
import { createEngine } from "../../engine/engine.ts";
import { withConnectorEngine } from "./support/connector_engine.ts";
import { type Child, spawnChild } from "./support/children.ts";
import { RequestAudit } from "./support/request_audit.ts";
import type { Db } from "../../db/port.ts";

const KILLS = 10;
const SYNTH = { count: 240, seed: 11, developmentEvery: 6, longHistoryEvery: 3 };
const ENV = {
  fake: { recorded: false, synthetic: SYNTH, searchChangelogCap: 15 },
  projectKeys: ["ALPHA", "BETA", "GAMMA"],
  settings: { pageSizes: { search: 20, bulkChangelogIssues: 25 } },
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function prepare(env: JiraEnv) {
  await mapCustomFields(env.db, env.tenantId, env.integrationId, {
    sprints: SPRINT_FIELD,
    storyPoints: STORY_POINTS_FIELD,
    development: DEVELOPMENT_FIELD,
  });
}

async function jobOf(db: Db, integrationId: number): Promise<number> {
  const [job] = await db.query<{ id: number }>("SELECT id FROM etl_jobs WHERE integration_id = $1", [integrationId]);
  return job.id;
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
          await crashed.db.query("UPDATE integrations SET credentials_enc = 'sealed-in-test' WHERE id = $1", [
            crashed.integrationId,
          ]);
          const jobId = await jobOf(crashed.db, crashed.integrationId);
          const [{ name }] = await crashed.db.query<{ name: string }>("SELECT current_database() AS name");
          // this process only starts runs (publishing their first message); the children do all the work
          const q = await openQueue(queueKind, crashed.db, { prefix: newPrefix(), maxAttempts: 20 });
          const starter = createEngine({ db: crashed.db, queue: q.queue, connectors: [connector] });
          const startRun = async () => (await starter.startRun({ tenantId: crashed.tenantId, jobId })).runId;
          const env = {
            CHILD_MODE: "worker",
            DATABASE_URL: databaseUrl(name),
            QUEUE_KIND: queueKind,
            QUEUE_PREFIX: q.prefix,
            VISIBILITY_MS: "800",
            JIRA_CREDENTIALS: JSON.stringify(crashed.credentials),
          };
          const children: Child[] = [];
          try {
            const first = spawnChild(env);
            children.push(first);
            await first.ready;
            const audit = new RequestAudit(crashed.db, () => crashed.jira.requests.length);
            const runs = [await startRun()];
            let kills = 0;
            let current = first;
            while (kills < KILLS) {
              await sleep(queueKind === "db" ? 400 + Math.random() * 1200 : 200 + Math.random() * 900);
              await current.kill("SIGKILL");
              kills++;
              await audit.afterKill(runs);
              if ((await getRun(crashed.db, runs.at(-1)!)).status === "FINISHED") {
                // finished before the kills ran out: crash a full re-sync too (it must change no content)
                await crashed.db.query("UPDATE etl_jobs SET watermark = NULL WHERE id = $1", [jobId]);
                runs.push(await startRun());
              }
              current = spawnChild(env);
              children.push(current);
              await current.ready;
            }
            for (const runId of runs) await waitForRun(crashed.db, runId, "FINISHED", 120_000);
            const survived = await digest(crashed.db);
            assertEquals(
              survived.hash,
              reference.hash,
              `content differs from the clean run:\n${describeDifference(reference, survived)}`,
            );
            assertEquals(kills, KILLS);
            // every request was journaled before it was sent (engine/request_journal.ts): none lost to a kill
            const { served, recorded } = await audit.assertExact(runs);
            console.log(`requests: ${served} served, ${recorded} recorded, ${audit.unsent} unsent over ${kills} kills`);
            assertEquals((await getRun(crashed.db, runs[0])).rows_written, cleanRows, "rows_written as the clean run");
          } finally {
            for (const c of children) await c.kill("SIGKILL");
            await starter.close();
            await q.close();
          }
        });
      }),
  );
}

/** The URL of the test's own database (same server as DATABASE_URL). */
function databaseUrl(name: string): string {
  const url = new URL(Deno.env.get("DATABASE_URL")!);
  url.pathname = `/${name}`;
  return url.toString();
}
