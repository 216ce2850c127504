// Database-queue behaviour beyond the conformance suite, on PGlite and (with DATABASE_URL) PostgreSQL: publishing
// inside the caller's transaction, NOTIFY wake-ups, and heartbeats that keep a long handler's lease.
import type { Db } from "../../db/port.ts";
import { assertEquals, assertRejects } from "../../tests/support/assert.ts";
import { adapterKinds, withTestDb } from "../../tests/support/db.ts";
import { delay, gate, waitFor } from "./conformance.ts";
import { type DbQueue, openDbQueue } from "./db_queue.ts";
import { openQueue } from "./open.ts";
import { type Delivery, QueueUnroutableError } from "./port.ts";

const cases: Record<string, (db: Db) => Promise<void>> = {
  "openQueue picks the database queue when no AMQP URL is configured": async (db) => {
    const queue = await openQueue({ db, prefix: "factoryq", maxAttempts: 7, database: { pollIntervalMs: 20 } });
    try {
      assertEquals([queue.kind, queue.maxAttempts, queue.queueName("embed")], ["db", 7, "factoryq.embed"]);
      await queue.publish("embed", [{ n: 1 }]);
      assertEquals((await queue.stats()).embed.depth, 1);
    } finally {
      await (queue as DbQueue).deleteQueues();
      await queue.close();
    }
  },

  "publishTx commits messages with the caller's data and rolls back with them": async (db) => {
    const queue = await openDbQueue(db, { prefix: "txq", pollIntervalMs: 50 });
    try {
      const got: Delivery[] = [];
      const consumer = await queue.consume("transform", (d) => {
        got.push(d);
      }, { prefetch: 10 });
      await db.exec("CREATE TABLE loaded (n int PRIMARY KEY)");

      const inTx = gate();
      const committed = db.transaction(async (tx) => {
        await tx.query("INSERT INTO loaded VALUES (1)");
        await queue.publishTx(tx, "transform", [{ n: 1 }]);
        await inTx.wait;
      });
      await delay(200);
      assertEquals(got.length, 0, "not visible before commit");
      inTx.open();
      await committed;
      await waitFor("the committed message", () => got.length === 1);
      assertEquals(got[0].body, { n: 1 });

      await assertRejects(() =>
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO loaded VALUES (2)");
          await queue.publishTx(tx, "transform", [{ n: 2 }]);
          throw new Error("load failed after publishing");
        }), "load failed");

      await queue.deleteQueue("embed");
      const refused = await assertRejects(() =>
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO loaded VALUES (3)");
          await queue.publishTx(tx, "embed", [{ n: 3 }]);
        })
      );
      assertEquals(refused instanceof QueueUnroutableError, true, `${refused.name}: ${refused.message}`);

      await delay(200);
      await consumer.stop();
      assertEquals(got.map((d) => d.body), [{ n: 1 }], "rolled-back messages never arrive");
      assertEquals(await db.query("SELECT n FROM loaded ORDER BY n"), [{ n: 1 }], "data rolled back alike");
      assertEquals(
        await db.query("SELECT count(*)::int AS n FROM queue_messages WHERE queue LIKE 'txq.%'"),
        [{ n: 0 }],
      );
    } finally {
      await queue.deleteQueues();
      await queue.close();
    }
  },

  "NOTIFY wakes an idle consumer long before its poll interval": async (db) => {
    const queue = await openDbQueue(db, { prefix: "wakeq", pollIntervalMs: 60_000 });
    try {
      const got: number[] = [];
      const consumer = await queue.consume("extract", () => {
        got.push(Date.now());
      }, { prefetch: 1 });
      await delay(100); // the consumer has found the queue empty and is asleep
      const sent = Date.now();
      await queue.publish("extract", [{ n: 1 }]);
      await waitFor("the wake-up", () => got.length === 1, 5_000);
      await consumer.stop();
      const latency = got[0] - sent;
      assertEquals(latency < 2_000, true, `delivered after ${latency} ms`);
    } finally {
      await queue.deleteQueues();
      await queue.close();
    }
  },

  "a heartbeat keeps the lease of a handler that outlives the visibility timeout": async (db) => {
    const options = { prefix: "longq", visibilityTimeoutMs: 400, heartbeatMs: 50, pollIntervalMs: 30 };
    const queue = await openDbQueue(db, options);
    const peer = await openDbQueue(db, options);
    try {
      const deliveries: Delivery[] = [];
      const handler = async (d: Delivery) => {
        deliveries.push(d);
        await delay(1_200);
      };
      const slow = await queue.consume("embed", handler, { prefetch: 1 });
      const idle = await peer.consume("embed", handler, { prefetch: 1 });
      await queue.publish("embed", [{ n: 1 }]);
      await waitFor("the first delivery", () => deliveries.length === 1);
      await slow.stop();
      await idle.stop();
      assertEquals(deliveries.length, 1, "not redelivered while its consumer was alive");
      assertEquals((await queue.stats()).embed, { depth: 0, inFlight: 0, deadLettered: 0, consumers: 0 });
    } finally {
      await peer.close();
      await queue.deleteQueues();
      await queue.close();
    }
  },
};

// One database per adapter kind (opening PGlite costs over a second); each case has its own queue prefix.
for (const kind of adapterKinds()) {
  Deno.test(`db queue [${kind}]`, (t) =>
    withTestDb(kind, async (db) => {
      for (const [name, run] of Object.entries(cases)) await t.step(name, () => run(db));
    }));
}
