// The orchestrator: once a minute (Deno.cron, which fires in every instance) the instance holding the leader
// advisory lock starts due jobs, resumes parked runs whose resume time has come, takes over runs whose owner died,
// and repairs job rows left inconsistent. All timing lives in the database (next_run_at, resume_at, heartbeats),
// so a restart loses nothing and a missed run is caught up at the next tick.
//
// The lock is an optimisation, not the guarantee: every action is a conditional update under the job row lock, so
// two instances that both believed they lead (a lock connection dropped unnoticed) still cannot double-start.
import type { LeaderLock } from "../db/port.ts";
import type { EngineContext } from "./context.ts";
import { startRun } from "./commands.ts";
import { EngineError } from "./errors.ts";
import { resumeRun, settle, takeOver } from "./lifecycle.ts";
import { errorText } from "./queue/port.ts";
import { log } from "../lib/log.ts";
import { pruneRawPages } from "./raw_retention.ts";
import { foldRequests } from "./request_journal.ts";

export interface TickReport {
  leader: boolean;
  /** Jobs started (scheduled, or retried after a failure). */
  started: number[];
  /** Parked runs resumed. */
  resumed: number[];
  /** Runs adopted from a dead owner. */
  takenOver: number[];
  /** Active jobs that had no next_run_at and got one. */
  scheduled: number[];
  /** Jobs whose status disagreed with their run and was corrected, and orphan runs fenced. */
  repaired: number[];
  errors: string[];
}

export class Orchestrator {
  #ctx: EngineContext;
  #lock: LeaderLock | null = null;
  #ticking: Promise<TickReport> | null = null;
  /** When raw pages were last pruned by this leader (at most hourly; the prune runs beside the tick). */
  #prunedAt = 0;
  #pruning: Promise<void> | null = null;
  #cron: AbortController | null = null;
  #stopped = false;

  constructor(ctx: EngineContext) {
    this.#ctx = ctx;
  }

  get isLeader(): boolean {
    return this.#lock !== null;
  }

  /** Registers the minute cron (once per engine). Ticks that would overlap a running one are skipped. */
  start(): void {
    if (this.#cron) return;
    this.#cron = new AbortController();
    Deno.cron(this.#ctx.opts.cronName, "* * * * *", { signal: this.#cron.signal }, async () => {
      if (this.#ticking) return;
      try {
        await this.tick();
      } catch (e) {
        log.error("orchestrator tick failed", { error: errorText(e) });
      }
    });
  }

  /** One pass. `now` defaults to the engine clock; concurrent calls share the pass in progress. */
  tick(now: Date = this.#ctx.now()): Promise<TickReport> {
    if (this.#ticking) return this.#ticking;
    this.#ticking = this.#tick(now).finally(() => this.#ticking = null);
    return this.#ticking;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cron?.abort();
    await this.#ticking?.catch(() => {});
    const lock = this.#lock;
    this.#lock = null;
    await lock?.release().catch((e) => log.warn("leader lock release failed", { error: errorText(e) }));
  }

  async #tick(now: Date): Promise<TickReport> {
    const report: TickReport = {
      leader: false,
      started: [],
      resumed: [],
      takenOver: [],
      scheduled: [],
      repaired: [],
      errors: [],
    };
    if (this.#stopped) return report;
    if (!this.#lock) this.#lock = await this.#ctx.db.tryLeaderLock(this.#ctx.opts.leaderKey);
    if (!this.#lock) return report;
    report.leader = true;
    const step = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (e) {
        report.errors.push(`${name}: ${errorText(e)}`);
        log.error("orchestrator step failed", { step: name, error: errorText(e) });
      }
    };
    await step("repair", () => this.#repair(report));
    await step("resume", () => this.#resumeParked(now, report));
    await step("reconcile", () => this.#reconcile(now, report));
    await step("schedule", () => this.#scheduleUnscheduled(now, report));
    await step("start", () => this.#startDue(now, report));
    this.#pruneRaw();
    return report;
  }

  /** Raw-page retention in the background: batched deletes that never hold up the tick. */
  #pruneRaw() {
    const days = this.#ctx.opts.rawRetentionDays;
    if (days === null || this.#pruning || Date.now() - this.#prunedAt < 3_600_000) return;
    this.#prunedAt = Date.now();
    this.#pruning = pruneRawPages(this.#ctx.db, { retentionDays: days })
      .then((n) => n > 0 && log.info("raw pages pruned", { pages: n, retentionDays: days }))
      .catch((e) => log.warn("raw page pruning failed", { error: errorText(e) }))
      .then(() => void (this.#pruning = null));
  }

  /** Job status must agree with its current run; live runs that are no job's current run are fenced. */
  async #repair(report: TickReport) {
    const db = this.#ctx.db;
    const jobs = await db.query<{ id: number }>(
      `UPDATE etl_jobs j SET status = CASE r.status WHEN 'FINISHED' THEN 'FINISHED' WHEN 'FAILED' THEN 'FAILED'
           ELSE 'READY' END, updated_at = $1
       FROM etl_jobs j2 LEFT JOIN etl_runs r ON r.id = j2.current_run_id
       WHERE j.id = j2.id AND j.status IN ('RUNNING', 'RATE_LIMITED')
         AND (r.id IS NULL OR r.status NOT IN ('RUNNING', 'RATE_LIMITED'))
       RETURNING j.id`,
      [this.#ctx.now()],
    );
    const runs = await db.query<{ job_id: number }>(
      `UPDATE etl_runs r SET status = 'FENCED', finished_at = $1, error = 'not the current run of its job',
         ${foldRequests("r")}
       WHERE r.status IN ('RUNNING', 'RATE_LIMITED')
         AND NOT EXISTS (SELECT 1 FROM etl_jobs j WHERE j.current_run_id = r.id)
       RETURNING r.job_id`,
      [this.#ctx.now()],
    );
    report.repaired.push(...jobs.map((j) => j.id), ...runs.map((r) => r.job_id));
  }

  async #resumeParked(now: Date, report: TickReport) {
    const due = await this.#ctx.db.query<{ id: number }>(
      `SELECT r.id FROM etl_runs r JOIN etl_jobs j ON j.current_run_id = r.id
       WHERE r.status = 'RATE_LIMITED' AND r.resume_at <= $1 ORDER BY r.resume_at`,
      [now],
    );
    for (const { id } of due) if (await resumeRun(this.#ctx, id, "resume")) report.resumed.push(id);
  }

  /** Runs nobody advances: adopt the stale ones; give the others a settle (covers a crash right after a commit). */
  async #reconcile(now: Date, report: TickReport) {
    const live = await this.#ctx.db.query<{ id: number; stale: boolean }>(
      `SELECT r.id, (coalesce(r.heartbeat_at, r.started_at) < $1 AND NOT EXISTS (
           SELECT 1 FROM etl_run_stages s WHERE s.run_id = r.id AND s.updated_at >= $1)) AS stale
       FROM etl_runs r JOIN etl_jobs j ON j.current_run_id = r.id WHERE r.status = 'RUNNING'`,
      [new Date(now.getTime() - this.#ctx.opts.staleAfterMs)],
    );
    for (const run of live) {
      if (run.stale && await takeOver(this.#ctx, run.id)) report.takenOver.push(run.id);
      else await settle(this.#ctx, run.id);
    }
  }

  /** An active job without a next run gets one a schedule interval from now (it never ran, or was reset). */
  async #scheduleUnscheduled(now: Date, report: TickReport) {
    const rows = await this.#ctx.db.query<{ id: number }>(
      `UPDATE etl_jobs SET next_run_at = $1::timestamptz + schedule_interval_minutes * interval '1 minute',
         updated_at = $1
       WHERE active AND next_run_at IS NULL AND status NOT IN ('RUNNING', 'RATE_LIMITED') RETURNING id`,
      [now],
    );
    report.scheduled.push(...rows.map((r) => r.id));
  }

  async #startDue(now: Date, report: TickReport) {
    const due = await this.#ctx.db.query<{ id: number; tenant_id: number; status: string }>(
      `SELECT j.id, j.tenant_id, j.status FROM etl_jobs j JOIN integrations i ON i.id = j.integration_id
       WHERE j.active AND i.active AND j.status NOT IN ('RUNNING', 'RATE_LIMITED') AND j.next_run_at <= $1
         AND j.job_type = ANY($2::text[])
       ORDER BY j.next_run_at, j.id`,
      [now, this.#ctx.connectors.types],
    );
    for (const job of due) {
      try {
        await startRun(this.#ctx, {
          tenantId: job.tenant_id,
          jobId: job.id,
          trigger: job.status === "FAILED" ? "recovery" : "schedule",
        });
        report.started.push(job.id);
      } catch (e) {
        // Another instance or an operator got there first, or the job was deactivated in between.
        if (e instanceof EngineError) log.info("scheduled start skipped", { jobId: job.id, code: e.code });
        else throw e;
      }
    }
  }
}
