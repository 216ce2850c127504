// Attempt numbers and dead-letter decoding across RabbitMQ versions (header sets the 3.x broker here never sends).
import type { AMQPMessage } from "@cloudamqp/amqp-client";
import { assertEquals } from "../../tests/support/assert.ts";
import {
  attemptOf,
  deadLetterHeaders,
  HEADER_PUBLISH_ID,
  readDeadLetter,
  requeueHeaders,
  stageTopology,
} from "./rabbit_topology.ts";

Deno.test("attemptOf: first delivery, 3.x/4.0 delivery count, 4.3 acquired count, bare redelivered flag", () => {
  assertEquals(attemptOf(undefined, false), 1);
  assertEquals(attemptOf({}, true), 2);
  assertEquals(attemptOf({ "x-delivery-count": 2 }, true), 3);
  // 4.3: a nacked (released) hand-over raises only the acquired count
  assertEquals(attemptOf({ "x-delivery-count": 1, "x-acquired-count": 4 }, true), 5);
  assertEquals(attemptOf({ "x-delivery-count": 6n }, true), 7);
  assertEquals(attemptOf({ "x-delivery-count": "junk" }, false), 1);
});

Deno.test("stage topology: quorum work queue with at-least-once dead-lettering, classic DLQ", () => {
  const t = stageTopology("sluice", "embed", 20);
  assertEquals([t.queue, t.deadLetterQueue, t.deadLetterExchange], ["sluice.embed", "sluice.embed.dlq", "sluice.dlx"]);
  assertEquals(t.queueArguments["x-queue-type"], "quorum");
  assertEquals(t.queueArguments["x-dead-letter-strategy"], "at-least-once");
  assertEquals(t.queueArguments["x-overflow"], "reject-publish");
  assertEquals(t.queueArguments["x-dead-letter-routing-key"], "sluice.embed.dlq");
  assertEquals(t.deadLetterQueueArguments, { "x-queue-type": "classic" });
});

function message(headers: Record<string, unknown>, messageId = "m-1"): AMQPMessage {
  return { properties: { headers, messageId } } as unknown as AMQPMessage;
}

Deno.test("dead letters we made carry our error; requeue strips the history", () => {
  const headers = deadLetterHeaders({ [HEADER_PUBLISH_ID]: "p", "x-delivery-count": 2, tenant: 3 }, "Error: x", 3);
  assertEquals(headers[HEADER_PUBLISH_ID], undefined);
  const dead = readDeadLetter(message(headers), { n: 1 }, 20);
  assertEquals({ ...dead, failedAt: undefined }, {
    id: "m-1",
    body: { n: 1 },
    error: "Error: x",
    attempts: 3,
    failedAt: undefined,
  });
  assertEquals(Date.now() - dead.failedAt.getTime() < 5_000, true);
  assertEquals(requeueHeaders(headers), { tenant: 3 });
});

Deno.test("dead letters the broker made are listed with its reason and time", () => {
  const time = new Date("2026-01-02T03:04:05Z");
  const dead = readDeadLetter(
    message({
      "x-death": [{ count: 1, reason: "delivery_limit", queue: "sluice.embed", time }],
      "x-first-death-reason": "delivery_limit",
      "x-first-death-queue": "sluice.embed",
    }),
    {},
    20,
  );
  assertEquals(dead.attempts, 21);
  assertEquals(dead.failedAt, time);
  assertEquals(
    dead.error,
    "dead-lettered by RabbitMQ from sluice.embed: the broker's delivery limit (20) was exceeded: consumers kept " +
      "dying without settling it",
  );
});
