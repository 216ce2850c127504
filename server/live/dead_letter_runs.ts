// What became of the run a dead letter belongs to. A dead letter of a run that has since finished, failed, been fenced
// or been superseded by a newer run of its job can no longer change anything (requeued, fencing would drop it), so
// the Queues page marks it obsolete and an admin can purge those in one go.
import type { Queryable } from "../../db/port.ts";
import { type Queue, STAGES } from "../../engine/queue/port.ts";
import { ownedBy } from "./queue_monitor.ts";

export type ObsoleteReason = "finished" | "failed" | "fenced" | "superseded" | "missing";

export interface DeadLetterRun {
  id: number | null;
  status: string | null;
  /** Why requeuing it cannot help any more; null while its run is still in progress. */
  obsolete: ObsoleteReason | null;
}

interface RunRow {
  id: number;
  status: string;
  superseded: boolean;
}

/** The run state of each given run id of the tenant (ids of other tenants read as missing). */
export async function deadLetterRuns(
  db: Queryable,
  tenantId: number,
  runIds: readonly number[],
): Promise<Map<number, DeadLetterRun>> {
  const ids = [...new Set(runIds.filter((id) => Number.isSafeInteger(id) && id > 0))];
  const rows = ids.length === 0 ? [] : await db.query<RunRow>(
    `SELECT r.id, r.status,
       EXISTS (SELECT 1 FROM etl_runs n WHERE n.job_id = r.job_id AND n.id > r.id) AS superseded
     FROM etl_runs r WHERE r.tenant_id = $1 AND r.id = ANY($2::bigint[])`,
    [tenantId, ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return new Map(ids.map((id): [number, DeadLetterRun] => {
    const r = byId.get(id);
    if (!r) return [id, { id, status: null, obsolete: "missing" }];
    const obsolete: ObsoleteReason | null = r.status === "FINISHED"
      ? "finished"
      : r.status === "FAILED"
      ? "failed"
      : r.status === "FENCED"
      ? "fenced"
      : r.superseded
      ? "superseded"
      : null;
    return [id, { id, status: r.status, obsolete }];
  }));
}

export function runIdOf(body: Record<string, unknown>): number | null {
  return typeof body.runId === "number" ? body.runId : null;
}

/** Describes the run of every dead letter in `letters` (a letter without a run id is obsolete: it names nothing). */
export async function withRuns<T extends { body: Record<string, unknown> }>(
  db: Queryable,
  tenantId: number,
  letters: readonly T[],
): Promise<Array<T & { run: DeadLetterRun }>> {
  const runs = await deadLetterRuns(db, tenantId, letters.map((l) => runIdOf(l.body) ?? 0));
  return letters.map((l) => {
    const id = runIdOf(l.body);
    return { ...l, run: (id && runs.get(id)) || { id: null, status: null, obsolete: "missing" } };
  });
}

/** Queue stages with the run of each dead letter described: the REST answer, the page and its live frames alike. */
export function stagesWithRuns<S extends { deadLetters: readonly { body: Record<string, unknown> }[] }>(
  db: Queryable,
  tenantId: number,
  stages: readonly S[],
) {
  return Promise.all(stages.map(async (s) => ({ ...s, deadLetters: await withRuns(db, tenantId, s.deadLetters) })));
}

/** Deletes the tenant's dead letters whose run can no longer use them; returns how many per stage. */
export async function purgeObsoleteDeadLetters(
  db: Queryable,
  queue: Queue,
  tenantId: number,
): Promise<Record<string, number>> {
  const purged: Record<string, number> = {};
  for (const stage of STAGES) {
    const mine = (await queue.listDeadLetters(stage, 10_000)).filter((d) => ownedBy(d, tenantId));
    const obsolete = (await withRuns(db, tenantId, mine)).filter((d) => d.run.obsolete !== null).map((d) => d.id);
    purged[stage] = obsolete.length ? await queue.deleteDeadLetters(stage, obsolete) : 0;
  }
  return purged;
}
