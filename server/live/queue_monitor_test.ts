// QueueMonitor over the real database queue (embedded PostgreSQL): what each viewer may see, the live feed's
// sampling while subscribed (and stopping when nobody is), rates from the engine's processed counters, and the
// dead-letter list refreshed after a requeue.
import { assert, assertEquals } from "../../tests/support/assert.ts";
import { withTestDb } from "../../tests/support/db.ts";
import { openDbQueue } from "../../engine/queue/db_queue.ts";
import type { Queue, StageName } from "../../engine/queue/port.ts";
import { QueueMonitor, type QueuesView, type WorkerControl } from "./queue_monitor.ts";

/** Two poison batches (tenants 1 and 2) dead-lettered on the transform queue after their single attempt. */
async function deadLetterTwo(queue: Queue) {
  await queue.publish("transform", [{ tenantId: 1, runId: 1, rawId: 41 }, { tenantId: 2, runId: 2, rawId: 42 }]);
  const failed = Promise.withResolvers<void>();
  let seen = 0;
  const consumer = await queue.consume("transform", (d) => {
    if (++seen === 2) setTimeout(failed.resolve, 50);
    throw new Error(`poison batch: raw ${d.body.rawId} has no key`);
  }, { prefetch: 2 });
  await failed.promise;
  await consumer.stop();
}

const stage = (view: QueuesView, name: StageName) => view.stages.find((s) => s.stage === name)!;

Deno.test("queue monitor: the operator sees every figure, other admins only their tenant's dead letters", async () => {
  await withTestDb("pglite", async (db) => {
    const queue = await openDbQueue(db, { prefix: "qmon", maxAttempts: 1, pollIntervalMs: 50 });
    try {
      await deadLetterTwo(queue);
      const monitor = new QueueMonitor(queue, undefined);
      const operator = stage(await monitor.view({ tenantId: 1, operator: true }), "transform");
      assertEquals([operator.depth, operator.inFlight, operator.deadLettered], [0, 0, 2]);
      assertEquals(operator.deadLetters.map((d) => d.body.rawId), [41]);
      assert(operator.deadLetters[0].error.includes("raw 41 has no key"), operator.deadLetters[0].error);
      assertEquals(operator.deadLetters[0].attempts, 1);
      assertEquals(operator.processedPerSecond, null, "no engine in this process: no rate");
      const other = await monitor.view({ tenantId: 2, operator: false });
      assertEquals(other.operator, false);
      const t = stage(other, "transform");
      assertEquals([t.depth, t.consumers, t.processedPerSecond], [undefined, undefined, undefined]);
      assertEquals([t.deadLettered, t.deadLetters[0].body.rawId], [1, 42]);

      // requeued: the cached list is dropped and the next view shows the message waiting again
      assert(await queue.requeueDeadLetter("transform", operator.deadLetters[0].id));
      monitor.invalidate("transform");
      const after = stage(await monitor.view({ tenantId: 1, operator: true }), "transform");
      assertEquals([after.depth, after.deadLettered, after.deadLetters.length], [1, 1, 0]);
    } finally {
      await queue.close();
    }
  });
});

Deno.test("queue monitor: subscribers get one shared sample per interval, and sampling stops with the last one", async () => {
  await withTestDb("pglite", async (db) => {
    const queue = await openDbQueue(db, { prefix: "qfeed", maxAttempts: 1 });
    try {
      const monitor = new QueueMonitor(queue, undefined, { intervalMs: 100 });
      const a: QueuesView[] = [];
      const b: QueuesView[] = [];
      const stopA = monitor.subscribe({ tenantId: 1, operator: true }, (v) => a.push(v));
      const stopB = monitor.subscribe({ tenantId: 1, operator: false }, (v) => b.push(v));
      await new Promise((r) => setTimeout(r, 450));
      assert(a.length >= 3 && a.length <= 6, `${a.length} frames in 450 ms at 100 ms`);
      assert(b.length >= 3, `${b.length} frames for the second subscriber`);
      assertEquals(a[0].stages[0].depth, 0);
      assertEquals(b[0].stages[0].depth, undefined, "each subscriber gets the view its role allows");
      stopA();
      stopB();
      assertEquals(monitor.subscriberCount, 0);
      const count = a.length;
      await new Promise((r) => setTimeout(r, 250));
      assertEquals(a.length, count, "no frames after unsubscribing");
    } finally {
      await queue.close();
    }
  });
});

Deno.test("queue monitor: processed/s is the engine counters' growth over the rate window", async () => {
  await withTestDb("pglite", async (db) => {
    const queue = await openDbQueue(db, { prefix: "qrate" });
    try {
      const processed: Record<StageName, number> = { extract: 0, transform: 0, embed: 0 };
      const engine: WorkerControl = {
        workersRunning: true,
        processed,
        startWorkers: () => Promise.resolve(),
        stopWorkers: () => Promise.resolve(),
      };
      let now = 1_000_000;
      const monitor = new QueueMonitor(queue, engine, { rateWindowMs: 10_000, now: () => now });
      const rate = async (s: StageName) => stage(await monitor.view({ tenantId: 1, operator: true }), s);
      assertEquals((await rate("extract")).processedPerSecond, null, "one sample: no rate yet");
      now += 2000;
      processed.extract += 30;
      processed.transform += 5;
      assertEquals((await rate("extract")).processedPerSecond, 15);
      now += 2000;
      processed.extract += 10;
      assertEquals((await rate("extract")).processedPerSecond, 10, "40 over 4 s");
      assertEquals((await rate("transform")).processedPerSecond, 1.3, "5 over 4 s, one decimal");
      // quiet for longer than the window: the old burst drops out of the rate
      now += 12_000;
      await rate("extract");
      now += 2000;
      assertEquals((await rate("extract")).processedPerSecond, 0);
      assertEquals((await monitor.view({ tenantId: 1, operator: true })).workersRunning, true);
    } finally {
      await queue.close();
    }
  });
});
