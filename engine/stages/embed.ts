// Embed stage. One message = the embed work of one transformed batch. One transaction: mark the batch embedded
// (effect-once), build the texts, embed only those whose content hash changed, write points + bridge rows,
// count. The database vector store writes in that same transaction; a remote store (Qdrant) is idempotent by its
// deterministic point ids, so a retry after a crash rewrites the same points.
import type { Handler } from "../queue/port.ts";
import type { EngineContext } from "../context.ts";
import { bump, emitProgress, type StageCounter } from "../counters.ts";
import { settle } from "../lifecycle.ts";
import { parseBatch } from "../messages.ts";
import { fence, runRef } from "../runs.ts";
import { indexDocs } from "../vectors/indexer.ts";
import { onBatchFailure } from "./batch_failure.ts";

export function embedHandler(ctx: EngineContext): Handler {
  return async (delivery) => {
    const msg = parseBatch(delivery.body);
    const run = await fence(ctx, "embed", msg);
    if (!run) return;
    let outcome: { step: string; counter: StageCounter } | undefined;
    try {
      const connector = ctx.connectors.require(run.job_type);
      outcome = await ctx.db.transaction(async (tx) => {
        const now = ctx.now();
        const [batch] = await tx.query<{ step: string; embed_work: Array<{ table: string; ids: number[] }> | null }>(
          `UPDATE etl_run_batches SET embedded_at = $3
           WHERE run_id = $1 AND raw_id = $2 AND embedded_at IS NULL AND transformed_at IS NOT NULL
           RETURNING step, embed_work`,
          [run.id, msg.rawId, now],
        );
        if (!batch) return undefined;
        let vectors = 0;
        for (const work of batch.embed_work ?? []) {
          const docs = await connector.embedText(work.table, work.ids, tx, run.tenant_id);
          vectors += await indexDocs(ctx, tx, { tenantId: run.tenant_id, integrationId: run.integration_id, docs });
        }
        const counter = await bump(tx, run.id, batch.step, "embed", { done: 1, records: vectors }, now);
        return { step: batch.step, counter };
      });
    } catch (e) {
      await onBatchFailure(ctx, "embed", run, msg, delivery, e);
    }
    if (!outcome) return await settle(ctx, run.id);
    emitProgress(ctx, runRef(run, outcome.step), outcome.counter);
    await settle(ctx, run.id);
  };
}
