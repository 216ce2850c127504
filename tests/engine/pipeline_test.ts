// The pipeline end to end on each queue adapter: counted completion (never early, never hanging), incremental
// windows, embedding only what changed, and effect-once handling of duplicate and redelivered messages.
import { assert, assertEquals } from "../support/assert.ts";
import {
  count,
  counters,
  expectedItems,
  getJob,
  getRun,
  itemsSnapshot,
  queueKinds,
  waitForRun,
} from "./support/harness.ts";
import { countingLoads, withPipeline } from "./support/pipeline.ts";
import { type FaultStats, faultyQueue } from "./support/faulty_queue.ts";
import type { Queryable } from "../../db/port.ts";

const MINUTE = 60_000;

/** Every batch of the run committed (and embedded) no later than the run's finish: completion was not early. */
async function unfinishedAtFinish(db: Queryable, runId: number): Promise<number> {
  return await count(
    db,
    `SELECT 1 FROM etl_run_batches b JOIN etl_runs r ON r.id = b.run_id WHERE b.run_id = $1 AND (
       b.transformed_at IS NULL OR b.transformed_at > r.finished_at
       OR (b.embed_work IS NOT NULL AND (b.embedded_at IS NULL OR b.embedded_at > r.finished_at)))`,
    [runId],
  );
}

for (const kind of queueKinds()) {
  Deno.test(`pipeline [${kind}]: a run finishes exactly when all work is done, then runs incrementally`, async () => {
    await withPipeline(kind, {}, async ({ db, engine, job, events, source }) => {
      const started = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      assertEquals(started.windowFrom, null, "the first run is a full sync");
      const run = await waitForRun(db, started.runId, "FINISHED");

      assertEquals(await unfinishedAtFinish(db, run.id), 0);
      assertEquals(await counters(db, run.id), {
        "synthetic_groups/embed": { expected: 0, done: 0, records: 0 },
        "synthetic_groups/extract": { expected: 1, done: 1, records: 5 },
        "synthetic_groups/transform": { expected: 1, done: 1, records: 5 },
        "synthetic_items/embed": { expected: 6, done: 6, records: 600 },
        "synthetic_items/extract": { expected: 6, done: 6, records: 600 },
        "synthetic_items/transform": { expected: 6, done: 6, records: 600 },
      });
      assertEquals(run.rows_written, 605);
      assertEquals(await itemsSnapshot(db, job.integrationId), expectedItems(source));
      assertEquals(await count(db, "SELECT 1 FROM vector_points WHERE tenant_id = $1", [job.tenantId]), 600);
      assertEquals(
        await count(db, "SELECT 1 FROM qdrant_vectors WHERE embedder = 'lexical-hash-256' AND tenant_id = $1", [
          job.tenantId,
        ]),
        600,
      );

      const jobRow = await getJob(db, job.jobId);
      assertEquals(jobRow.status, "FINISHED");
      assertEquals(jobRow.watermark?.getTime(), new Date(run.window_to).getTime(), "watermark = run start");
      assertEquals(jobRow.next_run_at?.getTime(), run.finished_at!.getTime() + 60 * MINUTE);
      assertEquals(jobRow.retry_count, 0);
      assertEquals(jobRow.step_states.synthetic_items, {
        extract: "finished",
        transform: "finished",
        embed: "finished",
      });

      const mine = events.filter((e) => "runId" in e && e.runId === run.id);
      assertEquals(mine.filter((e) => e.type === "run.started").length, 1);
      assertEquals(mine.filter((e) => e.type === "run.finished").length, 1);
      assertEquals(mine.filter((e) => e.type === "step.started").map((e) => "step" in e && e.step), [
        "synthetic_items",
      ]);
      const lastTransform = mine.filter((e) =>
        e.type === "stage.progress" && e.stage === "transform" &&
        e.step === "synthetic_items"
      ).at(-1);
      assert(lastTransform?.type === "stage.progress" && lastTransform.done === 6 && lastTransform.expected === 6);

      // Second run: only what changed since the watermark (minus the overlap) is read, loaded and re-embedded.
      source.touch([1, 2, 3], new Date());
      const before = source.requests();
      const second = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      assertEquals(second.windowFrom?.getTime(), new Date(run.window_to).getTime() - 5 * MINUTE);
      const run2 = await waitForRun(db, second.runId, "FINISHED");
      assertEquals(run2.rows_written, 3, "only the three edited items changed");
      assertEquals(source.requests() - before, 2, "one page of groups, one page of changed items");
      const c2 = await counters(db, run2.id);
      assertEquals(c2["synthetic_items/embed"], { expected: 1, done: 1, records: 3 });
      assertEquals(
        (await itemsSnapshot(db, job.integrationId)).filter((i) => i.title.endsWith("(edited)")).length,
        3,
      );
      assertEquals(await count(db, "SELECT 1 FROM vector_points WHERE tenant_id = $1", [job.tenantId]), 600);
    });
  });

  Deno.test(`pipeline [${kind}]: duplicate and redelivered messages change no row`, async () => {
    const calls = { load: 0 };
    let deliveries = 0;
    let stats: FaultStats = { duplicated: 0, failedAfter: 0, failedPublishes: 0 };
    await withPipeline(kind, {
      wrapQueue: (q) => {
        // Every message is published twice, and every other first delivery "loses its ack" after committing.
        const f = faultyQueue(q, {
          duplicate: () => true,
          failAfter: (d) => d.attempt === 1 && deliveries++ % 2 === 0,
        });
        stats = f.stats;
        return f.queue;
      },
      wrapConnector: (c) => countingLoads(c, calls),
    }, async ({ db, engine, job, source }) => {
      const started = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      const run = await waitForRun(db, started.runId, "FINISHED");
      const batches = await count(db, "SELECT 1 FROM etl_run_batches WHERE run_id = $1", [run.id]);
      assertEquals(batches, 7, "one batch per source page, none duplicated");
      assertEquals(await count(db, "SELECT 1 FROM raw_extraction_data WHERE run_id = $1", [run.id]), 7);
      assertEquals(calls.load, 7, "load ran once per batch despite duplicates and redeliveries");
      const c = await counters(db, run.id);
      assertEquals(c["synthetic_items/transform"], { expected: 6, done: 6, records: 600 });
      assertEquals(c["synthetic_items/embed"], { expected: 6, done: 6, records: 600 });
      assertEquals(await itemsSnapshot(db, job.integrationId), expectedItems(source));
      assertEquals(await unfinishedAtFinish(db, run.id), 0);
      assert(stats.duplicated > 0 && stats.failedAfter > 0, `faults were injected: ${JSON.stringify(stats)}`);
      assert(engine.dropped.extract > 0, "duplicate extract messages were recognised as stale");
      assertEquals((await getRun(db, run.id)).rows_written, 605);
    });
  });

  Deno.test(`pipeline [${kind}]: a failed publish loses no batch`, async () => {
    let failures = 0;
    let stats: FaultStats | undefined;
    await withPipeline(kind, {
      // The first two transform/embed publishes fail. RabbitMQ: after the commit (the outbox re-publishes on
      // redelivery); database queue: inside the transaction (the page rolls back and is retried).
      wrapQueue: (q) => {
        const f = faultyQueue(q, { failPublish: (stage) => stage !== "extract" && failures++ < 2 });
        stats = f.stats;
        return f.queue;
      },
      engine: { staleAfterMs: 500 },
    }, async ({ db, engine, job, source }) => {
      const started = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      // Whatever is stuck is picked up by the leader's reconcile once the run looks abandoned.
      const ticker = setInterval(() => engine.orchestrator.tick().catch(() => {}), 200);
      try {
        const run = await waitForRun(db, started.runId, "FINISHED");
        assertEquals(await itemsSnapshot(db, job.integrationId), expectedItems(source));
        assertEquals(await unfinishedAtFinish(db, run.id), 0);
        assertEquals(
          await count(db, "SELECT 1 FROM etl_run_batches WHERE run_id = $1 AND published_at IS NULL", [run.id]),
          0,
        );
        assertEquals(stats?.failedPublishes, 2);
      } finally {
        clearInterval(ticker);
      }
    });
  });
}

Deno.test("pipeline [pglite + db queue]: the embedded mode runs the whole pipeline", async () => {
  await withPipeline("db", { dbKind: "pglite" }, async ({ db, engine, job, source }) => {
    const started = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
    const run = await waitForRun(db, started.runId, "FINISHED");
    assertEquals(run.rows_written, 605);
    assertEquals(await itemsSnapshot(db, job.integrationId), expectedItems(source));
    assertEquals(await count(db, "SELECT 1 FROM vector_points"), 600);
    assertEquals(await unfinishedAtFinish(db, run.id), 0);
  });
});
