// Counted completion: etl_run_stages holds expected/done/records per (run, step, stage). A stage adds to the next
// stage's `expected` in the same transaction as it publishes to it, and to its own `done` in the same transaction
// as the batch's data, so "all done" is a plain comparison and can never be reached early.
import type { Queryable } from "../db/port.ts";
import type { EngineContext } from "./context.ts";
import type { RunRef } from "./messages.ts";
import { type StageName, STAGES } from "./queue/port.ts";

export interface StageCounter {
  step: string;
  stage: StageName;
  expected: number;
  done: number;
  records: number;
  /** The source's estimate of the step's records (extract rows only; null while the source has not said). */
  expectedRecords?: number | null;
}

export async function createStageRows(tx: Queryable, runId: number, tenantId: number, steps: string[], now: Date) {
  await tx.query(
    `INSERT INTO etl_run_stages (run_id, tenant_id, step, stage, updated_at)
     SELECT $1, $2, s.step, g.stage, $5 FROM unnest($3::text[]) AS s(step), unnest($4::text[]) AS g(stage)
     ON CONFLICT DO NOTHING`,
    [runId, tenantId, steps, [...STAGES], now],
  );
}

export interface Delta {
  expected?: number;
  done?: number;
  records?: number;
  /** Replaces the step's expected record count (the latest estimate of the source wins). */
  expectedRecords?: number;
}

/**
 * Adds to one counter row. Callers that touch several stages in one transaction call this in STAGES order
 * (extract, transform, embed), which keeps row-lock order fixed across concurrent handlers (no deadlocks).
 */
export async function bump(
  tx: Queryable,
  runId: number,
  step: string,
  stage: StageName,
  d: Delta,
  now: Date,
): Promise<StageCounter> {
  const [row] = await tx.query<StageCounter>(
    `UPDATE etl_run_stages SET expected = expected + $4, done = done + $5, records = records + $6, updated_at = $7,
       expected_records = COALESCE($8::bigint, expected_records)
     WHERE run_id = $1 AND step = $2 AND stage = $3
     RETURNING step, stage, expected, done, records, expected_records::float8 AS "expectedRecords"`,
    [runId, step, stage, d.expected ?? 0, d.done ?? 0, d.records ?? 0, now, d.expectedRecords ?? null],
  );
  if (!row) throw new Error(`run ${runId} has no counter row for step ${step} stage ${stage}`);
  return row;
}

export async function readCounters(q: Queryable, runId: number): Promise<StageCounter[]> {
  return await q.query<StageCounter>(
    "SELECT step, stage, expected, done, records FROM etl_run_stages WHERE run_id = $1",
    [runId],
  );
}

/** Transform work of one step is complete (a precondition for starting the next step's extraction). */
export function stepTransformed(counters: StageCounter[], step: string): boolean {
  const t = counters.find((c) => c.step === step && c.stage === "transform");
  return t !== undefined && t.done === t.expected;
}

/** Every transform and embed batch of every step has committed. */
export function allDone(counters: StageCounter[]): boolean {
  return counters.every((c) => c.stage === "extract" || c.done === c.expected);
}

export function emitProgress(ctx: EngineContext, ref: RunRef, c: StageCounter): void {
  const t = ctx.now().getTime();
  const rate = ctx.rates.observe(
    `${ref.runId}:${c.step}:${c.stage}`,
    t,
    c.records,
    c.done,
    c.expected,
  );
  if (!rate) return; // a newer value of this counter was published already
  const { recordsPerSecond, etaSeconds } = rate;
  ctx.events.emit({
    type: "stage.progress",
    tenantId: ref.tenantId,
    jobId: ref.jobId,
    runId: ref.runId,
    at: new Date(t).toISOString(),
    step: c.step,
    stage: c.stage,
    expected: c.expected,
    done: c.done,
    records: c.records,
    recordsPerSecond,
    etaSeconds: c.stage === "extract" ? null : etaSeconds,
    ...(c.expectedRecords != null ? { expectedRecords: Number(c.expectedRecords) } : {}),
  });
}
