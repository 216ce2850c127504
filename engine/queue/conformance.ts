// The Queue port's conformance suite: one set of cases every adapter must pass, registered as one Deno test per
// backend with a step per case (the backend — a PGlite instance, a PostgreSQL database, a broker connection — is
// opened once per backend; every case gets its own queue prefix, so cases cannot see each other's messages).
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/support/assert.ts";
import {
  type Consumer,
  type Delivery,
  type Queue,
  QueueMessageError,
  type QueueStats,
  QueueUnroutableError,
  type StageName,
  UnknownStageError,
} from "./port.ts";

export const SUITE_MAX_ATTEMPTS = 3;

/** One queue namespace (prefix) on the backend under test. */
export interface QueueHarness {
  queue: Queue;
  /** A second instance on the same backend and prefix, as another process would have. */
  openPeer(): Promise<Queue>;
  /** Removes a stage's queue so that publishing to it has nowhere to go. */
  deleteQueue(stage: StageName): Promise<void>;
  /** Closes every instance and deletes the prefix's queues. */
  close(): Promise<void>;
}

export interface Backend {
  /** e.g. "db/pglite", "rabbitmq". */
  name: string;
  /** Reason the backend is unavailable here; the suite is then reported as skipped with it. */
  skip?: string;
  /** Opens the backend once for the whole suite; returns a harness factory and a cleanup. */
  start(): Promise<{ open(prefix: string): Promise<QueueHarness>; stop(): Promise<void> }>;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` returns true; fails naming what was awaited. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(10);
  }
}

/** A promise that test code opens later (a handler blocked until then). */
export function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** Asserts that fn rejects with an instance of `type`. */
export async function assertRejectsWith(fn: () => Promise<unknown>, type: new (...args: never[]) => Error) {
  const error = await assertRejects(fn);
  assert(error instanceof type, `expected ${type.name}, got ${error?.name}: ${error?.message}`);
}

type Case = (h: QueueHarness) => Promise<void>;

const cases: Record<string, Case> = {
  "every published message is consumed exactly once": async ({ queue }) => {
    const seen = new Map<number, Delivery[]>();
    const consumer = await queue.consume("extract", (d) => {
      const n = d.body.n as number;
      seen.set(n, [...(seen.get(n) ?? []), d]);
    }, { prefetch: 20, concurrency: 4 });
    await queue.publish("extract", range(0, 100).map((n) => ({ n, run: "r1" })));
    await queue.publish("extract", range(100, 200).map((n) => ({ n, run: "r1" })));
    await waitFor("200 deliveries", () => seen.size === 200);
    await delay(200); // room for a stray duplicate to show up
    await consumer.stop();
    for (const [n, deliveries] of seen) {
      assertEquals(deliveries.length, 1, `message ${n} delivered ${deliveries.length} times`);
      assertEquals(deliveries[0].attempt, 1);
      assertEquals(deliveries[0].body, { n, run: "r1" });
      assertEquals(deliveries[0].stage, "extract");
    }
    assertEquals(new Set([...seen.values()].map((d) => d[0].id)).size, 200, "ids are unique");
    await waitFor("an empty queue", async () => isIdle(await queue.stats(), "extract"));
  },

  "a crashed consumer's message goes to another consumer as attempt 2": async (h) => {
    const peer = await h.openPeer();
    const hang = gate();
    const crashedGot: Delivery[] = [];
    const crashed = await peer.consume("transform", async (d) => {
      crashedGot.push(d);
      await hang.wait; // never acks while the consumer is alive
    }, { prefetch: 1 });
    await h.queue.publish("transform", [{ batch: 7 }]);
    await waitFor("the first consumer to hold the message", () => crashedGot.length === 1);
    await crashed.abort();
    const got: Delivery[] = [];
    const survivor = await h.queue.consume("transform", (d) => {
      got.push(d);
    }, { prefetch: 5 });
    await waitFor("redelivery to the second consumer", () => got.length === 1);
    hang.open(); // the crashed handler finishing late must not settle anything
    await delay(300);
    await survivor.stop();
    assertEquals(got.length, 1);
    assertEquals(got[0].attempt, 2);
    assertEquals(got[0].id, crashedGot[0].id);
    assertEquals(got[0].body, { batch: 7 });
    assertEquals(crashedGot[0].attempt, 1);
    await waitFor("an empty queue", async () => isIdle(await h.queue.stats(), "transform"));
  },

  "deleteDeadLetters removes exactly the named dead letters": async ({ queue }) => {
    const consumer = await queue.consume("embed", () => {
      throw new Error("poison");
    }, { prefetch: 4 });
    await queue.publish("embed", [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await waitFor("three dead letters", async () => (await queue.stats()).embed.deadLettered === 3);
    await consumer.stop();
    const letters = await queue.listDeadLetters("embed", 10);
    const drop = letters.filter((d) => d.body.n !== 2).map((d) => d.id);
    assertEquals(await queue.deleteDeadLetters("embed", [...drop, "999999999"]), 2);
    assertEquals((await queue.listDeadLetters("embed", 10)).map((d) => d.body), [{ n: 2 }]);
    assertEquals(await queue.deleteDeadLetters("embed", []), 0);
  },

  "a failing message is dead-lettered after maxAttempts with its last error, and requeue brings it back": async (
    { queue },
  ) => {
    assertEquals(queue.maxAttempts, SUITE_MAX_ATTEMPTS);
    let healthy = false;
    const attempts: number[] = [];
    const ok: Delivery[] = [];
    const consumer = await queue.consume("embed", (d) => {
      if (d.body.poison && !healthy) {
        attempts.push(d.attempt);
        throw new Error(`boom on attempt ${d.attempt}`, { cause: new Error("connect amqp://etl:hunter2@mq failed") });
      }
      ok.push(d);
    }, { prefetch: 4 });
    await queue.publish("embed", [{ poison: true, n: 1 }, { n: 2 }]);
    await waitFor("the dead letter", async () => (await queue.stats()).embed.deadLettered === 1);
    assertEquals(attempts, [1, 2, 3]);
    const [dead, ...more] = await queue.listDeadLetters("embed", 10);
    assertEquals(more, []);
    assertEquals(dead.body, { poison: true, n: 1 });
    assertStringIncludes(dead.error, "Error: boom on attempt 3");
    assertStringIncludes(dead.error, "caused by: Error: connect amqp://etl:[redacted]@mq failed");
    assertEquals(dead.attempts, 3);
    assert(Math.abs(Date.now() - dead.failedAt.getTime()) < 60_000, `failedAt ${dead.failedAt.toISOString()}`);
    assertEquals(ok.map((d) => d.body), [{ n: 2 }]);

    healthy = true;
    assertEquals(await queue.requeueDeadLetter("embed", dead.id), true);
    await waitFor("the requeued message", () => ok.length === 2);
    assertEquals(ok[1].body, { poison: true, n: 1 });
    assertEquals(ok[1].attempt, 1, "a requeued dead letter starts again at attempt 1");
    assertEquals(ok[1].id, dead.id);
    assertEquals(await queue.listDeadLetters("embed"), []);
    assertEquals(await queue.requeueDeadLetter("embed", dead.id), false, "already requeued");
    assertEquals(await queue.requeueDeadLetter("embed", "999999999"), false);
    await consumer.stop();
    await waitFor("no dead letters", async () => (await queue.stats()).embed.deadLettered === 0);
  },

  "a message whose consumers keep crashing is dead-lettered without running the handler again": async (h) => {
    await h.queue.publish("extract", [{ crashes: true }]);
    const peer = await h.openPeer();
    const hang = gate();
    for (let attempt = 1; attempt <= SUITE_MAX_ATTEMPTS; attempt++) {
      const got: Delivery[] = [];
      const doomed = await peer.consume("extract", async (d) => {
        got.push(d);
        await hang.wait;
      }, { prefetch: 1 });
      await waitFor(`delivery ${attempt}`, () => got.length === 1);
      assertEquals(got[0].attempt, attempt);
      await doomed.abort();
    }
    hang.open();
    let ran = 0;
    const last = await h.queue.consume("extract", () => {
      ran++;
    }, { prefetch: 1 });
    await waitFor("the dead letter", async () => (await h.queue.stats()).extract.deadLettered === 1);
    await last.stop();
    assertEquals(ran, 0, "the handler is not run past maxAttempts");
    const [dead] = await h.queue.listDeadLetters("extract");
    assertEquals(dead.body, { crashes: true });
    assertEquals(dead.attempts, SUITE_MAX_ATTEMPTS + 1);
    assertStringIncludes(dead.error, `attempt ${SUITE_MAX_ATTEMPTS + 1} is past maxAttempts ${SUITE_MAX_ATTEMPTS}`);
  },

  "publishing where it cannot go is refused, never dropped": async (h) => {
    await h.deleteQueue("embed");
    await assertRejectsWith(() => h.queue.publish("embed", [{ n: 1 }, { n: 2 }]), QueueUnroutableError);
    await h.queue.publish("extract", [{ still: "works" }]);
    await assertRejectsWith(() => h.queue.publish("enrich" as StageName, [{ n: 1 }]), UnknownStageError);
    await assertRejectsWith(() => h.queue.publish("extract", [[1, 2]]), QueueMessageError);
    await assertRejectsWith(
      () => h.queue.publish("extract", [{ big: "x".repeat(2 * 1024 * 1024) }]),
      QueueMessageError,
    );
    await assertRejects(() => h.queue.consume("extract", () => {}, { prefetch: 0 }), "prefetch");
    const stats = await h.queue.stats();
    assertEquals(stats.extract, { depth: 1, inFlight: 0, deadLettered: 0, consumers: 0 }, "only the valid one queued");
    assertEquals(stats.embed.missing, true, "the deleted queue is reported, not hidden");
    assertEquals(stats.extract.missing, undefined);
  },

  "many consumers share the work and each message is handled once": async (h) => {
    const peer = await h.openPeer();
    const byConsumer = [0, 0, 0, 0];
    const seen = new Map<number, number>();
    const consumers: Consumer[] = [];
    for (let i = 0; i < 4; i++) {
      const q = i % 2 === 0 ? h.queue : peer;
      consumers.push(
        await q.consume("transform", async (d) => {
          byConsumer[i]++;
          const n = d.body.n as number;
          seen.set(n, (seen.get(n) ?? 0) + 1);
          await delay(1);
        }, { prefetch: 10, concurrency: 2 }),
      );
    }
    for (let start = 0; start < 2000; start += 500) {
      await h.queue.publish("transform", range(start, start + 500).map((n) => ({ n })));
    }
    await waitFor("2,000 deliveries", () => seen.size === 2000, 30_000);
    await delay(200);
    await Promise.all(consumers.map((c) => c.stop()));
    assertEquals([...seen.values()].filter((count) => count !== 1).length, 0, "no message handled twice");
    assertEquals(byConsumer.reduce((a, b) => a + b), 2000);
    assert(byConsumer.every((n) => n > 0), `every consumer got work: ${byConsumer.join(", ")}`);
  },

  "no consumer holds more than its prefetch": async (h) => {
    const running = [0, 0];
    const peak = [0, 0];
    let done = 0;
    const consumers: Consumer[] = [];
    for (let i = 0; i < 2; i++) {
      // concurrency above prefetch: only the prefetch limit can keep handlers from running 10 at once
      consumers.push(
        await h.queue.consume("extract", async () => {
          peak[i] = Math.max(peak[i], ++running[i]);
          await delay(30);
          running[i]--;
          done++;
        }, { prefetch: 3, concurrency: 10 }),
      );
    }
    await h.queue.publish("extract", range(0, 40).map((n) => ({ n })));
    await waitFor("40 deliveries", () => done === 40);
    await Promise.all(consumers.map((c) => c.stop()));
    assert(peak.every((p) => p <= 3), `peaks ${peak.join(", ")} exceed prefetch 3`);
    assert(peak.some((p) => p === 3), `peaks ${peak.join(", ")}: prefetch was never filled`);
  },

  "stats report depth, in-flight, consumers and dead letters": async ({ queue }) => {
    await queue.publish("transform", range(0, 5).map((n) => ({ n })));
    await waitFor("depth 5", async () => (await queue.stats()).transform.depth === 5);
    const before = await queue.stats();
    assertEquals(before.transform, { depth: 5, inFlight: 0, deadLettered: 0, consumers: 0 });
    assertEquals(before.extract, { depth: 0, inFlight: 0, deadLettered: 0, consumers: 0 });
    const hold = gate();
    const consumer = await queue.consume("transform", async (d) => {
      await hold.wait;
      if (d.body.n === 0) throw new Error("always fails");
    }, { prefetch: 2, concurrency: 2 });
    await waitFor("2 in flight, 3 waiting, 1 consumer", async () => {
      const s = (await queue.stats()).transform;
      return s.inFlight === 2 && s.depth === 3 && s.consumers === 1;
    });
    hold.open();
    await waitFor("drained with one dead letter", async () => {
      const s = (await queue.stats()).transform;
      return s.depth === 0 && s.inFlight === 0 && s.deadLettered === 1;
    });
    await consumer.stop();
    await waitFor("no consumers", async () => (await queue.stats()).transform.consumers === 0);
    await queue.publish("transform", [{ n: 9 }]);
    await waitFor("depth 1", async () => (await queue.stats()).transform.depth === 1);
    assertEquals(await queue.purge("transform"), 2, "the waiting message and the dead letter");
    assertEquals((await queue.stats()).transform, { depth: 0, inFlight: 0, deadLettered: 0, consumers: 0 });
  },

  "stop waits for running handlers and hands back the rest": async ({ queue }) => {
    const hold = gate();
    const first: Delivery[] = [];
    const consumer = await queue.consume("embed", async (d) => {
      first.push(d);
      await hold.wait;
    }, { prefetch: 5, concurrency: 1 });
    await queue.publish("embed", range(0, 5).map((n) => ({ n })));
    await waitFor("the first handler to start", () => first.length === 1);
    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    await delay(150);
    assertEquals(stopped, false, "stop() returned while a handler was still running");
    hold.open();
    await stopping;
    assertEquals(first.length, 1, "no new handler started after stop()");
    const rest: Delivery[] = [];
    const next = await queue.consume("embed", (d) => {
      rest.push(d);
    }, { prefetch: 5 });
    await waitFor("the 4 handed-back messages", () => rest.length === 4);
    await delay(150);
    await next.stop();
    const all = [first[0], ...rest].map((d) => d.body.n).sort();
    assertEquals(all, [0, 1, 2, 3, 4], "the stopped consumer's message was acked, the rest delivered once");
  },
};

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function isIdle(stats: QueueStats, stage: StageName): boolean {
  return stats[stage].depth === 0 && stats[stage].inFlight === 0;
}

/** Registers the suite for one backend. */
export function queueConformance(backend: Backend): void {
  const name = `queue conformance [${backend.name}]`;
  if (backend.skip) {
    Deno.test({ name: `${name} [skipped: ${backend.skip}]`, ignore: true, fn: () => {} });
    return;
  }
  Deno.test(name, async (t) => {
    const started = await backend.start();
    try {
      let n = 0;
      for (const [title, run] of Object.entries(cases)) {
        const prefix = `sluice-t${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 6)}-${n++}`;
        await t.step(title, async () => {
          const h = await started.open(prefix);
          try {
            await run(h);
          } finally {
            await h.close();
          }
        });
      }
    } finally {
      await started.stop();
    }
  });
}
