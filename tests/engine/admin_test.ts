// Operator commands: start refusals (typed codes), re-transform from raw rows without calling the source, and
// force-pending that fences a stuck run so its queued messages change nothing.
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { EngineError } from "../../engine/errors.ts";
import {
  count,
  counters,
  expectedItems,
  getJob,
  getRun,
  itemsSnapshot,
  queueKinds,
  waitFor,
  waitForRun,
} from "./support/harness.ts";
import { withPipeline } from "./support/pipeline.ts";

async function code(p: Promise<unknown>): Promise<string> {
  const e = await assertRejects(() => p);
  assert(e instanceof EngineError, `expected an EngineError, got ${e}`);
  return e.code;
}

Deno.test("admin: startRun refuses running, inactive, inactive-integration and foreign jobs with typed codes", async () => {
  await withPipeline("db", { startWorkers: false }, async ({ db, engine, job }) => {
    assertEquals(await code(engine.startRun({ tenantId: job.tenantId + 1000, jobId: job.jobId })), "job_not_found");
    await db.query("UPDATE etl_jobs SET active = false WHERE id = $1", [job.jobId]);
    assertEquals(await code(engine.startRun({ tenantId: job.tenantId, jobId: job.jobId })), "job_inactive");
    await db.query("UPDATE etl_jobs SET active = true WHERE id = $1", [job.jobId]);
    await db.query("UPDATE integrations SET active = false WHERE id = $1", [job.integrationId]);
    assertEquals(await code(engine.startRun({ tenantId: job.tenantId, jobId: job.jobId })), "integration_inactive");
    await db.query("UPDATE integrations SET active = true WHERE id = $1", [job.integrationId]);
    const first = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
    assertEquals(await code(engine.startRun({ tenantId: job.tenantId, jobId: job.jobId })), "job_running");
    assertEquals(
      await code(engine.startRetransform({ tenantId: job.tenantId, integrationId: job.integrationId })),
      "job_running",
    );
    assertEquals((await getJob(db, job.jobId)).current_run_id, first.runId);
    assertEquals(await count(db, "SELECT 1 FROM etl_runs WHERE job_id = $1", [job.jobId]), 1);
  });
});

for (const kind of queueKinds()) {
  Deno.test(`admin [${kind}]: re-transform rebuilds rows from raw data without calling the source`, async () => {
    await withPipeline(kind, {}, async ({ db, engine, job, source }) => {
      const first = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      await waitForRun(db, first.runId, "FINISHED");
      const jobBefore = await getJob(db, job.jobId);
      // Damage the loaded data the way a wrong mapping would.
      await db.query("UPDATE synthetic_items SET title = 'wrong' WHERE integration_id = $1", [job.integrationId]);
      await db.query("DELETE FROM synthetic_items WHERE integration_id = $1 AND external_id IN ('i1', 'i2')", [
        job.integrationId,
      ]);
      const requests = source.requests();

      const re = await engine.startRetransform({ tenantId: job.tenantId, integrationId: job.integrationId });
      assertEquals(re.trigger, "retransform");
      const run = await waitForRun(db, re.runId, "FINISHED");
      assertEquals(source.requests(), requests, "no source request");
      assertEquals(await itemsSnapshot(db, job.integrationId), expectedItems(source));
      assertEquals(run.rows_written, 600, "every damaged item rewritten, groups unchanged");
      assertEquals((await counters(db, run.id))["synthetic_items/transform"], { expected: 6, done: 6, records: 600 });
      assertEquals(await count(db, "SELECT 1 FROM raw_extraction_data WHERE run_id = $1", [run.id]), 0);
      const jobAfter = await getJob(db, job.jobId);
      assertEquals(jobAfter.status, "FINISHED");
      assertEquals(jobAfter.watermark?.getTime(), jobBefore.watermark?.getTime(), "watermark unchanged");
      assertEquals(jobAfter.next_run_at?.getTime(), jobBefore.next_run_at?.getTime(), "schedule unchanged");
    });
  });

  Deno.test(`admin [${kind}]: force pending fences the stuck run and its messages are dropped`, async () => {
    await withPipeline(kind, { startWorkers: false }, async ({ db, engine, job, events }) => {
      const stuck = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      const result = await engine.forcePending({ tenantId: job.tenantId, jobId: job.jobId });
      assertEquals(result.fencedRunId, stuck.runId);
      assertEquals((await getJob(db, job.jobId)).status, "READY");
      assertEquals((await getRun(db, stuck.runId)).status, "FENCED");
      assert(events.some((e) => e.type === "run.fenced" && e.runId === stuck.runId));

      await engine.startWorkers();
      await waitFor(
        "the fenced run's extract message to be dropped",
        () => Promise.resolve(engine.dropped.extract >= 1),
      );
      assertEquals(await count(db, "SELECT 1 FROM raw_extraction_data WHERE run_id = $1", [stuck.runId]), 0);
      assertEquals((await getRun(db, stuck.runId)).status, "FENCED");

      const fresh = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      await waitForRun(db, fresh.runId, "FINISHED");
      assertEquals((await getJob(db, job.jobId)).status, "FINISHED");
    });
  });
}
