// Embed stage. One message = the embed work of one transformed batch. The texts are built and compared with the
// bridge (unchanged text is not embedded again) and the changed ones embedded OUTSIDE any transaction — a remote
// embedder may take seconds — then one transaction claims the batch (effect-once), writes points and bridge rows
// and counts. A remote store (Qdrant) is idempotent by deterministic point ids, so a retry rewrites the same points.
// When the embedder's budget is gone (RateLimitedError) the batch is handed back (embed_published_at cleared) and
// the run parks as RATE_LIMITED; resuming re-publishes it. Any other failure is retried by the queue, and the last
// attempt fails the run and records the batch's records as failed — nothing is ever stored as a zero vector.
import type { Handler } from "../queue/port.ts";
import type { EngineContext } from "../context.ts";
import type { Connector } from "../connector.ts";
import { bump, emitProgress, type StageCounter } from "../counters.ts";
import { parkRun, settle } from "../lifecycle.ts";
import { parseBatch } from "../messages.ts";
import { fence, runRef, type RunRow } from "../runs.ts";
import { RateLimitedError } from "../http/errors.ts";
import { embedPlan, type IndexPlan, planIndex, recordFailures, writeIndex } from "../vectors/indexer.ts";
import { recordKind } from "../vectors/kinds.ts";
import { onBatchFailure } from "./batch_failure.ts";
import { errorText } from "../queue/port.ts";
import { isInfrastructureError } from "../../lib/infra_errors.ts";

type EmbedWork = Array<{ table: string; ids: number[] }>;

async function planBatch(ctx: EngineContext, connector: Connector, run: RunRow, work: EmbedWork) {
  const plans: IndexPlan[] = [];
  for (const { table, ids } of work) {
    const kind = recordKind(table);
    const docs = kind
      ? await kind.texts(ctx.db, run.tenant_id, ids)
      : await connector.embedText(table, ids, ctx.db, run.tenant_id);
    plans.push(
      await planIndex(ctx.db, ctx, { tenantId: run.tenant_id, table, ids, docs, integrationId: run.integration_id }),
    );
  }
  return plans;
}

export function embedHandler(ctx: EngineContext): Handler {
  return async (delivery) => {
    const msg = parseBatch(delivery.body);
    const run = await fence(ctx, "embed", msg);
    if (!run) return;
    let outcome: { step: string; counter: StageCounter } | undefined;
    let work: EmbedWork = [];
    let plans: IndexPlan[] = [];
    try {
      const connector = ctx.connectors.require(run.job_type);
      const [batch] = await ctx.db.query<{ embed_work: EmbedWork | null }>(
        `SELECT embed_work FROM etl_run_batches
          WHERE run_id = $1 AND raw_id = $2 AND embedded_at IS NULL AND transformed_at IS NOT NULL`,
        [run.id, msg.rawId],
      );
      if (batch) {
        work = batch.embed_work ?? [];
        plans = await planBatch(ctx, connector, run, work);
        const vectors: number[][][] = [];
        for (const plan of plans) vectors.push(await embedPlan(ctx, plan));
        outcome = await ctx.db.transaction(async (tx) => {
          const now = ctx.now();
          const [claimed] = await tx.query<{ step: string }>(
            `UPDATE etl_run_batches SET embedded_at = $3
              WHERE run_id = $1 AND raw_id = $2 AND embedded_at IS NULL AND transformed_at IS NOT NULL
              RETURNING step`,
            [run.id, msg.rawId, now],
          );
          if (!claimed) return undefined;
          let written = 0;
          for (let i = 0; i < plans.length; i++) {
            written += (await writeIndex(tx, ctx, plans[i], vectors[i], now)).written;
          }
          const counter = await bump(tx, run.id, claimed.step, "embed", { done: 1, records: written }, now);
          return { step: claimed.step, counter };
        });
      }
    } catch (e) {
      if (e instanceof RateLimitedError) {
        await ctx.db.query(
          "UPDATE etl_run_batches SET embed_published_at = NULL WHERE run_id = $1 AND raw_id = $2 AND embedded_at IS NULL",
          [run.id, msg.rawId],
        );
        await parkRun(ctx, run, null, e.resumeAt, `embedder: ${e.reason}`);
        return;
      }
      if (delivery.attempt >= ctx.queue.maxAttempts && !isInfrastructureError(e)) {
        const now = ctx.now();
        for (const { table, ids } of work) {
          const plan = plans.find((p) => p.request.table === table);
          const failed = plan ? plan.changed.map((c) => c.doc.id) : ids;
          await recordFailures(ctx.db, run.tenant_id, table, failed, ctx.embedder.id, errorText(e), now);
        }
      }
      await onBatchFailure(ctx, "embed", run, msg, delivery, e);
    }
    if (!outcome) return await settle(ctx, run.id);
    emitProgress(ctx, runRef(run, outcome.step), outcome.counter);
    await settle(ctx, run.id);
  };
}
