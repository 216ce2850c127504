// Commands that begin or stop runs: start (manual/schedule/recovery), re-transform from raw rows, force a stuck job
// back to READY. Each locks the job row first, so two starts of the same job cannot both succeed.
import type { Queryable } from "../db/port.ts";
import type { RunTrigger } from "./connector.ts";
import type { EngineContext } from "./context.ts";
import { createStageRows } from "./counters.ts";
import { EngineError } from "./errors.ts";
import { resumeRun } from "./lifecycle.ts";
import { extractMessage } from "./messages.ts";
import { transact } from "./outbox.ts";
import { stepStates } from "./runs.ts";
import { foldRequests } from "./request_journal.ts";

export interface StartRunRequest {
  tenantId: number;
  jobId: number;
  trigger?: Extract<RunTrigger, "manual" | "schedule" | "recovery">;
}

export interface StartedRun {
  runId: number;
  token: string;
  jobId: number;
  trigger: RunTrigger;
  /** True when a RATE_LIMITED job's parked run was resumed instead of a new run being created. */
  resumed: boolean;
  /** Step keys in run order. */
  steps: string[];
  windowFrom: Date | null;
  windowTo: Date;
}

interface JobRow {
  id: number;
  tenant_id: number;
  integration_id: number;
  job_type: string;
  name: string;
  status: string;
  active: boolean;
  watermark: Date | null;
  current_run_id: number | null;
  integration_active: boolean;
  settings: Record<string, unknown>;
}

const DEFAULT_OVERLAP_MINUTES = 5;

async function lockJob(tx: Queryable, tenantId: number, jobId: number): Promise<JobRow> {
  const [job] = await tx.query<JobRow>(
    `SELECT j.id, j.tenant_id, j.integration_id, j.job_type, j.name, j.status, j.active, j.watermark,
       j.current_run_id, i.active AS integration_active, i.settings
     FROM etl_jobs j JOIN integrations i ON i.id = j.integration_id
     WHERE j.tenant_id = $1 AND j.id = $2 FOR UPDATE OF j`,
    [tenantId, jobId],
  );
  if (!job) throw new EngineError("job_not_found", `job ${jobId} does not exist in this tenant`);
  return job;
}

function overlapMinutes(settings: Record<string, unknown>): number {
  const v = settings?.overlapMinutes;
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : DEFAULT_OVERLAP_MINUTES;
}

/** Creates the run row, its counters, flips the job to RUNNING and queues the first extract message. */
async function createRun(
  ctx: EngineContext,
  tx: Queryable,
  out: { send(stage: "extract", messages: object[]): Promise<boolean> },
  job: JobRow,
  trigger: RunTrigger,
  params: Record<string, unknown> | null = null,
): Promise<StartedRun> {
  const steps = ctx.connectors.stepKeys(job.job_type);
  const now = ctx.now();
  const windowFrom = trigger === "retransform" || trigger === "backfill" || !job.watermark
    ? null
    : new Date(new Date(job.watermark).getTime() - overlapMinutes(job.settings) * 60_000);
  // A run left live by an earlier crash must not keep writing once a new one owns the job.
  await tx.query(
    `UPDATE etl_runs SET status = 'FENCED', finished_at = $2, error = 'replaced by a newer run', ${foldRequests()}
     WHERE id = $1 AND status IN ('RUNNING', 'RATE_LIMITED')`,
    [job.current_run_id, now],
  );
  const [run] = await tx.query<{ id: number; token: string }>(
    `INSERT INTO etl_runs (tenant_id, job_id, token, trigger, status, started_at, window_from, window_to, owner,
       heartbeat_at, step_keys, current_step, params)
     VALUES ($1, $2, $3::uuid, $4, 'RUNNING', $5, $6, $5, $7, $5, $8::text[], $9, $10::jsonb)
     RETURNING id, token::text AS token`,
    [job.tenant_id, job.id, crypto.randomUUID(), trigger, now, windowFrom, ctx.owner, steps, steps[0], params],
  );
  await createStageRows(tx, run.id, job.tenant_id, steps, now);
  await tx.query(
    `UPDATE etl_jobs SET status = 'RUNNING', current_run_id = $2, last_run_started_at = $3, error = NULL,
       resume_at = NULL, checkpoint_data = NULL, step_states = $4::jsonb, updated_at = $3 WHERE id = $1`,
    [job.id, run.id, now, stepStates(steps, steps[0], "running")],
  );
  const ref = { runId: run.id, token: run.token, tenantId: job.tenant_id, jobId: job.id, step: steps[0] };
  await out.send("extract", [extractMessage(ref, 0)]);
  return { runId: run.id, token: run.token, jobId: job.id, trigger, resumed: false, steps, windowFrom, windowTo: now };
}

function emitStarted(ctx: EngineContext, tenantId: number, started: StartedRun) {
  ctx.events.emit({
    type: "run.started",
    tenantId,
    jobId: started.jobId,
    runId: started.runId,
    at: started.windowTo.toISOString(),
    trigger: started.trigger,
    steps: started.steps,
    windowFrom: started.windowFrom?.toISOString() ?? null,
    windowTo: started.windowTo.toISOString(),
  });
}

/**
 * Starts a run of a job. Refused with job_running / job_inactive / integration_inactive (EngineError.code);
 * a RATE_LIMITED job resumes its parked run now instead (same run, same checkpoint).
 */
export async function startRun(ctx: EngineContext, req: StartRunRequest): Promise<StartedRun> {
  const trigger = req.trigger ?? "manual";
  const result = await transact(ctx, async (tx, out) => {
    const job = await lockJob(tx, req.tenantId, req.jobId);
    if (job.status === "RUNNING") throw new EngineError("job_running", `job ${job.name} is already running`);
    if (!job.active) throw new EngineError("job_inactive", `job ${job.name} is inactive; activate it first`);
    if (!job.integration_active) {
      throw new EngineError("integration_inactive", `the integration of job ${job.name} is inactive`);
    }
    if (job.status === "RATE_LIMITED" && job.current_run_id !== null) return { parked: job.current_run_id, job };
    return { started: await createRun(ctx, tx, out, job, trigger), job };
  });
  if ("parked" in result && result.parked !== undefined) {
    const runId = result.parked;
    await resumeRun(ctx, runId, "manual");
    const [run] = await ctx.db.query<
      { token: string; trigger: RunTrigger; window_from: Date | null; window_to: Date; step_keys: string[] }
    >(
      "SELECT token::text AS token, trigger, window_from, window_to, step_keys FROM etl_runs WHERE id = $1",
      [runId],
    );
    return {
      runId,
      token: run.token,
      jobId: req.jobId,
      trigger: run.trigger,
      resumed: true,
      steps: run.step_keys,
      windowFrom: run.window_from,
      windowTo: run.window_to,
    };
  }
  const started = result.started!;
  emitStarted(ctx, req.tenantId, started);
  return started;
}

/**
 * Re-runs transform (and embed) over the raw rows already stored for an integration, step by step in id order,
 * without calling the source: a run with trigger `retransform` whose "extraction" replays raw rows.
 */
export async function startRetransform(
  ctx: EngineContext,
  req: { tenantId: number; integrationId: number },
): Promise<StartedRun> {
  return await startSpecialRun(ctx, req, "retransform", null);
}

/**
 * Asks the source for a few fields only (e.g. custom fields mapped after the items were loaded) and loads just
 * those: a run with trigger `backfill` whose params name the fields. It reads no window and moves no watermark.
 */
export async function startBackfill(
  ctx: EngineContext,
  req: { tenantId: number; integrationId: number; fields: string[] },
): Promise<StartedRun> {
  return await startSpecialRun(ctx, req, "backfill", { fields: req.fields });
}

async function startSpecialRun(
  ctx: EngineContext,
  req: { tenantId: number; integrationId: number },
  trigger: "retransform" | "backfill",
  params: Record<string, unknown> | null,
): Promise<StartedRun> {
  const started = await transact(ctx, async (tx, out) => {
    const [found] = await tx.query<{ id: number }>(
      `SELECT j.id FROM etl_jobs j JOIN integrations i ON i.id = j.integration_id
       WHERE i.tenant_id = $1 AND i.id = $2 ORDER BY j.id LIMIT 1`,
      [req.tenantId, req.integrationId],
    );
    if (!found) {
      throw new EngineError("integration_not_found", `integration ${req.integrationId} has no job in this tenant`);
    }
    const job = await lockJob(tx, req.tenantId, found.id);
    if (job.status === "RUNNING" || job.status === "RATE_LIMITED") {
      throw new EngineError("job_running", `job ${job.name} is running; start the ${trigger} after it ends`);
    }
    return await createRun(ctx, tx, out, job, trigger, params);
  });
  emitStarted(ctx, req.tenantId, started);
  return started;
}

/**
 * Operator escape hatch: puts a job back to READY and fences its current run, whose queued messages are then
 * dropped as they arrive. The schedule (next_run_at) is left as it was.
 */
export async function forcePending(
  ctx: EngineContext,
  req: { tenantId: number; jobId: number },
): Promise<{ jobId: number; fencedRunId: number | null }> {
  const now = ctx.now();
  const fenced = await ctx.db.transaction(async (tx) => {
    const job = await lockJob(tx, req.tenantId, req.jobId);
    const [run] = await tx.query<{ id: number; step_keys: string[] }>(
      `UPDATE etl_runs SET status = 'FENCED', finished_at = $2, error = 'fenced by an operator (force pending)',
         ${foldRequests()}
       WHERE id = $1 AND status IN ('RUNNING', 'RATE_LIMITED') RETURNING id, step_keys`,
      [job.current_run_id, now],
    );
    const steps = run?.step_keys ?? ctx.connectors.get(job.job_type)?.steps.map((s) => s.key) ?? [];
    await tx.query(
      `UPDATE etl_jobs SET status = 'READY', resume_at = NULL, step_states = $2::jsonb, updated_at = $3
       WHERE id = $1`,
      [job.id, idle(steps), now],
    );
    return run?.id ?? null;
  });
  if (fenced !== null) {
    ctx.rates.forget(fenced);
    ctx.events.emit({
      type: "run.fenced",
      tenantId: req.tenantId,
      jobId: req.jobId,
      runId: fenced,
      at: now.toISOString(),
      reason: "forced back to READY by an operator",
    });
  }
  return { jobId: req.jobId, fencedRunId: fenced };
}

function idle(steps: string[]) {
  return Object.fromEntries(steps.map((s) => [s, { extract: "idle", transform: "idle", embed: "idle" }]));
}
