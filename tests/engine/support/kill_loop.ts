// A source sync whose worker processes are SIGKILLed at random moments, again and again: the test process only
// starts runs (publishing their first message) while engine_child.ts processes on the given queue adapter do all
// the work; each kill is followed by a fresh worker, so every stage sees half-done batches redelivered. A run that
// finished before the kills ran out is followed by a full re-sync (watermark cleared) that is crashed too — it must
// change no content. Returns once every run started has FINISHED.
import type { Db } from "../../../db/port.ts";
import type { Connector } from "../../../engine/connector.ts";
import { createEngine } from "../../../engine/engine.ts";
import { getRun, newPrefix, openQueue, type QueueKind, waitForRun } from "./harness.ts";
import { type Child, spawnChild } from "./children.ts";
import type { SourceName } from "./source_connectors.ts";
import { assertStagesSettled } from "./connector_engine.ts";
import { assert, assertEquals } from "../../support/assert.ts";
import { type ContentDigest, contentDigest, describeDifference } from "../../support/content_hash.ts";
import { RequestAudit } from "./request_audit.ts";

export interface KillLoop {
  /** The crashed sync's own database (the children connect to it by URL on the same server). */
  db: Db;
  queueKind: QueueKind;
  source: SourceName;
  /** The same connector the children run, for the starter's step list. */
  connector: Connector;
  credentials: unknown;
  tenantId: number;
  jobId: number;
  kills: number;
  /** How long a worker lives before its SIGKILL (ms). */
  lifetimeMs(): number;
  timeoutMs?: number;
  /** Requests the source served so far: given, requests_made is audited kill by kill (request_audit.ts). */
  served?: () => number;
  /** The clean run's rows_written: given, the first crashed run must report the same. */
  rowsWritten?: number;
}

export interface KillLoopResult {
  kills: number;
  /** Present when `served` was given. */
  audit?: RequestAudit;
  /** Kills that hit the first run (the full walk) before it finished; later ones hit a re-sync or an idle worker. */
  midRun: number;
  runs: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function syncThroughKills(o: KillLoop): Promise<KillLoopResult> {
  const q = await openQueue(o.queueKind, o.db, { prefix: newPrefix(), maxAttempts: 20 });
  const starter = createEngine({ db: o.db, queue: q.queue, connectors: [o.connector] });
  const startRun = async () => (await starter.startRun({ tenantId: o.tenantId, jobId: o.jobId })).runId;
  const env = {
    CHILD_MODE: "worker",
    DATABASE_URL: await databaseUrl(o.db),
    QUEUE_KIND: o.queueKind,
    QUEUE_PREFIX: q.prefix,
    VISIBILITY_MS: "800",
    CONNECTOR: o.source,
    CREDENTIALS: JSON.stringify(o.credentials),
  };
  const children: Child[] = [];
  try {
    let current = spawnChild(env);
    children.push(current);
    await current.ready;
    const audit = o.served ? new RequestAudit(o.db, o.served) : undefined;
    const runs = [await startRun()];
    let kills = 0, midRun = 0;
    while (kills < o.kills) {
      // the first kill lands inside the first run for sure: once its first raw page is stored (a small source
      // can finish a whole run within a random lifetime on an idle machine), then the rest at random
      if (kills === 0) await firstPageOf(o.db, runs[0], o.lifetimeMs());
      else await sleep(o.lifetimeMs());
      await current.kill("SIGKILL");
      kills++;
      await audit?.afterKill(runs);
      if ((await getRun(o.db, runs[0])).status !== "FINISHED") midRun++;
      if ((await getRun(o.db, runs.at(-1)!)).status === "FINISHED") {
        await o.db.query("UPDATE etl_jobs SET watermark = NULL WHERE id = $1", [o.jobId]);
        runs.push(await startRun());
      }
      current = spawnChild(env);
      children.push(current);
      await current.ready;
    }
    for (const runId of runs) await waitForRun(o.db, runId, "FINISHED", o.timeoutMs ?? 120_000);
    return { kills, midRun, runs, audit };
  } finally {
    for (const c of children) await c.kill("SIGKILL");
    await starter.close();
    await q.close();
  }
}

/** Waits until `runId` has stored a raw page (or `capMs` passed), then a few ms more at random. */
async function firstPageOf(db: Db, runId: number, capMs: number): Promise<void> {
  const deadline = Date.now() + capMs;
  while (Date.now() < deadline) {
    const [row] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM (SELECT 1 FROM raw_extraction_data WHERE run_id = $1 LIMIT 1) x",
      [runId],
    );
    if (row.n > 0) break;
    await sleep(10);
  }
  await sleep(Math.random() * 30);
}

/** The URL of the database behind `db` (same server as DATABASE_URL), for the children. */
async function databaseUrl(db: Db): Promise<string> {
  const [{ name }] = await db.query<{ name: string }>("SELECT current_database() AS name");
  const url = new URL(Deno.env.get("DATABASE_URL")!);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Runs the sync through the kills, then checks every run's counters settled and the database holds exactly the
 * clean run's content (every loaded column, row counts included: a duplicate or a lost row shows).
 */
export async function assertKillsChangeNothing(reference: ContentDigest, o: KillLoop): Promise<KillLoopResult> {
  const result = await syncThroughKills(o);
  assertEquals(result.kills, o.kills);
  assert(result.midRun > 0, "at least one kill hit the first run in progress");
  for (const runId of result.runs) await assertStagesSettled(o.db, runId);
  if (result.audit) {
    // every request was journaled before it was sent (engine/request_journal.ts): none lost to a kill
    const { served, recorded } = await result.audit.assertExact(result.runs);
    console.log(
      `requests: ${served} served, ${recorded} recorded, ${result.audit.unsent} unsent over ${result.kills} kills`,
    );
  }
  if (o.rowsWritten !== undefined) {
    assertEquals((await getRun(o.db, result.runs[0])).rows_written, o.rowsWritten, "rows_written as the clean run");
  }
  const survived = await contentDigest(o.db);
  assertEquals(
    survived.hash,
    reference.hash,
    `content differs from the clean run:\n${describeDifference(reference, survived)}`,
  );
  return result;
}
