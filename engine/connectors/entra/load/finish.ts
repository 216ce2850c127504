// The end of a run's delta rounds. Each round's end record stores the delta link it reached as pending; the last
// step (after every page of both rounds loaded) makes the pending links current, retires what a full walk no
// longer listed, and re-links identities. A run that fails earlier leaves the previous links current, so the next
// run reads those changes again rather than losing them.
import type { Scope } from "../../common/db_util.ts";
import type { DeltaEnd } from "../extract/delta.ts";
import { relinkIdentities } from "./links.ts";
import { sweepUnseen } from "./walk.ts";

export async function recordDeltaEnd(scope: Scope, ends: DeltaEnd[]): Promise<{ rows: number }> {
  for (const end of ends) {
    await scope.tx.query(
      `INSERT INTO directory_delta_state (tenant_id, integration_id, resource, pending_link,
         pending_full_walk, full_walk_reason, full_walk_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $5 THEN now() END)
       ON CONFLICT (tenant_id, integration_id, resource) DO UPDATE SET
         pending_link = EXCLUDED.pending_link,
         pending_full_walk = EXCLUDED.pending_full_walk,
         full_walk_reason = CASE WHEN EXCLUDED.pending_full_walk THEN EXCLUDED.full_walk_reason
                                 ELSE directory_delta_state.full_walk_reason END,
         full_walk_at = CASE WHEN EXCLUDED.pending_full_walk THEN now() ELSE directory_delta_state.full_walk_at END,
         updated_at = now()`,
      [scope.tenantId, scope.integrationId, end.resource, end.deltaLink, end.full, end.reason],
    );
  }
  return { rows: 0 };
}

/** Pending links are this run's: one run per job at a time, and every run ends both rounds before this step. */
export async function finishRun(scope: Scope): Promise<{ rows: number }> {
  const pending = await scope.tx.query<{ resource: "users" | "groups"; pending_full_walk: boolean }>(
    `SELECT resource, pending_full_walk FROM directory_delta_state
      WHERE tenant_id = $1 AND integration_id = $2 AND pending_link IS NOT NULL ORDER BY resource`,
    [scope.tenantId, scope.integrationId],
  );
  let rows = 0;
  for (const p of pending) if (p.pending_full_walk) rows += await sweepUnseen(scope, p.resource);
  await scope.tx.query(
    `UPDATE directory_delta_state
        SET delta_link = pending_link, pending_link = NULL, pending_full_walk = false, updated_at = now()
      WHERE tenant_id = $1 AND integration_id = $2 AND pending_link IS NOT NULL`,
    [scope.tenantId, scope.integrationId],
  );
  rows += await relinkIdentities(scope.tx, scope.tenantId);
  return { rows };
}
