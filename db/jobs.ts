// SQL for the jobs aggregate as the API and pages see it: cards with their integration, current run progress
// and run history. Always tenant-scoped.
import type { Queryable } from "./port.ts";
import { sharedRead } from "./shared_reads.ts";

export interface StageProgress {
  step: string;
  stage: "extract" | "transform" | "embed";
  expected: number;
  done: number;
  records: number;
  /** Extract only: the source's estimate of the step's records, when it gave one. */
  expectedRecords?: number | null;
}

export interface JobCard {
  id: number;
  name: string;
  jobType: string;
  active: boolean;
  status: string;
  steps: Array<{ key: string; name: string; order: number }>;
  stepStates: Record<string, Record<string, string>>;
  scheduleIntervalMinutes: number;
  retryIntervalMinutes: number;
  nextRunAt: Date | null;
  resumeAt: Date | null;
  lastRunStartedAt: Date | null;
  lastRunFinishedAt: Date | null;
  lastSuccessAt: Date | null;
  watermark: Date | null;
  retryCount: number;
  error: string | null;
  integration: { id: number; name: string; provider: string; active: boolean; logoFilename: string | null };
  currentRun: { id: number; status: string; startedAt: Date; stages: StageProgress[] } | null;
  /** Whether this instance's engine has a connector for the job type; null when no engine runs here. */
  hasConnector: boolean | null;
}

/** Card reads can say whether a connector is installed for each job: pass the engine's job types. */
export interface CardOptions {
  jobTypes?: readonly string[] | null;
}

const CARD_SQL = `
SELECT j.id, j.name, j.job_type AS "jobType", j.active, j.status, j.steps, j.step_states AS "stepStates",
       j.schedule_interval_minutes AS "scheduleIntervalMinutes", j.retry_interval_minutes AS "retryIntervalMinutes",
       j.next_run_at AS "nextRunAt", j.resume_at AS "resumeAt", j.last_run_started_at AS "lastRunStartedAt",
       j.last_run_finished_at AS "lastRunFinishedAt", j.last_success_at AS "lastSuccessAt", j.watermark,
       j.retry_count AS "retryCount", j.error,
       jsonb_build_object('id', i.id, 'name', i.name, 'provider', i.provider, 'active', i.active,
                          'logoFilename', i.logo_filename) AS integration,
       CASE WHEN r.id IS NULL THEN NULL ELSE jsonb_build_object(
         'id', r.id, 'status', r.status, 'startedAt', r.started_at,
         'stages', COALESCE((SELECT jsonb_agg(jsonb_build_object('step', s.step, 'stage', s.stage,
                    'expected', s.expected, 'done', s.done, 'records', s.records,
                    'expectedRecords', s.expected_records) ORDER BY s.step, s.stage)
                    FROM etl_run_stages s WHERE s.run_id = r.id), '[]'::jsonb)) END AS "currentRun"
  FROM etl_jobs j
  JOIN integrations i ON i.id = j.integration_id
  LEFT JOIN etl_runs r ON r.id = j.current_run_id
 WHERE j.tenant_id = $1`;

/**
 * Dates inside the run's JSON, and whether a connector is installed. The latter is decided here rather than in SQL:
 * a text[] parameter would keep the card read off the embedded database's prepared path (integers only).
 */
function reviver(opts: CardOptions) {
  const types = opts.jobTypes ?? null;
  return (card: JobCard): JobCard => {
    if (card.currentRun) card.currentRun.startedAt = new Date(card.currentRun.startedAt);
    card.hasConnector = types ? types.includes(card.jobType) : null;
    return card;
  };
}

export function listJobCards(db: Queryable, tenantId: number, opts: CardOptions = {}): Promise<JobCard[]> {
  // the home page and the jobs API read this on every view: concurrent views share one query (embedded database)
  const types = opts.jobTypes ?? null;
  return sharedRead(
    db,
    `job-cards:${tenantId}:${types?.join(",") ?? ""}`,
    async () => (await db.query<JobCard>(`${CARD_SQL} ORDER BY j.active DESC, j.name`, [tenantId])).map(reviver(opts)),
  );
}

export async function getJobCard(
  db: Queryable,
  tenantId: number,
  jobId: number,
  opts: CardOptions = {},
): Promise<JobCard | undefined> {
  const [row] = await db.query<JobCard>(`${CARD_SQL} AND j.id = $2`, [tenantId, jobId]);
  return row && reviver(opts)(row);
}

export interface RunSummary {
  id: number;
  trigger: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  rowsWritten: number;
  requestsMade: number;
  records: number;
  error: string | null;
}

export async function listRuns(db: Queryable, tenantId: number, jobId: number, limit: number): Promise<RunSummary[]> {
  return await db.query<RunSummary>(
    `SELECT r.id, r.trigger, r.status, r.started_at AS "startedAt", r.finished_at AS "finishedAt",
            (EXTRACT(EPOCH FROM (r.finished_at - r.started_at)) * 1000)::bigint AS "durationMs",
            r.rows_written AS "rowsWritten", r.requests_made AS "requestsMade",
            COALESCE((SELECT sum(s.records) FROM etl_run_stages s WHERE s.run_id = r.id AND s.stage = 'transform'),
                     0)::bigint AS records,
            r.error
       FROM etl_runs r WHERE r.tenant_id = $1 AND r.job_id = $2
      ORDER BY r.started_at DESC, r.id DESC LIMIT $3`,
    [tenantId, jobId, limit],
  );
}

interface TimingRow {
  status: string;
  active: boolean;
  retry_count: number;
  last_run_started_at: Date | null;
  last_run_finished_at: Date | null;
  schedule_interval_minutes: number;
  retry_interval_minutes: number;
}

/**
 * When a job should next run after it is (re)activated or its intervals change: a running job keeps none;
 * a job that never ran starts one schedule interval from now; a failed job retries one retry interval after its
 * last finish; otherwise one schedule interval after its last finish — never in the past.
 */
export function nextRunAfterChange(job: TimingRow, now: Date): Date | null {
  if (job.status === "RUNNING") return null;
  const min = 60_000;
  let at: number;
  if (!job.last_run_finished_at && !job.last_run_started_at) at = now.getTime() + job.schedule_interval_minutes * min;
  else {
    const base = (job.last_run_finished_at ?? job.last_run_started_at)!.getTime();
    at = base + (job.status === "FAILED" ? job.retry_interval_minutes : job.schedule_interval_minutes) * min;
  }
  return new Date(Math.max(at, now.getTime()));
}

export async function lockJob(db: Queryable, tenantId: number, jobId: number) {
  const [row] = await db.query<TimingRow & { integration_id: number; integration_active: boolean }>(
    `SELECT j.status, j.active, j.retry_count, j.last_run_started_at, j.last_run_finished_at,
            j.schedule_interval_minutes, j.retry_interval_minutes, j.integration_id, i.active AS integration_active
       FROM etl_jobs j JOIN integrations i ON i.id = j.integration_id
      WHERE j.tenant_id = $1 AND j.id = $2 FOR UPDATE OF j`,
    [tenantId, jobId],
  );
  return row;
}
