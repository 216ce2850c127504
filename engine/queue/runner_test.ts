// The runner waits out infrastructure outages without spending attempts, and forgives redeliveries it caused.
import { assertEquals } from "../../tests/support/assert.ts";
import { DeliveryRunner, type Lease, OutageLedger } from "./runner.ts";
import type { Delivery } from "./port.ts";

const shutdown = () => Object.assign(new Error("the database system is shutting down"), { code: "57P03" });

function lease(id: string, outcomes: string[], lost = () => false): Lease {
  const delivery: Delivery = { stage: "transform", id, body: {}, attempt: 1 };
  return {
    delivery,
    ack: () => (outcomes.push("ack"), Promise.resolve()),
    retry: (e) => (outcomes.push(`retry: ${e}`), Promise.resolve()),
    deadLetter: (e) => (outcomes.push(`dead: ${e}`), Promise.resolve()),
    release: () => (outcomes.push("release"), Promise.resolve()),
    lost,
  };
}

/** Accepts the lease and waits until it is settled (or given up on) before stopping the runner. */
async function settled(runner: DeliveryRunner, l: Lease) {
  runner.accept(l);
  while (runner.held > 0) await new Promise((r) => setTimeout(r, 5));
  await runner.stop();
}

const fast = { outagePatienceMs: 10_000, baseMs: 5, maxMs: 20 };

Deno.test("runner: a handler failing with an outage runs again after back-off and is acked, no attempt spent", async () => {
  let calls = 0;
  const runner = new DeliveryRunner(() => {
    calls++;
    return calls <= 3 ? Promise.reject(shutdown()) : Promise.resolve();
  }, { stage: "transform", concurrency: 1, maxAttempts: 1, outage: fast });
  const outcomes: string[] = [];
  await settled(runner, lease("1", outcomes));
  assertEquals([calls, outcomes], [4, ["ack"]]);
});

Deno.test("runner: a message's own failure still counts, and an outage longer than the patience does too", async () => {
  const outcomes: string[] = [];
  const own = new DeliveryRunner(() => Promise.reject(new Error("bad record")), {
    stage: "transform",
    concurrency: 1,
    maxAttempts: 3,
    outage: fast,
  });
  await settled(own, lease("1", outcomes));
  const long = new DeliveryRunner(() => Promise.reject(shutdown()), {
    stage: "transform",
    concurrency: 1,
    maxAttempts: 3,
    outage: { ...fast, outagePatienceMs: 50 },
  });
  await settled(long, lease("2", outcomes));
  assertEquals(outcomes, ["retry: Error: bad record", "retry: Error: the database system is shutting down"]);
});

Deno.test("runner: a delivery the broker took back during an outage is noted so its redelivery is forgiven", async () => {
  const ledger = new OutageLedger();
  let gone = false;
  const runner = new DeliveryRunner(() => {
    gone = true; // the channel closes while the handler waits for the broker
    return Promise.reject(Object.assign(new Error("Connection closed"), { name: "AMQPError" }));
  }, { stage: "transform", concurrency: 1, maxAttempts: 5, outage: fast, ledger });
  const outcomes: string[] = [];
  await settled(runner, lease("m-1", outcomes, () => gone));
  assertEquals(outcomes, [], "nothing settled on a dead channel");
  assertEquals([ledger.forgiven("m-1"), ledger.take("m-1"), ledger.take("m-1")], [1, 1, 0]);
});
