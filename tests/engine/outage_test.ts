// Infrastructure outages mid-run, for each queue adapter's "broker".
// - RabbitMQ: the broker force-closes every client connection (`rabbitmqctl close_all_connections`), which is what
//   clients see when it restarts (a full restart takes too long for the suite). The engine runs in this process:
//   the session reconnects, held deliveries come back, publishes are retried.
// - Database queue: the broker is PostgreSQL; every backend of the worker process is terminated (what a database
//   restart does to its clients). The worker runs as a child process under a tiny supervisor that restarts it if it
//   dies — postgres.js 3.4.9 can throw an uncatchable TypeError from nextWrite when a backend disappears
//   (porsager/postgres#1154, #1208), so a restart is part of the realistic recovery path.
// Either way the run must finish with exactly the source's rows, exact counters and no duplicate page.
import { assertEquals } from "../support/assert.ts";
import { connectPostgres } from "../../db/postgres.ts";
import { createTestDb, DATABASE_URL, needsPostgres } from "../support/db.ts";
import { createEngine } from "../../engine/engine.ts";
import { OPEN_ADDRESSES } from "../../engine/http/address_guard.ts";
import { createSyntheticConnector } from "../../engine/connectors/synthetic/connector.ts";
import { SyntheticSource } from "../../engine/connectors/synthetic/source.ts";
import type { Queryable } from "../../db/port.ts";
import {
  count,
  counters,
  expectedItems,
  itemsSnapshot,
  openQueue,
  queueKinds,
  seedSyntheticJob,
  waitFor,
  waitForRun,
} from "./support/harness.ts";
import { withPipeline } from "./support/pipeline.ts";
import { type Child, spawnChild } from "./support/children.ts";

const SLOW = { groups: 5, items: 1500, latencyMs: 15, baseTime: new Date(Date.now() - 86_400_000) };
const CHILD_APP = "sluice_outage_child";

async function assertComplete(db: Queryable, runId: number, integrationId: number, source: SyntheticSource) {
  const run = await waitForRun(db, runId, "FINISHED", 60_000);
  assertEquals(await itemsSnapshot(db, integrationId), expectedItems(source));
  assertEquals(run.rows_written, 1505);
  const c = await counters(db, runId);
  assertEquals(c["synthetic_items/transform"], { expected: 30, done: 30, records: 1500 });
  assertEquals(c["synthetic_items/embed"].done, c["synthetic_items/embed"].expected);
  assertEquals(await count(db, "SELECT 1 FROM raw_extraction_data WHERE run_id = $1", [runId]), 31);
}

function batchesDone(db: Queryable, runId: number, n: number) {
  return waitFor(`${n} batches to commit`, async () => {
    const c = await counters(db, runId);
    return (c["synthetic_items/transform"]?.done ?? 0) >= n;
  });
}

if (queueKinds().includes("rabbitmq")) {
  Deno.test(
    needsPostgres("outage [rabbitmq]: the broker drops every connection mid-run and the run still completes"),
    async () => {
      await withPipeline("rabbitmq", {
        source: SLOW,
        job: { settings: { pageSize: 50 } },
        queue: { maxAttempts: 10 },
      }, async ({ db, engine, job, source }) => {
        const started = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
        await batchesDone(db, started.runId, 4);
        const out = await new Deno.Command("rabbitmqctl", {
          args: ["close_all_connections", "sluice outage test"],
          stdout: "null",
          stderr: "piped",
        }).output();
        if (!out.success) throw new Error(`rabbitmqctl failed: ${new TextDecoder().decode(out.stderr)}`);
        await assertComplete(db, started.runId, job.integrationId, source);
      });
    },
  );
}

Deno.test(
  needsPostgres("outage [db]: the database drops every connection mid-run and the run still completes"),
  async () => {
    const testDb = await createTestDb("postgres");
    const db = testDb.db;
    const source = new SyntheticSource(SLOW);
    const q = await openQueue("db", db, { maxAttempts: 10 });
    const engine = createEngine({
      addressGuard: OPEN_ADDRESSES,
      db,
      queue: q.queue,
      connectors: [createSyntheticConnector()],
    });
    const admin = connectPostgres(DATABASE_URL!, { max: 1 });
    const url = new URL(testDb.url!);
    url.searchParams.set("application_name", CHILD_APP);
    const env = {
      CHILD_MODE: "worker",
      DATABASE_URL: url.toString(),
      QUEUE_KIND: "db",
      QUEUE_PREFIX: q.prefix,
      VISIBILITY_MS: "1500",
    };
    const children: Child[] = [];
    let supervising = true;
    // Restarts the worker whenever it exits, like a process supervisor would.
    const supervisor = (async () => {
      while (supervising) {
        const child = spawnChild(env);
        children.push(child);
        await Promise.race([
          child.process.status,
          new Promise<void>((r) => {
            const t = setInterval(() => !supervising && (clearInterval(t), r()), 50);
          }),
        ]);
      }
    })();
    try {
      const job = await seedSyntheticJob(db, source, { settings: { pageSize: 50 } });
      const started = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      await batchesDone(db, started.runId, 4);
      const [{ n }] = await admin.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
       WHERE datname = $1 AND application_name = $2`,
        [url.pathname.slice(1), CHILD_APP],
      );
      if (n === 0) throw new Error("no worker backend was terminated");
      await assertComplete(db, started.runId, job.integrationId, source);
    } finally {
      supervising = false;
      await supervisor;
      for (const c of children) await c.kill("SIGKILL");
      await admin.close();
      await engine.close();
      await q.close();
      await source.close();
      await testDb.close();
    }
  },
);
