// Transform+load stage. One message = one batch (raw row). One transaction: mark the batch transformed (the
// effect-once guard: a redelivered or duplicate message finds it marked and changes nothing), the connector's
// upserts, the counters, and the embed work it produced (published in the transaction with the database queue).
import type { Handler } from "../queue/port.ts";
import type { EngineContext } from "../context.ts";
import { bump, emitProgress, type StageCounter } from "../counters.ts";
import { settle } from "../lifecycle.ts";
import { batchMessage, parseBatch } from "../messages.ts";
import { markPublished } from "../outbox.ts";
import { fence, loadIntegration, runInfo, runRef } from "../runs.ts";
import { onBatchFailure } from "./batch_failure.ts";

export function transformHandler(ctx: EngineContext): Handler {
  return async (delivery) => {
    const msg = parseBatch(delivery.body);
    const run = await fence(ctx, "transform", msg);
    if (!run) return;
    let outcome: { step: string; embed: boolean; inTx: boolean; counters: StageCounter[] } | undefined;
    try {
      const connector = ctx.connectors.require(run.job_type);
      // Read before the transaction: the embedded database has one connection, which the transaction holds.
      const { credentials: _, ...integration } = await loadIntegration(ctx, run.tenant_id, run.integration_id, false);
      outcome = await ctx.db.transaction(async (tx) => {
        const now = ctx.now();
        const [batch] = await tx.query<{ step: string }>(
          `UPDATE etl_run_batches SET transformed_at = $3
           WHERE run_id = $1 AND raw_id = $2 AND transformed_at IS NULL RETURNING step`,
          [run.id, msg.rawId, now],
        );
        if (!batch) return undefined;
        const [raw] = await tx.query<{ kind: string; payload: unknown }>(
          "SELECT kind, payload FROM raw_extraction_data WHERE id = $1 AND tenant_id = $2",
          [msg.rawId, run.tenant_id],
        );
        if (!raw) throw new Error(`raw row ${msg.rawId} of run ${run.id} no longer exists`);
        const records = Array.isArray(raw.payload) ? raw.payload : [];
        const result = await connector.load(batch.step, raw.kind, records, { run: runInfo(run), integration, tx });
        const work = (result.embed ?? []).filter((w) => w.ids.length > 0);
        const embed = work.length > 0;
        const inTx = embed && await ctx.publisher.inTx(tx, "embed", [batchMessage(runRef(run, batch.step), msg.rawId)]);
        await tx.query(
          `UPDATE etl_run_batches SET rows_written = $3, embed_work = $4::jsonb, embed_published_at = $5
           WHERE run_id = $1 AND raw_id = $2`,
          [run.id, msg.rawId, result.rows, embed ? JSON.stringify(work) : null, inTx ? now : null],
        );
        const counters = [await bump(tx, run.id, batch.step, "transform", { done: 1, records: result.rows }, now)];
        if (embed) counters.push(await bump(tx, run.id, batch.step, "embed", { expected: 1 }, now));
        return { step: batch.step, embed, inTx, counters };
      });
    } catch (e) {
      await onBatchFailure(ctx, "transform", run, msg, delivery, e);
    }
    if (!outcome) {
      // Already transformed: make sure its embed message got out (the publish may be what failed before) and that
      // the step/run moved on (the process may have died between the commit and the settle).
      await publishPendingEmbed(ctx, run.id, msg.rawId, runRef(run, msg.step));
      await settle(ctx, run.id);
      return;
    }
    if (outcome.embed && !outcome.inTx) {
      await ctx.publisher.publish("embed", [batchMessage(runRef(run, outcome.step), msg.rawId)]);
      await markPublished(ctx, run.id, "embed_published_at", [msg.rawId]);
    }
    for (const c of outcome.counters) emitProgress(ctx, runRef(run, outcome.step), c);
    await settle(ctx, run.id);
  };
}

async function publishPendingEmbed(
  ctx: EngineContext,
  runId: number,
  rawId: number,
  ref: ReturnType<typeof runRef>,
) {
  const [pending] = await ctx.db.query<{ step: string }>(
    `SELECT step FROM etl_run_batches WHERE run_id = $1 AND raw_id = $2 AND transformed_at IS NOT NULL
     AND embed_work IS NOT NULL AND embed_published_at IS NULL AND embedded_at IS NULL`,
    [runId, rawId],
  );
  if (!pending) return;
  await ctx.publisher.publish("embed", [batchMessage({ ...ref, step: pending.step }, rawId)]);
  await markPublished(ctx, runId, "embed_published_at", [rawId]);
}
