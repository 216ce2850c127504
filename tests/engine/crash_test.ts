// Crash recovery with real processes: worker processes (`deno run` of support/engine_child.ts) are SIGKILLed at
// random moments of a run, again and again, and restarted; the run must still finish with exactly the rows of a
// clean run, exact counters, and no duplicate pages.
import { assert, assertEquals } from "../support/assert.ts";
import { createTestDb, needsPostgres } from "../support/db.ts";
import { createEngine } from "../../engine/engine.ts";
import { OPEN_ADDRESSES } from "../../engine/http/address_guard.ts";
import { createSyntheticConnector } from "../../engine/connectors/synthetic/connector.ts";
import { SyntheticSource } from "../../engine/connectors/synthetic/source.ts";
import type { Queryable } from "../../db/port.ts";
import {
  count,
  getRun,
  itemsSnapshot,
  openQueue,
  queueKinds,
  seedSyntheticJob,
  waitForRun,
} from "./support/harness.ts";
import { type Child, spawnChild } from "./support/children.ts";
import { RequestAudit } from "./support/request_audit.ts";
import { setLogLevel } from "../../lib/log.ts";

setLogLevel("error");
const KILLS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counters match and no batch is unsettled: what "finished" must mean for a run that survived crashes. */
async function assertSettled(db: Queryable, runId: number) {
  const open = await count(
    db,
    `SELECT 1 FROM etl_run_stages WHERE run_id = $1 AND stage <> 'extract' AND done <> expected`,
    [runId],
  );
  assertEquals(open, 0, `run ${runId} finished with unmatched counters`);
  const unsettled = await count(
    db,
    `SELECT 1 FROM etl_run_batches WHERE run_id = $1 AND (transformed_at IS NULL
       OR (embed_work IS NOT NULL AND embedded_at IS NULL))`,
    [runId],
  );
  assertEquals(unsettled, 0);
  const pages = await db.query<{ n: number; d: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT (step, payload->0->>'id'))::int AS d FROM raw_extraction_data
     WHERE run_id = $1`,
    [runId],
  );
  assertEquals(pages[0].n, pages[0].d, "no page was extracted twice");
}

for (const kind of queueKinds()) {
  Deno.test(
    needsPostgres(`crash [${kind}]: SIGKILLed workers restart and finish with the rows of a clean run`),
    async () => {
      const testDb = await createTestDb("postgres");
      const db = testDb.db;
      // ~31 pages of 50 with 20 ms of source latency each: long enough to be interrupted many times.
      const source = new SyntheticSource({
        groups: 5,
        items: 1500,
        latencyMs: 20,
        baseTime: new Date(Date.now() - 86_400_000),
      });
      const q = await openQueue(kind, db, { maxAttempts: 20, visibilityTimeoutMs: 1500 });
      const engine = createEngine({
        addressGuard: OPEN_ADDRESSES,
        db,
        queue: q.queue,
        connectors: [createSyntheticConnector()],
        chunkPages: 2,
      });
      const children: Child[] = [];
      try {
        const clean = await seedSyntheticJob(db, source, { settings: { pageSize: 50 } });
        const crashed = await seedSyntheticJob(db, source, { tenantId: clean.tenantId, settings: { pageSize: 50 } });

        // Reference: a clean run in this process.
        await engine.startWorkers();
        const ref = await engine.startRun({ tenantId: clean.tenantId, jobId: clean.jobId });
        await waitForRun(db, ref.runId, "FINISHED", 60_000);
        await engine.stopWorkers();
        const reference = await itemsSnapshot(db, clean.integrationId);
        assertEquals(reference.length, 1500);

        // The same job run by worker processes that keep getting killed.
        // A killed consumer's database-queue leases return after VISIBILITY_MS (RabbitMQ requeues at once), so
        // children there live a little longer to get work done between kills.
        const env = {
          CHILD_MODE: "worker",
          DATABASE_URL: testDb.url!,
          QUEUE_KIND: kind,
          QUEUE_PREFIX: q.prefix,
          VISIBILITY_MS: "800",
        };
        const lifetime = () => kind === "db" ? 300 + Math.random() * 1000 : 100 + Math.random() * 600;
        const audit = new RequestAudit(db, () => source.requests());
        const runs = [(await engine.startRun({ tenantId: crashed.tenantId, jobId: crashed.jobId })).runId];
        let kills = 0;
        while (kills < KILLS) {
          const child = spawnChild(env);
          children.push(child);
          await child.ready;
          await sleep(lifetime());
          await child.kill("SIGKILL");
          kills++;
          await audit.afterKill(runs);
          const last = await getRun(db, runs.at(-1)!);
          if (last.status === "FINISHED") {
            // Done before the kills ran out: crash a full re-run too (it must change no row).
            await db.query("UPDATE etl_jobs SET watermark = NULL WHERE id = $1", [crashed.jobId]);
            runs.push((await engine.startRun({ tenantId: crashed.tenantId, jobId: crashed.jobId })).runId);
          }
        }
        const survivor = spawnChild(env);
        children.push(survivor);
        for (const runId of runs) await waitForRun(db, runId, "FINISHED", 60_000);
        await survivor.kill("SIGTERM");

        assertEquals(await itemsSnapshot(db, crashed.integrationId), reference, "same rows as the clean run");
        for (const runId of runs) await assertSettled(db, runId);
        // rows_written against the tables: the first run wrote every row once, the crashed re-runs changed none
        const stored = await count(
          db,
          `SELECT 1 FROM synthetic_items WHERE integration_id = $1
           UNION ALL SELECT 1 FROM synthetic_groups WHERE integration_id = $1`,
          [crashed.integrationId],
        );
        assertEquals(stored, 1505);
        const written = await Promise.all(runs.map(async (id) => (await getRun(db, id)).rows_written));
        assertEquals(written, [stored, ...runs.slice(1).map(() => 0)], "rows_written is exact on every run");
        assertEquals(
          await count(db, "SELECT 1 FROM qdrant_vectors WHERE integration_id = $1", [crashed.integrationId]),
          1500,
        );
        assert(kills >= KILLS);
        // Every request is journaled before it is sent (engine/request_journal.ts): a kill loses none, and the
        // only over-count is a kill between a journal commit and its socket write, measured kill by kill.
        const { served, recorded } = await audit.assertExact(runs);
        console.log(`requests: ${served} served, ${recorded} recorded, ${audit.unsent} unsent over ${kills} kills`);
      } finally {
        for (const c of children) await c.kill("SIGKILL");
        await engine.close();
        await q.close();
        await source.close();
        await testDb.close();
      }
    },
  );
}
