// The connector's after-step hook (Connector.afterStep), run inside the transaction that moves a run past a step.
// The step's transform counter records what the hook changed, so rows_written stays exact: a crash before the
// commit undoes both, and the next settle runs the hook again.
import type { Queryable } from "../db/port.ts";
import type { LoadContext } from "./connector.ts";
import type { EngineContext } from "./context.ts";
import { bump } from "./counters.ts";
import { loadIntegration, runInfo, type RunRow } from "./runs.ts";

export type AfterStep = (tx: Queryable, step: string) => Promise<void>;

/**
 * Prepares the hook for a run outside any transaction (the embedded database has one connection, which the
 * transaction will hold); null when the connector has none.
 */
export async function prepareAfterStep(ctx: EngineContext, run: RunRow): Promise<AfterStep | null> {
  const connector = ctx.connectors.require(run.job_type);
  if (!connector.afterStep) return null;
  const { credentials: _, ...integration } = await loadIntegration(ctx, run.tenant_id, run.integration_id, false);
  return async (tx, step) => {
    const load: LoadContext = { run: runInfo(run), integration, tx };
    const result = await connector.afterStep!(step, load);
    if (result.rows > 0) await bump(tx, run.id, step, "transform", { records: result.rows }, ctx.now());
  };
}
