// RabbitMQ across processes (issue #10 §2): a delivery another process held when the broker went down — that
// process gone by the time the broker is back — is handed to a consumer of another process within seconds of the
// broker's return, without any takeover wait, and costs no attempt: the broker counts that return like a crash
// (x-delivery-count goes up on a restart too, measured on 3.10), so the holder records what it lost when its
// connection drops (shared_outage_ledger.ts) and the other process takes it off. A holder that really crashes
// (broker up) still costs its message an attempt. Runs on its own RabbitMQ node (tests/support/own_services.ts),
// stopped and started for real; the shared broker is never touched.
import { assert, assertEquals } from "../support/assert.ts";
import { ownRabbitMq } from "../support/own_services.ts";
import { createTestDb, DATABASE_URL } from "../support/db.ts";
import { openRabbitQueue, type RabbitQueue } from "../../engine/queue/rabbit_queue.ts";
import { dbOutageLedger } from "../../engine/queue/shared_outage_ledger.ts";
import { newPrefix, waitFor } from "./support/harness.ts";

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p.then(() => {}, () => {}), new Promise<void>((r) => setTimeout(r, ms))]);

Deno.test({
  name: "rabbitmq: a delivery another process held across a broker restart is redelivered at once, no attempt spent",
  ignore: !DATABASE_URL,
  // the stopped broker leaves client timers and sockets behind on purpose; the test closes what it opened
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const own = await ownRabbitMq();
    if (typeof own === "string") return console.warn(`skipped: ${own}`);
    const t = await createTestDb("postgres");
    const prefix = newPrefix();
    const queues: RabbitQueue[] = [];
    // each RabbitQueue is a process of its own here: own connection, own in-process ledger
    const open = async (who: string) => {
      const q = await openRabbitQueue({
        url: own.url,
        prefix,
        maxAttempts: 5,
        connectionName: `sluice-${who}-${prefix}`,
        reconnectIntervalMs: 200,
        maxReconnectIntervalMs: 1000,
        sharedLedger: dbOutageLedger(t.db),
      });
      queues.push(q);
      return q;
    };
    /** Consumes one message and never finishes it (the process is about to die); resolves with its id. */
    const holdOne = async (q: RabbitQueue) => {
      let held!: (id: string) => void;
      const holding = new Promise<string>((r) => held = r);
      const consumer = await q.consume("extract", (d) => {
        held(d.id);
        return new Promise<void>(() => {});
      }, { prefetch: 1, concurrency: 1 });
      return { consumer, id: await holding };
    };
    try {
      const holder = await open("holder");
      await holder.publish("extract", [{ n: 1 }]);
      const held = await holdOne(holder);
      const crasher = await open("crasher");
      await crasher.publish("extract", [{ n: 2 }]);
      const crashed = await holdOne(crasher);
      // a real crash, the broker up: its message goes back charged with the delivery
      await crashed.consumer.abort();
      await crasher.close();

      await own.stop();
      await waitFor("the holder to record its lost delivery", async () => {
        const rows = await t.db.query("SELECT 1 FROM queue_outage_returns WHERE message_id = $1", [held.id]);
        return rows.length === 1;
      }, 10_000);
      // the holder dies during the outage
      await within(2000, held.consumer.abort());
      await within(2000, holder.close());
      await own.start();
      const back = Date.now();

      const other = await open("other");
      const got = new Map<number, { attempt: number; at: number }>();
      const consumer = await other.consume("extract", (d) => {
        got.set((d.body as { n: number }).n, { attempt: d.attempt, at: Date.now() });
        return Promise.resolve();
      }, { prefetch: 2, concurrency: 2 });
      await waitFor("both redeliveries", () => Promise.resolve(got.size === 2), 30_000);
      await consumer.stop();
      const afterMs = got.get(1)!.at - back;
      console.log(`redelivered ${afterMs} ms after the broker returned; attempts ${JSON.stringify([...got])}`);
      assert(afterMs < 10_000, `redelivered ${afterMs} ms after the broker returned (no takeover wait)`);
      assertEquals(got.get(1)!.attempt, 1, "held by another process across the restart: not an attempt");
      assertEquals(got.get(2)!.attempt, 2, "its holder crashed with the broker up: an attempt");
      assertEquals((await other.stats()).extract.deadLettered, 0, "nothing dead-lettered");
    } finally {
      for (const q of queues) await within(5000, q.close());
      await own.close();
      await t.close();
    }
  },
});
