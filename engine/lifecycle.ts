// Run transitions after the run exists: advance to the next step, finish, fail, park for a rate limit, resume,
// take over from a dead owner. Each is one transaction whose UPDATE is conditional on the state it leaves, so it
// happens exactly once however many handlers or instances try at the same moment.
// Lock order everywhere: etl_jobs row, then etl_runs row, then batch rows, then counter rows.
import type { Queryable } from "../db/port.ts";
import type { EngineContext } from "./context.ts";
import { allDone, readCounters, stepTransformed } from "./counters.ts";
import { extractMessage } from "./messages.ts";
import { republish, transact } from "./outbox.ts";
import { isLive, loadRun, runRef, type RunRow, stepStates } from "./runs.ts";
import { log } from "../lib/log.ts";
import { prepareAfterStep } from "./after_step.ts";
import { foldRequests } from "./request_journal.ts";

async function lockJobOfRun(tx: Queryable, runId: number) {
  const [job] = await tx.query<{ id: number; current_run_id: number | null }>(
    `SELECT id, current_run_id FROM etl_jobs WHERE id = (SELECT job_id FROM etl_runs WHERE id = $1) FOR UPDATE`,
    [runId],
  );
  return job;
}

/**
 * Called after anything that may complete a step: advances to the next step when the current one is extracted
 * and fully transformed, or finishes the run when the last one is and every counter matches.
 */
export async function settle(ctx: EngineContext, runId: number): Promise<void> {
  const run = await loadRun(ctx.db, runId);
  if (!run || !isLive(run, false) || !run.step_extracted || !run.current_step) return;
  const counters = await readCounters(ctx.db, runId);
  if (!stepTransformed(counters, run.current_step)) return;
  const index = run.step_keys.indexOf(run.current_step);
  if (index < run.step_keys.length - 1) await advance(ctx, run, run.step_keys[index + 1]);
  else if (run.extraction_finished && allDone(counters)) await finish(ctx, runId);
}

async function advance(ctx: EngineContext, run: RunRow, next: string): Promise<void> {
  const from = run.current_step!;
  const now = ctx.now();
  const afterStep = await prepareAfterStep(ctx, run);
  const seq = await transact(ctx, async (tx, out) => {
    await lockJobOfRun(tx, run.id);
    const [row] = await tx.query<{ extract_seq: number }>(
      `UPDATE etl_runs SET current_step = $3, step_extracted = false, checkpoint = NULL, checkpoint_rev = 0,
         extract_seq = extract_seq + 1, heartbeat_at = $4
       WHERE id = $1 AND status = 'RUNNING' AND current_step = $2 AND step_extracted
         AND EXISTS (SELECT 1 FROM etl_run_stages s WHERE s.run_id = $1 AND s.step = $2 AND s.stage = 'transform'
           AND s.done = s.expected)
       RETURNING extract_seq`,
      [run.id, from, next, now],
    );
    if (!row) return undefined;
    await afterStep?.(tx, from);
    await tx.query(
      "UPDATE etl_jobs SET step_states = $3::jsonb, updated_at = $4 WHERE id = $1 AND current_run_id = $2",
      [run.job_id, run.id, stepStates(run.step_keys, next, "running"), now],
    );
    await out.send("extract", [extractMessage(runRef(run, next), row.extract_seq)]);
    return row.extract_seq;
  });
  if (seq === undefined) return;
  ctx.events.emit({
    type: "step.started",
    tenantId: run.tenant_id,
    jobId: run.job_id,
    runId: run.id,
    at: now.toISOString(),
    step: next,
    index: run.step_keys.indexOf(next),
    total: run.step_keys.length,
  });
}

async function finish(ctx: EngineContext, runId: number): Promise<void> {
  const now = ctx.now();
  const before = await loadRun(ctx.db, runId);
  const afterStep = before ? await prepareAfterStep(ctx, before) : null;
  const done = await ctx.db.transaction(async (tx) => {
    const job = await lockJobOfRun(tx, runId);
    const run = await loadRun(tx, runId, true);
    if (!job || !run || !isLive(run, false) || !run.extraction_finished) return undefined;
    if (!allDone(await readCounters(tx, runId))) return undefined;
    await afterStep?.(tx, run.current_step!);
    // the hook may have added to the last step's records
    const counters = await readCounters(tx, runId);
    const rows = counters.filter((c) => c.stage === "transform").reduce((n, c) => n + c.records, 0);
    const [finished] = await tx.query<{ requests_made: number }>(
      `UPDATE etl_runs SET status = 'FINISHED', finished_at = $2, rows_written = $3, heartbeat_at = $2, ${foldRequests()}
       WHERE id = $1 RETURNING requests_made`,
      [runId, now, rows],
    );
    const states = stepStates(run.step_keys, null, "finished");
    // A re-transform read no source and a back-fill read only a few fields: neither moves the watermark or schedule.
    const [updated] = run.trigger === "retransform" || run.trigger === "backfill"
      ? await tx.query<{ next_run_at: Date | null }>(
        `UPDATE etl_jobs SET status = 'FINISHED', last_run_finished_at = $2, error = NULL, resume_at = NULL,
           checkpoint_data = NULL, step_states = $3::jsonb, updated_at = $2 WHERE id = $1 RETURNING next_run_at`,
        [run.job_id, now, states],
      )
      : await tx.query<{ next_run_at: Date | null }>(
        `UPDATE etl_jobs SET status = 'FINISHED', watermark = $3, last_success_at = $2, last_run_finished_at = $2,
           next_run_at = $2::timestamptz + schedule_interval_minutes * interval '1 minute', retry_count = 0,
           error = NULL, resume_at = NULL, checkpoint_data = NULL, step_states = $4::jsonb, updated_at = $2
         WHERE id = $1 RETURNING next_run_at`,
        [run.job_id, now, run.window_to, states],
      );
    return { run, rows, requests: finished.requests_made, nextRunAt: updated?.next_run_at ?? null };
  });
  if (!done) return;
  ctx.rates.forget(runId);
  log.info("run finished", { runId, jobId: done.run.job_id, rows: done.rows, trigger: done.run.trigger });
  ctx.events.emit({
    type: "run.finished",
    tenantId: done.run.tenant_id,
    jobId: done.run.job_id,
    runId,
    at: now.toISOString(),
    rowsWritten: done.rows,
    requestsMade: done.requests,
    durationMs: now.getTime() - new Date(done.run.started_at).getTime(),
    nextRunAt: done.nextRunAt ? new Date(done.nextRunAt).toISOString() : null,
  });
}

/**
 * Fails a running or parked run: the error and the failing batch/record ids go to the run, the error to the job
 * card, and the job is retried after its retry interval. False when the run had already left those states.
 */
export async function failRun(
  ctx: EngineContext,
  runId: number,
  error: string,
  details: Record<string, unknown>,
): Promise<boolean> {
  const now = ctx.now();
  const failed = await ctx.db.transaction(async (tx) => {
    await lockJobOfRun(tx, runId);
    const run = await loadRun(tx, runId, true);
    if (!run || (run.status !== "RUNNING" && run.status !== "RATE_LIMITED")) return undefined;
    await tx.query(
      `UPDATE etl_runs SET status = 'FAILED', finished_at = $2, error = $3, error_details = $4::jsonb,
         resume_at = NULL, ${foldRequests()} WHERE id = $1`,
      [runId, now, error, details],
    );
    const [job] = await tx.query<{ next_run_at: Date }>(
      `UPDATE etl_jobs SET status = 'FAILED', error = $3, last_run_finished_at = $2,
         next_run_at = $2::timestamptz + retry_interval_minutes * interval '1 minute', retry_count = retry_count + 1,
         resume_at = NULL, checkpoint_data = $4::jsonb, step_states = $5::jsonb, updated_at = $2
       WHERE id = $1 AND current_run_id = $6 RETURNING next_run_at`,
      [
        run.job_id,
        now,
        error,
        { runId, step: run.current_step, checkpoint: run.checkpoint ?? null },
        stepStates(run.step_keys, run.current_step, "failed"),
        runId,
      ],
    );
    return { run, nextRunAt: job?.next_run_at ?? null };
  });
  if (!failed) return false;
  ctx.rates.forget(runId);
  log.warn("run failed", { runId, jobId: failed.run.job_id, error, details });
  ctx.events.emit({
    type: "run.failed",
    tenantId: failed.run.tenant_id,
    jobId: failed.run.job_id,
    runId,
    at: now.toISOString(),
    error,
    details,
    nextRunAt: failed.nextRunAt ? new Date(failed.nextRunAt).toISOString() : null,
  });
  return true;
}

/**
 * Parks a run whose source budget is gone: RATE_LIMITED until resumeAt, checkpoint kept, watermark untouched.
 * Transform/embed of pages already extracted continue meanwhile (fencing lets them through). `seq` is the extract
 * lease of the caller; null when the embedder's budget is gone (any lease: the extract in flight stops too).
 */
export async function parkRun(
  ctx: EngineContext,
  run: RunRow,
  seq: number | null,
  resumeAt: Date,
  reason: string,
): Promise<boolean> {
  const now = ctx.now();
  const parked = await ctx.db.transaction(async (tx) => {
    await lockJobOfRun(tx, run.id);
    const [row] = await tx.query<{ current_step: string; checkpoint: unknown }>(
      `UPDATE etl_runs SET status = 'RATE_LIMITED', resume_at = $3, ${foldRequests()},
         extract_seq = extract_seq + 1, heartbeat_at = $4
       WHERE id = $1 AND status = 'RUNNING' AND ($2::int IS NULL OR extract_seq = $2)
       RETURNING current_step, checkpoint`,
      [run.id, seq, resumeAt, now],
    );
    if (!row) return false;
    await tx.query(
      `UPDATE etl_jobs SET status = 'RATE_LIMITED', resume_at = $3, next_run_at = $3, checkpoint_data = $4::jsonb,
         updated_at = $5 WHERE id = $1 AND current_run_id = $2`,
      [
        run.job_id,
        run.id,
        resumeAt,
        { runId: run.id, step: row.current_step, checkpoint: row.checkpoint ?? null },
        now,
      ],
    );
    return true;
  });
  if (!parked) return false;
  log.info("run rate limited", { runId: run.id, jobId: run.job_id, resumeAt: resumeAt.toISOString(), reason });
  ctx.events.emit({
    type: "run.rate_limited",
    tenantId: run.tenant_id,
    jobId: run.job_id,
    runId: run.id,
    at: now.toISOString(),
    step: run.current_step,
    resumeAt: resumeAt.toISOString(),
    reason,
  });
  return true;
}

/** Puts a parked run back to work from its checkpoint (same run, same window). */
export async function resumeRun(ctx: EngineContext, runId: number, trigger: "resume" | "manual"): Promise<boolean> {
  const now = ctx.now();
  const run = await transact(ctx, async (tx, out) => {
    const job = await lockJobOfRun(tx, runId);
    const run = await loadRun(tx, runId, true);
    if (!job || !run || run.status !== "RATE_LIMITED" || job.current_run_id !== runId) return undefined;
    const [row] = await tx.query<{ extract_seq: number }>(
      `UPDATE etl_runs SET status = 'RUNNING', resume_at = NULL, extract_seq = extract_seq + 1, heartbeat_at = $2,
         owner = $3 WHERE id = $1 RETURNING extract_seq`,
      [runId, now, ctx.owner],
    );
    await tx.query(
      `UPDATE etl_jobs SET status = 'RUNNING', resume_at = NULL, updated_at = $2 WHERE id = $1`,
      [run.job_id, now],
    );
    if (!run.step_extracted) await out.send("extract", [extractMessage(runRef(run), row.extract_seq)]);
    return run;
  });
  if (!run) return false;
  // batches the embed stage handed back while the embedder's budget was gone (embed_published_at cleared)
  await republish(ctx, runRef(run), "unpublished");
  ctx.events.emit({
    type: "run.resumed",
    tenantId: run.tenant_id,
    jobId: run.job_id,
    runId,
    at: now.toISOString(),
    trigger,
    step: run.current_step,
  });
  await settle(ctx, runId);
  return true;
}

/**
 * Adopts a RUNNING run whose owner stopped heart-beating and whose counters stopped moving: a new extract lease
 * (older extract messages become stale), and every unsettled batch is published again.
 */
export async function takeOver(ctx: EngineContext, runId: number): Promise<boolean> {
  const now = ctx.now();
  const staleBefore = new Date(now.getTime() - ctx.opts.staleAfterMs);
  const run = await transact(ctx, async (tx, out) => {
    const job = await lockJobOfRun(tx, runId);
    const run = await loadRun(tx, runId, true);
    if (!job || !run || !isLive(run, false)) return undefined;
    const [row] = await tx.query<{ extract_seq: number }>(
      `UPDATE etl_runs r SET extract_seq = extract_seq + 1, owner = $3, heartbeat_at = $2
       WHERE id = $1 AND coalesce(heartbeat_at, started_at) < $4
         AND NOT EXISTS (SELECT 1 FROM etl_run_stages s WHERE s.run_id = r.id AND s.updated_at >= $4)
       RETURNING extract_seq`,
      [runId, now, ctx.owner, staleBefore],
    );
    if (!row) return undefined;
    if (!run.step_extracted) await out.send("extract", [extractMessage(runRef(run), row.extract_seq)]);
    return run;
  });
  if (!run) return false;
  const again = await republish(ctx, runRef(run), "unsettled");
  log.warn("took over a run whose owner stopped", { runId, jobId: run.job_id, republished: again });
  ctx.events.emit({
    type: "run.resumed",
    tenantId: run.tenant_id,
    jobId: run.job_id,
    runId,
    at: now.toISOString(),
    trigger: "takeover",
    step: run.current_step,
  });
  await settle(ctx, runId);
  return true;
}
