// Runs a real connector through the real engine for an integration the test configured: the seeded job of that
// integration, stored credentials handed to the engine as-is (the test never encrypts), workers on the given queue
// adapter, and a check that every stage's counters settled.
import type { Db } from "../../../db/port.ts";
import type { Connector } from "../../../engine/connector.ts";
import { createEngine, type Engine } from "../../../engine/engine.ts";
import { OPEN_ADDRESSES } from "../../../engine/http/address_guard.ts";
import { assertEquals } from "../../support/assert.ts";
import { openQueue, type QueueKind, waitForRun } from "./harness.ts";

export interface ConnectorEngine {
  engine: Engine;
  jobId: number;
}

export async function withConnectorEngine(
  o: {
    db: Db;
    queueKind: QueueKind;
    connector: Connector;
    tenantId: number;
    integrationId: number;
    credentials: unknown;
  },
  fn: (e: ConnectorEngine) => Promise<void>,
): Promise<void> {
  const jobId = await readyJob(o.db, o.tenantId, o.integrationId);
  const q = await openQueue(o.queueKind, o.db);
  const engine = createEngine({
    addressGuard: OPEN_ADDRESSES,
    db: o.db,
    queue: q.queue,
    connectors: [o.connector],
    openCredentials: () => Promise.resolve(o.credentials),
  });
  try {
    await engine.startWorkers();
    await fn({ engine, jobId });
  } finally {
    await engine.close();
    await q.close();
  }
}

/** The integration's seeded job, made runnable with credentials the test hands over as-is; returns its id. */
export async function readyJob(db: Db, tenantId: number, integrationId: number): Promise<number> {
  // the engine decrypts credentials through openCredentials; the test hands the fake's directly
  await db.query("UPDATE integrations SET credentials_enc = 'sealed-in-test' WHERE id = $1", [integrationId]);
  // seeded Fabric and AD jobs start inactive
  await db.query("UPDATE etl_jobs SET active = true WHERE tenant_id = $1 AND integration_id = $2", [
    tenantId,
    integrationId,
  ]);
  const [{ id }] = await db.query<{ id: number }>(
    "SELECT id FROM etl_jobs WHERE tenant_id = $1 AND integration_id = $2",
    [tenantId, integrationId],
  );
  return Number(id);
}

/** Every stage of the run counted as many batches done as it expected. */
export async function assertStagesSettled(db: Db, runId: number): Promise<void> {
  const stages = await db.query<{ stage: string; expected: number; done: number }>(
    "SELECT stage, sum(expected)::int AS expected, sum(done)::int AS done FROM etl_run_stages WHERE run_id = $1 GROUP BY stage",
    [runId],
  );
  for (const s of stages) assertEquals(s.done, s.expected, `${s.stage} counters match`);
}

/** Starts a run of the job, waits until it FINISHED and checks its counters settled; returns the run id. */
export async function runToFinished(
  e: ConnectorEngine,
  db: Db,
  tenantId: number,
  timeoutMs = 60_000,
): Promise<number> {
  const { runId } = await e.engine.startRun({ tenantId, jobId: e.jobId });
  await waitForRun(db, runId, "FINISHED", timeoutMs);
  await assertStagesSettled(db, runId);
  return runId;
}
