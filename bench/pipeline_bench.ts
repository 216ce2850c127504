// Pipeline benchmark, measured in one run on each queue adapter (database queue always, RabbitMQ when AMQP_URL is
// set), on PostgreSQL when DATABASE_URL is set (else embedded PGlite):
//   (a) queue messages per extracted record (every publish counted: extract chunks, transform and embed batches);
//       target ≤ 0.02;
//   (b) end-to-end records/s of a synthetic-connector run (HTTP extract → raw → transform/upsert → embed) divided
//       by the rows/s of a raw COPY of the same rows into the same table (Db port copyFrom) — the ceiling;
//   (c) the request journal's cost (engine/request_journal.ts: one autocommitted upsert before each source request):
//       the mean time of that round trip, times the run's requests, as a share of the run's time (an upper bound: the
//       extract path waits for it, transform and embed overlap it).
// Usage: deno run -A bench/pipeline_bench.ts [items=20000] [pageSize=500]
import type { Queryable } from "../db/port.ts";
import type { Queue, StageName } from "../engine/queue/port.ts";
import { createEngine } from "../engine/engine.ts";
import { OPEN_ADDRESSES } from "../engine/http/address_guard.ts";
import { createSyntheticConnector } from "../engine/connectors/synthetic/connector.ts";
import { SyntheticSource } from "../engine/connectors/synthetic/source.ts";
import { setLogLevel } from "../lib/log.ts";
import { recordRequestSent } from "../engine/request_journal.ts";
import { createTestDb, primaryKind } from "../tests/support/db.ts";
import {
  openQueue,
  type QueueKind,
  queueKinds,
  seedSyntheticJob,
  waitForRun,
} from "../tests/engine/support/harness.ts";

setLogLevel("error");
const ITEMS = Number(Deno.args[0] ?? 20_000);
const PAGE = Number(Deno.args[1] ?? 500);
const GROUPS = 20;

type TxQueue = Queue & { publishTx?: (tx: Queryable, stage: StageName, m: object[]) => Promise<void> };

/** Counts every message handed to the queue, inside transactions or not. */
function counting(inner: TxQueue, counter: { messages: number }): Queue {
  const wrapped: TxQueue = Object.create(inner);
  wrapped.publish = (stage, messages) => {
    counter.messages += messages.length;
    return inner.publish(stage, messages);
  };
  if (inner.publishTx) {
    const publishTx = inner.publishTx.bind(inner);
    wrapped.publishTx = (tx, stage, messages) => {
      counter.messages += messages.length;
      return publishTx(tx, stage, messages);
    };
  }
  for (const name of ["queueName", "consume", "stats", "listDeadLetters", "requeueDeadLetter", "purge", "close"]) {
    const key = name as keyof Queue;
    (wrapped as unknown as Record<string, unknown>)[key] = (inner[key] as (...a: unknown[]) => unknown).bind(inner);
  }
  return wrapped;
}

async function bench(kind: QueueKind) {
  const testDb = await createTestDb(primaryKind());
  const db = testDb.db;
  const source = new SyntheticSource({ groups: GROUPS, items: ITEMS, pageSize: PAGE });
  const q = await openQueue(kind, db, { maxAttempts: 5 });
  const counter = { messages: 0 };
  const engine = createEngine({
    addressGuard: OPEN_ADDRESSES,
    db,
    queue: counting(q.queue, counter),
    connectors: [createSyntheticConnector()],
  });
  try {
    const job = await seedSyntheticJob(db, source, { settings: { pageSize: PAGE } });
    await engine.startWorkers();
    const t0 = performance.now();
    const started = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
    const run = await waitForRun(db, started.runId, "FINISHED", 600_000, 20);
    const seconds = (performance.now() - t0) / 1000;
    await engine.stopWorkers();
    const [extracted] = await db.query<{ n: number }>(
      "SELECT sum(records)::int AS n FROM etl_run_stages WHERE run_id = $1 AND stage = 'extract'",
      [run.id],
    );
    const journalMs = await journalRoundTripMs(db, run.id);

    // Baseline: COPY the very same item rows into the same table for a second integration.
    const copyJob = await seedSyntheticJob(db, source, { tenantId: job.tenantId });
    const groupIds = await db.query<{ id: number; external_id: string }>(
      `INSERT INTO synthetic_groups (tenant_id, integration_id, external_id, name, source_updated_at)
       SELECT tenant_id, $2, external_id, name, source_updated_at FROM synthetic_groups WHERE integration_id = $1
       RETURNING id, external_id`,
      [job.integrationId, copyJob.integrationId],
    );
    const groupOf = new Map(groupIds.map((g) => [g.external_id, g.id]));
    const rows = Array.from({ length: ITEMS }, (_, i) => {
      const it = source.item(i);
      return [
        job.tenantId,
        copyJob.integrationId,
        it.id,
        groupOf.get(it.group),
        it.title,
        it.body,
        it.status,
        it.points,
        it.updated_at,
      ];
    });
    const c0 = performance.now();
    await db.copyFrom(
      "synthetic_items",
      [
        "tenant_id",
        "integration_id",
        "external_id",
        "group_id",
        "title",
        "body",
        "status",
        "points",
        "source_updated_at",
      ],
      rows,
    );
    const copySeconds = (performance.now() - c0) / 1000;

    const pipelineRate = extracted.n / seconds;
    const copyRate = ITEMS / copySeconds;
    return {
      queue: kind,
      db: db.kind,
      records: extracted.n,
      messages: counter.messages,
      messagesPerRecord: counter.messages / extracted.n,
      pipelineSeconds: seconds,
      pipelineRecordsPerSecond: pipelineRate,
      copyRowsPerSecond: copyRate,
      ratio: pipelineRate / copyRate,
      requests: run.requests_made,
      journalMs,
      journalShare: (journalMs * run.requests_made) / (seconds * 1000),
    };
  } finally {
    await engine.close();
    await q.close();
    await source.close();
    await testDb.close();
  }
}

/** Mean time of one journal entry, measured on the finished run (its requests_made was folded in already). */
async function journalRoundTripMs(db: Queryable, runId: number, n = 500): Promise<number> {
  for (let i = 0; i < 20; i++) await recordRequestSent(db, runId); // warm the pool and the plan
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await recordRequestSent(db, runId);
  return (performance.now() - t0) / n;
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });
console.log(`pipeline bench: ${fmt(ITEMS)} items + ${GROUPS} groups, pages of ${PAGE}, embedding included`);
for (const kind of queueKinds()) {
  const r = await bench(kind);
  console.log(
    `[${r.queue} queue, ${r.db}] (a) ${fmt(r.messages)} messages / ${fmt(r.records)} records = ` +
      `${r.messagesPerRecord.toFixed(4)} msg/record (target ≤ 0.02) | (b) pipeline ${
        fmt(r.pipelineRecordsPerSecond)
      } ` +
      `rec/s (${r.pipelineSeconds.toFixed(2)} s) ÷ COPY ${fmt(r.copyRowsPerSecond)} rows/s = ${r.ratio.toFixed(3)}` +
      ` | (c) request journal ${r.journalMs.toFixed(3)} ms × ${r.requests} requests = ` +
      `${(r.journalShare * 100).toFixed(2)} % of the run's time`,
  );
}
