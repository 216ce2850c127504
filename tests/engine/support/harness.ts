// Shared setup for engine tests: real queues with an isolated prefix, a synthetic integration + job, waiting on
// database state, and snapshots to compare runs.
import type { Db, Queryable } from "../../../db/port.ts";
import type { Queue } from "../../../engine/queue/port.ts";
import { openDbQueue } from "../../../engine/queue/db_queue.ts";
import { openRabbitQueue } from "../../../engine/queue/rabbit_queue.ts";
import type { SyntheticSource } from "../../../engine/connectors/synthetic/source.ts";
import { type AdapterKind, AMQP_URL, primaryKind } from "../../support/db.ts";

export type QueueKind = "db" | "rabbitmq";

/** The queue adapters to run every scenario on: the database queue always, RabbitMQ when AMQP_URL is set. */
export function queueKinds(): QueueKind[] {
  return AMQP_URL ? ["db", "rabbitmq"] : ["db"];
}

/**
 * Database × queue pairs a connector's engine suite runs on: every queue adapter on the primary database, and the
 * embedded database (PGlite) with the database queue, as the single binary runs.
 */
export function engineCombos(): Array<{ kind: AdapterKind; queueKind: QueueKind }> {
  const combos = queueKinds().map((queueKind) => ({ kind: primaryKind(), queueKind }));
  if (primaryKind() !== "pglite") combos.push({ kind: "pglite", queueKind: "db" });
  return combos;
}

export interface TestQueue {
  queue: Queue;
  prefix: string;
  /** Deletes the prefix's queues and closes. */
  close(): Promise<void>;
}

export function newPrefix(): string {
  return `t${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

export interface QueueSetup {
  prefix?: string;
  maxAttempts?: number;
  /** Database queue lease (short in tests so a killed consumer's messages come back quickly). */
  visibilityTimeoutMs?: number;
}

export async function openQueue(kind: QueueKind, db: Db, setup: QueueSetup = {}): Promise<TestQueue> {
  const prefix = setup.prefix ?? newPrefix();
  const maxAttempts = setup.maxAttempts ?? 3;
  if (kind === "db") {
    const queue = await openDbQueue(db, {
      prefix,
      maxAttempts,
      visibilityTimeoutMs: setup.visibilityTimeoutMs ?? 3000,
      pollIntervalMs: 100,
    });
    return {
      queue,
      prefix,
      close: async () => {
        await queue.close();
      },
    };
  }
  if (!AMQP_URL) throw new Error("AMQP_URL is not set");
  const queue = await openRabbitQueue({
    url: AMQP_URL,
    prefix,
    maxAttempts,
    connectionName: `sluice-test-${prefix}`,
    reconnectIntervalMs: 200,
    maxReconnectIntervalMs: 1000,
  });
  return {
    queue,
    prefix,
    close: async () => {
      await queue.deleteQueues().catch(() => {});
      await queue.close();
    },
  };
}

export interface SyntheticJob {
  tenantId: number;
  integrationId: number;
  jobId: number;
}

export interface JobSetup {
  tenant?: string;
  name?: string;
  settings?: Record<string, unknown>;
  active?: boolean;
  integrationActive?: boolean;
  schedule?: number;
  retry?: number;
  nextRunAt?: Date | null;
  tenantId?: number;
}

/** A tenant (or the given one) with a synthetic integration pointing at the source, and its job. */
export async function seedSyntheticJob(db: Queryable, source: SyntheticSource, setup: JobSetup = {}) {
  const tenantId = setup.tenantId ?? (await db.query<{ id: number }>(
    "INSERT INTO tenants (name) VALUES ($1) RETURNING id",
    [setup.tenant ?? `tenant-${crypto.randomUUID().slice(0, 8)}`],
  ))[0].id;
  const name = setup.name ?? `synthetic-${crypto.randomUUID().slice(0, 6)}`;
  const [integration] = await db.query<{ id: number }>(
    `INSERT INTO integrations (tenant_id, provider, name, base_url, settings, active)
     VALUES ($1, 'synthetic', $2, $3, $4::jsonb, $5) RETURNING id`,
    [tenantId, name, source.url, { pageSize: 100, ...setup.settings }, setup.integrationActive ?? true],
  );
  const [job] = await db.query<{ id: number }>(
    `INSERT INTO etl_jobs (tenant_id, integration_id, name, job_type, active, schedule_interval_minutes,
       retry_interval_minutes, next_run_at)
     VALUES ($1, $2, $3, 'synthetic', $4, $5, $6, $7) RETURNING id`,
    [
      tenantId,
      integration.id,
      name,
      setup.active ?? true,
      setup.schedule ?? 60,
      setup.retry ?? 15,
      setup.nextRunAt ?? null,
    ],
  );
  return { tenantId, integrationId: integration.id, jobId: job.id } satisfies SyntheticJob;
}

/** Polls until fn returns a value (not undefined/false), or throws naming what was awaited. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false | null>,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false && v !== null) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}

export interface RunRowView {
  id: number;
  status: string;
  trigger: string;
  error: string | null;
  error_details: Record<string, unknown> | null;
  rows_written: number;
  requests_made: number;
  window_from: Date | null;
  window_to: Date;
  started_at: Date;
  finished_at: Date | null;
  resume_at: Date | null;
}

export async function getRun(db: Queryable, runId: number): Promise<RunRowView> {
  const [run] = await db.query<RunRowView>(
    `SELECT id, status, trigger, error, error_details, rows_written, requests_made, window_from, window_to,
       started_at, finished_at, resume_at FROM etl_runs WHERE id = $1`,
    [runId],
  );
  return run;
}

export function waitForRun(db: Queryable, runId: number, status: string, timeoutMs = 30_000, intervalMs = 50) {
  return waitFor(
    `run ${runId} ${status}`,
    async () => {
      const run = await getRun(db, runId);
      if (run.status !== status && ["FINISHED", "FAILED", "FENCED"].includes(run.status)) {
        throw new Error(`run ${runId} ended ${run.status} (${run.error})`);
      }
      return run.status === status ? run : undefined;
    },
    timeoutMs,
    intervalMs,
  );
}

export interface JobView {
  status: string;
  watermark: Date | null;
  next_run_at: Date | null;
  resume_at: Date | null;
  retry_count: number;
  error: string | null;
  last_success_at: Date | null;
  last_run_finished_at: Date | null;
  current_run_id: number | null;
  step_states: Record<string, Record<string, string>>;
}

export async function getJob(db: Queryable, jobId: number): Promise<JobView> {
  const [job] = await db.query<JobView>(
    `SELECT status, watermark, next_run_at, resume_at, retry_count, error, last_success_at, last_run_finished_at,
       current_run_id, step_states FROM etl_jobs WHERE id = $1`,
    [jobId],
  );
  return job;
}

export async function counters(db: Queryable, runId: number) {
  const rows = await db.query<{ step: string; stage: string; expected: number; done: number; records: number }>(
    "SELECT step, stage, expected, done, records FROM etl_run_stages WHERE run_id = $1 ORDER BY step, stage",
    [runId],
  );
  return Object.fromEntries(
    rows.map((r) => [`${r.step}/${r.stage}`, { expected: r.expected, done: r.done, records: r.records }]),
  );
}

export interface ItemView {
  external_id: string;
  group_key: string;
  group_name: string;
  title: string;
  body: string | null;
  status: string;
  points: number | null;
  source_updated_at: string;
}

const byKey = (
  a: ItemView,
  b: ItemView,
) => (a.external_id < b.external_id ? -1 : a.external_id > b.external_id ? 1 : 0);

/** What a run loaded, independent of surrogate ids and load times: equal snapshots = same rows. */
export async function itemsSnapshot(db: Queryable, integrationId: number): Promise<ItemView[]> {
  const rows = await db.query<ItemView & { source_updated_at: Date }>(
    `SELECT i.external_id, g.external_id AS group_key, g.name AS group_name, i.title, i.body, i.status, i.points,
       i.source_updated_at
     FROM synthetic_items i JOIN synthetic_groups g ON g.id = i.group_id
     WHERE i.integration_id = $1`,
    [integrationId],
  );
  return rows.map((r) => ({ ...r, source_updated_at: new Date(r.source_updated_at).toISOString() })).sort(byKey);
}

/** The rows a correct run of the whole source must produce (poison items excluded). */
export function expectedItems(source: SyntheticSource): ItemView[] {
  const out: ItemView[] = [];
  for (let i = 0; i < source.items; i++) {
    const item = source.item(i);
    if (item.title === null) continue;
    const group = source.group(i % source.groups);
    out.push({
      external_id: item.id,
      group_key: group.id,
      group_name: group.name,
      title: item.title,
      body: item.body,
      status: item.status,
      points: item.points,
      source_updated_at: item.updated_at,
    });
  }
  return out.sort(byKey);
}

export async function count(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS q`, params);
  return row.n;
}
