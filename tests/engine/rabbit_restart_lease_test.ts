// RabbitMQ across processes (issue #10 §2): a delivery another process held when the broker went down — that
// process gone by the time the broker is back — is handed to a consumer of another process within seconds of the
// broker's return, without any takeover wait, and is not dead-lettered. Runs on its own RabbitMQ node
// (tests/support/own_services.ts), stopped and started for real; the shared broker is never touched.
//
// Known gap, asserted as a bound rather than hidden: the broker counts that return as a delivery (x-delivery-count
// goes up on a restart exactly as on a holder's crash, measured on 3.10), and only the holder's process knows it
// lost the delivery to the outage (its in-process OutageLedger), so the other process sees attempt 2. The database
// queue tells the two apart by pg_postmaster_start_time() (lease_forgiveness_test.ts); RabbitMQ offers no such fact
// over AMQP, so forgiving it would need the holders to record their lost deliveries somewhere shared.
import { assert, assertEquals } from "../support/assert.ts";
import { ownRabbitMq } from "../support/own_services.ts";
import { openRabbitQueue, type RabbitQueue } from "../../engine/queue/rabbit_queue.ts";
import type { Consumer } from "../../engine/queue/port.ts";
import { newPrefix, waitFor } from "./support/harness.ts";

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p.then(() => {}, () => {}), new Promise<void>((r) => setTimeout(r, ms))]);

Deno.test({
  name: "rabbitmq: a delivery another process held across a broker restart is redelivered within seconds",
  ignore: !Deno.env.get("DATABASE_URL"),
  // the stopped broker leaves client timers and sockets behind on purpose; the test closes what it opened
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const own = await ownRabbitMq();
    if (typeof own === "string") return console.warn(`skipped: ${own}`);
    const prefix = newPrefix();
    const open = (who: string) =>
      openRabbitQueue({
        url: own.url,
        prefix,
        maxAttempts: 5,
        connectionName: `sluice-${who}-${prefix}`,
        reconnectIntervalMs: 200,
        maxReconnectIntervalMs: 1000,
      });
    const queues: RabbitQueue[] = [];
    try {
      const holder = await open("holder");
      queues.push(holder);
      await holder.publish("extract", [{ n: 1 }]);
      let held!: () => void;
      const holding = new Promise<void>((r) => held = r);
      // the holder's handler never finishes: its process "dies" while the broker is down
      const holderConsumer: Consumer = await holder.consume("extract", () => {
        held();
        return new Promise<void>(() => {});
      }, { prefetch: 1, concurrency: 1 });
      await holding;

      await own.stop();
      await within(2000, holderConsumer.abort());
      await within(2000, holder.close());
      await own.start();
      const back = Date.now();

      const other = await open("other");
      queues.push(other);
      let got: { attempt: number; at: number } | undefined;
      const consumer = await other.consume("extract", (d) => {
        got = { attempt: d.attempt, at: Date.now() };
        return Promise.resolve();
      }, { prefetch: 1, concurrency: 1 });
      await waitFor("the redelivery", () => Promise.resolve(got), 30_000);
      await consumer.stop();
      const afterMs = got!.at - back;
      console.log(`redelivered ${afterMs} ms after the broker returned, as attempt ${got!.attempt}`);
      assert(afterMs < 10_000, `redelivered ${afterMs} ms after the broker returned (no takeover wait)`);
      assert(got!.attempt <= 2, `the restart cost at most one attempt (got attempt ${got!.attempt})`);
      const stats = await other.stats();
      assertEquals(stats.extract.deadLettered, 0, "nothing dead-lettered");
    } finally {
      for (const q of queues) await within(5000, q.close());
      await own.close();
    }
  },
});
