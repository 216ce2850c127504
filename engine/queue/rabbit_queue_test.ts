// RabbitMQ-only behaviour beyond the conformance suite: surviving connections the broker force-closes, and dead
// letters made by the broker itself (delivery limit) rather than by our consumer.
import { AMQPClient, type AMQPMessage } from "@cloudamqp/amqp-client";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/support/assert.ts";
import { AMQP_URL } from "../../tests/support/db.ts";
import { delay, waitFor } from "./conformance.ts";
import type { Delivery } from "./port.ts";
import { openRabbitQueue, type RabbitQueue, type RabbitQueueOptions } from "./rabbit_queue.ts";
import { closeConnections, rabbitmqctlUnavailable } from "./rabbit_faults.ts";

const noBrokerControl = AMQP_URL ? await rabbitmqctlUnavailable() : null;

function rabbitTest(name: string, fn: () => Promise<void>, needsBrokerControl = false): Deno.TestDefinition {
  const skip = !AMQP_URL ? "AMQP_URL not set" : needsBrokerControl ? noBrokerControl : null;
  return skip ? { name: `${name} [skipped: ${skip}]`, ignore: true, fn } : { name, fn };
}

async function withQueue(options: Partial<RabbitQueueOptions>, fn: (q: RabbitQueue, prefix: string) => Promise<void>) {
  const prefix = `sluice-t${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 6)}`;
  const queue = await openRabbitQueue({
    url: AMQP_URL!,
    prefix,
    connectionName: prefix,
    reconnectIntervalMs: 100,
    ...options,
  });
  try {
    await fn(queue, prefix);
  } finally {
    await queue.deleteQueues();
    await queue.close();
  }
}

Deno.test(
  rabbitTest(
    "rabbitmq: consumers and publishers carry on after the broker closes their connections",
    () =>
      withQueue({}, async (queue, prefix) => {
        const handled = new Map<number, Delivery[]>();
        const consumer = await queue.consume("extract", async (d) => {
          await delay(3);
          const n = d.body.n as number;
          handled.set(n, [...(handled.get(n) ?? []), d]);
        }, { prefetch: 10, concurrency: 2 });
        let published = 0;
        const publishBatch = (size: number) => {
          const batch = Array.from({ length: size }, (_, i) => ({ n: published + i }));
          published += size;
          return queue.publish("extract", batch);
        };
        await publishBatch(300);
        await waitFor("50 handled", () => handled.size >= 50);
        await queue.stats(); // opens the admin connection too, so both get closed

        // Keep publishing while the broker drops every connection of this queue: nothing may be lost either way.
        let killed = false;
        const kill = closeConnections(prefix).finally(() => (killed = true));
        const publishes: Promise<void>[] = [];
        while (!killed) {
          publishes.push(publishBatch(20));
          await delay(25);
        }
        const closed = await kill;
        for (let i = 0; i < 5; i++) {
          publishes.push(publishBatch(20));
          await delay(25);
        }
        await Promise.all(publishes);
        assert(closed >= 2, `the broker closed ${closed} connection(s)`);

        await waitFor(`all ${published} messages handled`, () => handled.size === published, 30_000);
        for (let n = 0; n < published; n++) assert(handled.has(n), `message ${n} lost`);
        await waitFor("an empty queue after reconnecting", async () => {
          const s = (await queue.stats()).extract;
          return s.depth === 0 && s.inFlight === 0 && s.consumers === 1;
        });
        await consumer.stop();
      }),
    true,
  ),
);

Deno.test(
  rabbitTest(
    "rabbitmq: a message the broker dead-letters itself is kept and listed with the reason",
    () =>
      withQueue({ maxAttempts: 2, deliveryLimit: 2 }, async (queue) => {
        await queue.publish("embed", [{ n: 1 }]);
        // A consumer outside Sluice that returns the message every time: only the broker's delivery limit stops it.
        const raw = new AMQPClient(AMQP_URL!);
        await raw.connect();
        try {
          const ch = await raw.channel();
          for (let i = 0; i < 3; i++) {
            let msg: AMQPMessage | null = null;
            await waitFor(
              `delivery ${i + 1}`,
              async () => (msg = await ch.basicGet(queue.queueName("embed"), { noAck: false })) !== null,
            );
            await msg!.reject(true);
          }
        } finally {
          await raw.close();
        }
        await waitFor("the dead letter", async () => (await queue.stats()).embed.deadLettered === 1);
        const listed = await queue.listDeadLetters("embed");
        assertEquals(listed, await queue.listDeadLetters("embed"), "listing leaves the dead letters in place");
        const [dead] = listed;
        assertEquals(dead.body, { n: 1 });
        assertStringIncludes(dead.error, "delivery limit (2) was exceeded");
        assertEquals(dead.attempts, 3);

        const got: Delivery[] = [];
        const consumer = await queue.consume("embed", (d) => {
          got.push(d);
        }, { prefetch: 1 });
        assertEquals(await queue.requeueDeadLetter("embed", dead.id), true);
        await waitFor("the requeued message", () => got.length === 1);
        await consumer.stop();
        assertEquals(got[0].body, { n: 1 });
        assertEquals(got[0].attempt, 1);
        assertEquals((await queue.stats()).embed.deadLettered, 0);
      }),
  ),
);

Deno.test("rabbitmq: an unreachable broker fails opening with the address, never the password", async () => {
  const error = await assertRejects(() => openRabbitQueue({ url: "amqp://etl:hunter2@127.0.0.1:1" }));
  assertStringIncludes(error.message, "cannot connect to RabbitMQ at amqp://etl:[redacted]@127.0.0.1:1");
  assertEquals(error.message.includes("hunter2"), false);
});
