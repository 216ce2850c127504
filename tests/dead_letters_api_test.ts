// Dead letters of runs that are over (finished, failed, fenced) or superseded by a newer run of their job are marked
// on the Queues API and an admin purges them in one call; those of a run still in progress stay, as do other tenants'.
import { assertEquals } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp } from "./support/app.ts";
import { openDbQueue } from "../engine/queue/db_queue.ts";
import type { Queue } from "../engine/queue/port.ts";
import type { Queryable } from "../db/port.ts";

const kind = primaryKind();

async function run(db: Queryable, tenantId: number, status: string): Promise<number> {
  const [job] = await db.query<{ id: number }>("SELECT id FROM etl_jobs WHERE tenant_id = $1 ORDER BY id LIMIT 1", [
    tenantId,
  ]);
  const [row] = await db.query<{ id: number }>(
    "INSERT INTO etl_runs (tenant_id, job_id, token, trigger, status) VALUES ($1, $2, $3, 'manual', $4) RETURNING id",
    [tenantId, job.id, crypto.randomUUID(), status],
  );
  return row.id;
}

Deno.test(`dead letters[${kind}]: letters of finished or superseded runs are marked and purged, live ones kept`, async () => {
  let queue: Queue | undefined;
  const app = await startTestApp(kind, {
    extend: async (deps) => {
      queue = await openDbQueue(deps.db, { prefix: `dl${crypto.randomUUID().slice(0, 6)}`, maxAttempts: 1 });
      deps.services!.queue = queue;
    },
  });
  try {
    const a = await app.tenant("A");
    const b = await app.tenant("B");
    const adminA = await app.login((await app.user(a, "admin")).email);
    const userA = await app.login((await app.user(a, "user")).email);
    const finished = await run(app.db, a, "FINISHED");
    const superseded = await run(app.db, a, "RUNNING");
    const live = await run(app.db, a, "RUNNING"); // newer run of the same job: `superseded` is replaced by it
    const foreign = await run(app.db, b, "FINISHED");
    await queue!.publish("transform", [
      { tenantId: a, runId: finished, rawId: 1 },
      { tenantId: a, runId: superseded, rawId: 2 },
      { tenantId: a, runId: live, rawId: 3 },
      { tenantId: b, runId: foreign, rawId: 4 },
    ]);
    const consumer = await queue!.consume("transform", () => {
      throw new Error("poison batch");
    }, { prefetch: 4 });
    while ((await queue!.stats()).transform.deadLettered < 4) await new Promise((r) => setTimeout(r, 50));
    await consumer.stop();

    const view = async () => {
      const body = await (await app.api("/app/etl/queues", { token: adminA })).json();
      const transform = body.stages.find((s: { stage: string }) => s.stage === "transform");
      return (transform.deadLetters as { body: { rawId: number }; run: { obsolete: string | null } }[])
        .map((d) => [d.body.rawId, d.run.obsolete]).sort();
    };
    assertEquals(await view(), [[1, "finished"], [2, "superseded"], [3, null]]);
    const figures = (await (await app.api("/app/etl/queues", { token: adminA })).json()).rawData;
    assertEquals(figures, { pages: 0, bytes: 0, retentionDays: 14 }, "no raw pages stored for this tenant yet");

    const denied = await app.api("/app/etl/queues/dead-letters/purge-obsolete", { token: userA, body: {} });
    assertEquals(denied.status, 403, "purging is for admins");
    await denied.body?.cancel();
    const res = await app.api("/app/etl/queues/dead-letters/purge-obsolete", { token: adminA, body: {} });
    assertEquals(res.status, 200);
    assertEquals((await res.json()).purged, { extract: 0, transform: 2, embed: 0 });
    assertEquals(await view(), [[3, null]]);
    const left = (await queue!.listDeadLetters("transform")).map((d) => d.body.rawId).sort();
    assertEquals(left, [3, 4], "the live run's letter and the other tenant's stay");
  } finally {
    await queue?.close();
    await app.close();
  }
});
