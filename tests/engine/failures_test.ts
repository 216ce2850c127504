// Source and data faults on each queue adapter: a poison batch dead-letters and fails the run visibly; a rate
// limit parks the run and the orchestrator resumes the same run from its checkpoint at resume_at.
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
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

const MINUTE = 60_000;

for (const kind of queueKinds()) {
  Deno.test(`failures [${kind}]: a poison batch is dead-lettered and fails the run with its record ids`, async () => {
    await withPipeline(kind, { source: { poisonItems: [250] }, queue: { maxAttempts: 2 } }, async (p) => {
      const { db, engine, job, queue, events } = p;
      const started = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      const run = await waitForRun(db, started.runId, "FAILED");
      assertMatch(run.error!, /transform of step synthetic_items failed after 2 attempts/);
      assertMatch(run.error!, /i250/);
      assertEquals(run.error_details?.recordIds, ["i250"]);
      assertEquals(run.error_details?.stage, "transform");

      const jobRow = await getJob(db, job.jobId);
      assertEquals(jobRow.status, "FAILED");
      assertEquals(jobRow.error, run.error, "the error is on the job card");
      assertEquals(jobRow.retry_count, 1);
      assertEquals(jobRow.next_run_at?.getTime(), run.finished_at!.getTime() + 15 * MINUTE, "retry interval");
      assertEquals(jobRow.watermark, null, "a failed run does not move the watermark");

      const dead = await waitFor("the dead letter", async () => {
        const list = await queue.listDeadLetters("transform");
        return list.length > 0 ? list : undefined;
      });
      assertEquals(dead.length, 1);
      assertEquals(dead[0].body.runId, run.id);
      assertEquals(dead[0].body.rawId, run.error_details?.rawId);
      assertMatch(dead[0].error, /i250/);
      const failed = events.filter((e) => e.type === "run.failed");
      assertEquals(failed.length, 1);
      const errors = events.filter((e) => e.type === "stage.error");
      assertEquals(errors.map((e) => e.type === "stage.error" && e.willRetry), [true, false]);
    });
  });

  Deno.test(`failures [${kind}]: a rate-limited run parks, resumes the same run at resume_at, watermark waits`, async () => {
    // The third items page answers 429 Retry-After 30 s, longer than the connector sleeps through (maxWaitMs).
    await withPipeline(kind, { job: { settings: { maxWaitMs: 100 } } }, async (p) => {
      const { db, engine, job, source } = p;
      source.rateLimit("/items", 3, 30);
      const started = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      const parked = await waitForRun(db, started.runId, "RATE_LIMITED");
      const resumeAt = parked.resume_at!;
      assert(resumeAt.getTime() >= Date.now() + 25_000, "resume time comes from Retry-After");
      let jobRow = await getJob(db, job.jobId);
      assertEquals(jobRow.status, "RATE_LIMITED");
      assertEquals(jobRow.next_run_at?.getTime(), resumeAt.getTime());
      assertEquals(jobRow.resume_at?.getTime(), resumeAt.getTime());
      assertEquals(jobRow.watermark, null);

      // Pages extracted before the limit are still transformed and embedded while the run is parked.
      await waitFor("parked run's batches to drain", async () => {
        const c = await counters(db, parked.id);
        const t = c["synthetic_items/transform"];
        return t.expected === 2 && t.done === 2 && c["synthetic_items/embed"].done === 2;
      });
      assertEquals((await getRun(db, parked.id)).status, "RATE_LIMITED");

      const early = await engine.orchestrator.tick(new Date(resumeAt.getTime() - 1000));
      assertEquals(early.resumed, []);
      const due = await engine.orchestrator.tick(new Date(resumeAt.getTime() + 1000));
      assertEquals(due.resumed, [parked.id]);
      const run = await waitForRun(db, parked.id, "FINISHED");
      assertEquals(run.id, started.runId, "the same run finished");
      assertEquals(source.requests("/items"), 6 + 1, "resumed from the checkpoint: each page read once, plus the 429");
      assertEquals(run.requests_made, source.requests(), "requests_made counts every request, the 429 included");
      assertEquals(await itemsSnapshot(db, job.integrationId), expectedItems(source));
      jobRow = await getJob(db, job.jobId);
      assertEquals(jobRow.status, "FINISHED");
      assertEquals(jobRow.watermark?.getTime(), new Date(run.window_to).getTime(), "watermark = the run's start");
      assertEquals(await count(db, "SELECT 1 FROM etl_runs WHERE job_id = $1", [job.jobId]), 1);
    });
  });

  Deno.test(`failures [${kind}]: requests of a chunk that failed on server errors still count`, async () => {
    await withPipeline(kind, {}, async (p) => {
      const { db, engine, job, source } = p;
      // the connector's client tries 3 times: the chunk fails once, its retry reads the page again and goes on
      source.fail("/items", 3, 500, 3);
      const started = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      const run = await waitForRun(db, started.runId, "FINISHED");
      assertEquals(source.requests("/items"), 6 + 3, "each page read once, plus three refused requests");
      assertEquals(run.requests_made, source.requests(), "the failed chunk's requests are on the run");
      assertEquals(await itemsSnapshot(db, job.integrationId), expectedItems(source));
    });
  });

  Deno.test(`failures [${kind}]: a manual start of a rate-limited job resumes its parked run`, async () => {
    await withPipeline(kind, { job: { settings: { maxWaitMs: 100 } } }, async ({ db, engine, job, source }) => {
      source.rateLimit("/items", 2, 30);
      const first = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      await waitForRun(db, first.runId, "RATE_LIMITED");
      const again = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      assertEquals([again.runId, again.resumed, again.trigger], [first.runId, true, "manual"]);
      await waitForRun(db, first.runId, "FINISHED");
      assertEquals(await itemsSnapshot(db, job.integrationId), expectedItems(source));
      assertEquals(source.requests("/items"), 6 + 1);
    });
  });
}
