// Queues admin API over real HTTP with the database queue: stats, tenant-scoped dead letters with their error,
// requeue, and role checks.
import { assert, assertEquals } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp } from "./support/app.ts";
import { openDbQueue } from "../engine/queue/db_queue.ts";
import type { Queue } from "../engine/queue/port.ts";

const kind = primaryKind();

Deno.test(`queues[${kind}]: admins see their tenant's dead letters with the error and can requeue them`, async () => {
  let queue: Queue | undefined;
  const app = await startTestApp(kind, {
    extend: async (deps) => {
      queue = await openDbQueue(deps.db, { prefix: "qapi", maxAttempts: 1 });
      deps.services!.queue = queue;
    },
  });
  try {
    const a = await app.tenant("A");
    const b = await app.tenant("B");
    const adminA = await app.login((await app.user(a, "admin")).email);
    const adminB = await app.login((await app.user(b, "admin")).email);
    const viewerA = await app.login((await app.user(a, "viewer")).email);
    await queue!.publish("transform", [{ tenantId: a, runId: 1, rawId: 42 }, { tenantId: b, runId: 2, rawId: 43 }]);
    const failed = Promise.withResolvers<void>();
    let seen = 0;
    const consumer = await queue!.consume("transform", () => {
      if (++seen === 2) setTimeout(failed.resolve, 50);
      throw new Error("poison batch: record 42 has no key");
    }, { prefetch: 2 });
    await failed.promise;
    await consumer.stop();

    const res = await app.api("/app/etl/queues", { token: adminA });
    assertEquals(res.status, 200);
    const body = await res.json();
    assertEquals(body.adapter, "db");
    const transform = body.stages.find((s: { stage: string }) => s.stage === "transform");
    assertEquals(transform.deadLettered, 2, "stats count every dead letter");
    assertEquals(transform.deadLetters.length, 1, "only tenant A's dead letter is listed for A");
    assertEquals(transform.deadLetters[0].body.rawId, 42);
    assert(transform.deadLetters[0].error.includes("record 42 has no key"));
    const id = transform.deadLetters[0].id;

    const foreign = await app.api(`/app/etl/queues/transform/dead-letters/${id}/requeue`, { token: adminB, body: {} });
    assertEquals(foreign.status, 404);
    await foreign.body?.cancel();
    assertEquals((await app.api("/app/etl/queues", { token: viewerA })).status, 403);
    const bad = await app.api(`/app/etl/queues/nope/dead-letters/${id}/requeue`, { token: adminA, body: {} });
    assertEquals(bad.status, 404);
    await bad.body?.cancel();
    const ok = await app.api(`/app/etl/queues/transform/dead-letters/${id}/requeue`, { token: adminA, body: {} });
    assertEquals(ok.status, 200);
    await ok.body?.cancel();
    const after = await (await app.api("/app/etl/queues", { token: adminA })).json();
    const t2 = after.stages.find((s: { stage: string }) => s.stage === "transform");
    assertEquals([t2.depth, t2.deadLetters.length], [1, 0]);
    const workers = await app.api("/app/etl/queues/workers", { token: adminA, body: { action: "start" } });
    assertEquals(workers.status, 503);
    await workers.body?.cancel();
    const notOperator = await app.api("/app/etl/queues/workers", { token: adminB, body: { action: "stop" } });
    assertEquals(notOperator.status, 403, "workers are shared: only the instance operator controls them");
    await notOperator.body?.cancel();
    const bStats = await (await app.api("/app/etl/queues", { token: adminB })).json();
    assertEquals(bStats.operator, false);
    assertEquals(bStats.stages[1].depth, undefined, "global figures are for the operator only");
    const invalid = await app.api("/app/etl/queues/workers", { token: adminA, body: { action: "explode" } });
    assertEquals(invalid.status, 400);
    await invalid.body?.cancel();
  } finally {
    await queue?.close();
    await app.close();
  }
});
