// Orchestrator timing with an injected clock: which jobs are due, schedule after success, retry interval after a
// failure, takeover of a run whose owner stopped, and the leader lock between two engines of one process.
import { assert, assertEquals } from "../support/assert.ts";
import { connectPostgres } from "../../db/postgres.ts";
import { createEngine } from "../../engine/engine.ts";
import { OPEN_ADDRESSES } from "../../engine/http/address_guard.ts";
import { createSyntheticConnector } from "../../engine/connectors/synthetic/connector.ts";
import { needsPostgres } from "../support/db.ts";
import { getJob, getRun, queueKinds, seedSyntheticJob, waitForRun } from "./support/harness.ts";
import { withPipeline } from "./support/pipeline.ts";

const MINUTE = 60_000;
const at = (t: Date, minutes: number) => new Date(t.getTime() + minutes * MINUTE);

/** A clock the test moves by hand; every timestamp the engine writes comes from it. */
function manualClock(start: Date) {
  let t = start;
  return { now: () => t, set: (d: Date) => t = d };
}

for (const kind of queueKinds()) {
  Deno.test(`orchestrator [${kind}]: starts only due jobs of active jobs and integrations`, async () => {
    const t0 = new Date("2026-03-02T09:00:00Z");
    const clock = manualClock(t0);
    await withPipeline(
      kind,
      { startWorkers: false, engine: { now: clock.now } },
      async ({ db, engine, job, source }) => {
        const tenantId = job.tenantId;
        await db.query("UPDATE etl_jobs SET next_run_at = $2 WHERE id = $1", [job.jobId, at(t0, -1)]);
        const inactive = await seedSyntheticJob(db, source, { tenantId, active: false, nextRunAt: at(t0, -5) });
        const offIntegration = await seedSyntheticJob(db, source, {
          tenantId,
          integrationActive: false,
          nextRunAt: at(t0, -5),
        });
        const later = await seedSyntheticJob(db, source, { tenantId, nextRunAt: at(t0, 1) });
        const unscheduled = await seedSyntheticJob(db, source, { tenantId, nextRunAt: null });
        const failed = await seedSyntheticJob(db, source, { tenantId, nextRunAt: at(t0, -2) });
        await db.query("UPDATE etl_jobs SET status = 'FAILED', retry_count = 1 WHERE id = $1", [failed.jobId]);

        const report = await engine.orchestrator.tick(t0);
        assert(report.leader);
        assertEquals(report.started, [failed.jobId, job.jobId], "due jobs, oldest first");
        assertEquals(report.scheduled, [unscheduled.jobId]);
        assertEquals((await getJob(db, unscheduled.jobId)).next_run_at?.getTime(), at(t0, 60).getTime());
        for (const skipped of [inactive, offIntegration, later]) {
          assertEquals((await getJob(db, skipped.jobId)).current_run_id, null);
        }
        const triggers = await db.query<{ job_id: number; trigger: string }>(
          "SELECT job_id, trigger FROM etl_runs ORDER BY job_id",
        );
        assertEquals(triggers, [{ job_id: job.jobId, trigger: "schedule" }, {
          job_id: failed.jobId,
          trigger: "recovery",
        }]);
        const again = await engine.orchestrator.tick(at(t0, 1));
        assertEquals(again.started, [later.jobId], "running jobs are not started twice");
      },
    );
  });

  Deno.test(`orchestrator [${kind}]: next run = finish + schedule after success, finish + retry after failure`, async () => {
    const t0 = new Date(Date.now() - 3 * 60 * MINUTE);
    const clock = manualClock(t0);
    await withPipeline(kind, {
      engine: { now: clock.now },
      queue: { maxAttempts: 2 },
      job: { schedule: 60, retry: 15 },
    }, async ({ db, engine, job, source }) => {
      await db.query("UPDATE etl_jobs SET next_run_at = $2 WHERE id = $1", [job.jobId, t0]);
      const first = await engine.orchestrator.tick(t0);
      assertEquals(first.started, [job.jobId]);
      const run1 = await waitForRun(db, (await getJob(db, job.jobId)).current_run_id!, "FINISHED");
      let j = await getJob(db, job.jobId);
      assertEquals(j.next_run_at?.getTime(), at(t0, 60).getTime(), "schedule interval after success");
      assertEquals(j.watermark?.getTime(), t0.getTime());
      assertEquals(run1.trigger, "schedule");
      assertEquals((await engine.orchestrator.tick(at(t0, 59))).started, []);

      // The source now serves a poison record that the next (incremental) run reads.
      source.setPoison([42]);
      source.touch([42], new Date());
      const t1 = at(t0, 60);
      clock.set(t1);
      assertEquals((await engine.orchestrator.tick(t1)).started, [job.jobId]);
      await waitForRun(db, (await getJob(db, job.jobId)).current_run_id!, "FAILED");
      j = await getJob(db, job.jobId);
      assertEquals(j.status, "FAILED");
      assertEquals(j.retry_count, 1);
      assertEquals(j.next_run_at?.getTime(), at(t1, 15).getTime(), "retry interval after failure");
      assertEquals(j.watermark?.getTime(), t0.getTime(), "watermark unchanged by the failure");
      assert(j.error?.includes("i42"), `job error names the record: ${j.error}`);
      assertEquals((await engine.orchestrator.tick(at(t1, 14))).started, []);

      source.setPoison([]);
      const t2 = at(t1, 15);
      clock.set(t2);
      assertEquals((await engine.orchestrator.tick(t2)).started, [job.jobId]);
      const run3 = await waitForRun(db, (await getJob(db, job.jobId)).current_run_id!, "FINISHED");
      assertEquals(run3.trigger, "recovery");
      j = await getJob(db, job.jobId);
      assertEquals(j.retry_count, 0);
      assertEquals(j.error, null);
      assertEquals(j.next_run_at?.getTime(), at(t2, 60).getTime());
      assertEquals(j.watermark?.getTime(), t2.getTime());
    });
  });

  Deno.test(`orchestrator [${kind}]: a run whose owner stopped is taken over and completes`, async () => {
    const t0 = new Date(Date.now() - 60 * MINUTE);
    const clock = manualClock(t0);
    await withPipeline(
      kind,
      { startWorkers: false, engine: { now: clock.now, staleAfterMs: 3 * MINUTE } },
      async (p) => {
        const { db, engine, job, source } = p;
        // Its owner "died" right after starting it: the first extract message sits in the queue, unowned.
        const orphan = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
        clock.set(at(t0, 2));
        assertEquals((await engine.orchestrator.tick(at(t0, 2))).takenOver, [], "not stale yet");
        clock.set(at(t0, 4));
        assertEquals((await engine.orchestrator.tick(at(t0, 4))).takenOver, [orphan.runId]);
        await engine.startWorkers();
        const run = await waitForRun(db, orphan.runId, "FINISHED");
        assertEquals(run.trigger, "manual");
        assert(engine.dropped.extract >= 1, "the orphan's original extract message was stale");
        assertEquals(run.rows_written, source.items + source.groups);
      },
    );
  });
}

Deno.test(
  needsPostgres("orchestrator: only the leader-lock holder acts; the lock passes on when it closes"),
  async () => {
    await withPipeline("db", { startWorkers: false }, async ({ db, testDb, queue, job, engine: first }) => {
      const otherDb = connectPostgres(testDb.url!, { max: 2 });
      const second = createEngine({
        addressGuard: OPEN_ADDRESSES,
        db: otherDb,
        queue,
        connectors: [createSyntheticConnector()],
      });
      try {
        await db.query("UPDATE etl_jobs SET next_run_at = now() - interval '1 minute' WHERE id = $1", [job.jobId]);
        const a = await first.orchestrator.tick();
        const b = await second.orchestrator.tick();
        assertEquals([a.leader, b.leader], [true, false]);
        assertEquals(a.started, [job.jobId]);
        assertEquals(b.started, []);
        first.orchestrator.start();
        await first.close();
        assertEquals((await second.orchestrator.tick()).leader, true, "the lock is free once the leader closed");
        const current = (await getJob(db, job.jobId)).current_run_id!;
        assertEquals((await getRun(db, current)).status, "RUNNING", "the run the leader started is untouched");
      } finally {
        await second.close();
        await otherDb.close();
      }
    });
  },
);
