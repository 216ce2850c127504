// Reading runs: the row every handler checks first (fencing), and what a connector is told about its run.
import type { Queryable } from "../db/port.ts";
import type { IntegrationInfo, RunInfo, RunTrigger } from "./connector.ts";
import type { EngineContext } from "./context.ts";
import type { RunRef } from "./messages.ts";
import type { StageName } from "./queue/port.ts";
import { log } from "../lib/log.ts";

export type RunStatus = "RUNNING" | "FINISHED" | "FAILED" | "RATE_LIMITED" | "FENCED";

export interface RunRow {
  id: number;
  token: string;
  tenant_id: number;
  job_id: number;
  trigger: RunTrigger;
  status: RunStatus;
  started_at: Date;
  window_from: Date | null;
  window_to: Date;
  step_keys: string[];
  current_step: string | null;
  step_extracted: boolean;
  extraction_finished: boolean;
  extract_seq: number;
  checkpoint_rev: number;
  checkpoint: unknown;
  requests_made: number;
  /** From the job: the fencing reference. */
  current_run_id: number | null;
  integration_id: number;
  job_type: string;
  params: Record<string, unknown> | null;
}

const RUN_SELECT = `SELECT r.id, r.token::text AS token, r.tenant_id, r.job_id, r.trigger, r.status, r.started_at,
  r.window_from, r.window_to, r.step_keys, r.current_step, r.step_extracted, r.extraction_finished, r.extract_seq,
  r.checkpoint_rev, r.checkpoint, r.requests_made, r.params, j.current_run_id, j.integration_id, j.job_type
  FROM etl_runs r JOIN etl_jobs j ON j.id = r.job_id`;

export async function loadRun(q: Queryable, runId: number, lock = false): Promise<RunRow | undefined> {
  const [row] = await q.query<RunRow>(`${RUN_SELECT} WHERE r.id = $1${lock ? " FOR UPDATE OF r" : ""}`, [runId]);
  return row;
}

/** Whether a run may still produce effects: it is its job's current run and (for data stages) not finished. */
export function isLive(run: RunRow, allowParked: boolean): boolean {
  if (run.current_run_id !== run.id) return false;
  return run.status === "RUNNING" || (allowParked && run.status === "RATE_LIMITED");
}

/**
 * The fencing check every handler runs first. Returns the run when the message may act, undefined when it must be
 * acked and dropped (an older run of the job, a finished/failed/fenced run, or a forged id/token pair).
 * Transform and embed keep working while the run is parked for a rate limit: those pages are already extracted.
 */
export async function fence(ctx: EngineContext, stage: StageName, ref: RunRef): Promise<RunRow | undefined> {
  const [run] = await ctx.db.query<RunRow>(
    `${RUN_SELECT} WHERE r.id = $1 AND r.token::text = $2 AND r.tenant_id = $3 AND r.job_id = $4`,
    [ref.runId, ref.token, ref.tenantId, ref.jobId],
  );
  if (run && isLive(run, stage !== "extract")) return run;
  ctx.dropped[stage]++;
  log.info("dropped a fenced message", {
    stage,
    runId: ref.runId,
    jobId: ref.jobId,
    step: ref.step,
    reason: run
      ? `run is ${run.status}${run.current_run_id === run.id ? "" : " and not the job's current run"}`
      : "no such run",
    droppedSoFar: ctx.dropped[stage],
  });
  return undefined;
}

export function runRef(run: RunRow, step = run.current_step ?? run.step_keys[0]): RunRef {
  return { runId: run.id, token: run.token, tenantId: run.tenant_id, jobId: run.job_id, step };
}

export function runInfo(run: RunRow): RunInfo {
  return {
    runId: run.id,
    token: run.token,
    tenantId: run.tenant_id,
    jobId: run.job_id,
    integrationId: run.integration_id,
    trigger: run.trigger,
    windowFrom: run.window_from ? new Date(run.window_from) : null,
    windowTo: new Date(run.window_to),
    params: run.params ?? null,
  };
}

export async function loadIntegration(
  ctx: EngineContext,
  tenantId: number,
  integrationId: number,
  withCredentials: boolean,
): Promise<IntegrationInfo> {
  const [row] = await ctx.db.query<
    { id: number; provider: string; base_url: string | null; settings: Record<string, unknown>; sealed: string | null }
  >(
    `SELECT id, provider, base_url, settings, credentials_enc AS sealed FROM integrations
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, integrationId],
  );
  if (!row) throw new Error(`integration ${integrationId} of tenant ${tenantId} no longer exists`);
  const credentials = withCredentials && row.sealed && ctx.openCredentials
    ? await ctx.openCredentials(tenantId, row.sealed)
    : null;
  return { id: row.id, provider: row.provider, baseUrl: row.base_url, settings: row.settings ?? {}, credentials };
}

/** Job step_states document: {step: {extract, transform, embed}} with idle|running|finished|failed. */
export type StageState = "idle" | "running" | "finished" | "failed";
export type StepStates = Record<string, Record<StageName, StageState>>;

/** Coarse per-step states for the job card, derived from where the run is (the counters carry the detail). */
export function stepStates(
  keys: string[],
  current: string | null,
  phase: "running" | "extracted" | "finished" | "failed",
): StepStates {
  const at = current === null ? keys.length : keys.indexOf(current);
  const out: StepStates = {};
  keys.forEach((key, i) => {
    if (phase === "finished" || i < at) out[key] = { extract: "finished", transform: "finished", embed: "finished" };
    else if (i > at) out[key] = { extract: "idle", transform: "idle", embed: "idle" };
    else if (phase === "failed") out[key] = { extract: "failed", transform: "failed", embed: "failed" };
    else if (phase === "extracted") out[key] = { extract: "finished", transform: "running", embed: "running" };
    else out[key] = { extract: "running", transform: "running", embed: "running" };
  });
  return out;
}
