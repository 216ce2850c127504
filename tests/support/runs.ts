// A real etl_runs row for connector drivers that run the steps without the engine (tests/jira/driver.ts,
// bench/support.ts): steps that read what earlier steps of the same run stored (the Jira census reads the run's
// project pages, the sprint step its board listings) find it only when raw rows carry a run id that exists.
import type { Queryable } from "../../db/port.ts";
import type { RunInfo, RunTrigger } from "../../engine/connector.ts";

export interface DriverRunOptions {
  tenantId: number;
  integrationId: number;
  trigger?: RunTrigger;
  windowFrom?: Date | null;
  windowTo?: Date;
}

/** Inserts a RUNNING run of the integration's job and returns it as the engine would hand it to a connector. */
export async function createDriverRun(db: Queryable, o: DriverRunOptions): Promise<RunInfo> {
  const token = crypto.randomUUID();
  const trigger = o.trigger ?? "manual";
  const windowFrom = o.windowFrom ?? null;
  const windowTo = o.windowTo ?? new Date();
  const [row] = await db.query<{ id: number; job_id: number }>(
    `INSERT INTO etl_runs (tenant_id, job_id, token, trigger, window_from, window_to)
     SELECT $1, j.id, $3, $4, $5, $6 FROM etl_jobs j WHERE j.tenant_id = $1 AND j.integration_id = $2
      ORDER BY j.id LIMIT 1
     RETURNING id, job_id`,
    [o.tenantId, o.integrationId, token, trigger, windowFrom, windowTo],
  );
  if (!row) throw new Error(`integration ${o.integrationId} of tenant ${o.tenantId} has no job`);
  return {
    runId: Number(row.id),
    token,
    tenantId: o.tenantId,
    jobId: Number(row.job_id),
    integrationId: o.integrationId,
    trigger,
    windowFrom,
    windowTo,
  };
}
