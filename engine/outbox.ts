// Getting messages out exactly when their data is committed. With the database queue they are inserted in the
// same transaction (no gap). With RabbitMQ they are published right after the commit; a crash in between leaves a
// batch row with published_at NULL, which resume/takeover re-publishes. Duplicates that this can create are
// harmless: every handler is effect-once (the batch marks) and every load is an upsert.
import type { Queryable } from "../db/port.ts";
import type { EngineContext } from "./context.ts";
import { batchMessage, type RunRef } from "./messages.ts";
import { errorText, type StageName } from "./queue/port.ts";
import { log } from "../lib/log.ts";

/** Collects one transaction's messages: published inside it when possible, otherwise by flush() after commit. */
export class TxOutbox {
  #pending: Array<[StageName, object[]]> = [];
  constructor(private ctx: EngineContext, private tx: Queryable) {}

  /** True when the messages were put inside the transaction. */
  async send(stage: StageName, messages: object[]): Promise<boolean> {
    if (messages.length === 0) return true;
    if (await this.ctx.publisher.inTx(this.tx, stage, messages)) return true;
    this.#pending.push([stage, messages]);
    return false;
  }

  /** After commit. */
  async flush(): Promise<void> {
    for (const [stage, messages] of this.#pending.splice(0)) await this.ctx.publisher.publish(stage, messages);
  }
}

/**
 * Runs fn in a transaction with an outbox and publishes the leftovers after the commit. A publish that fails
 * after the commit is logged, not thrown: the state change is committed and must be reported as done; the run's
 * missing message is re-published by the orchestrator's takeover once the run stops moving.
 */
export async function transact<T>(ctx: EngineContext, fn: (tx: Queryable, out: TxOutbox) => Promise<T>): Promise<T> {
  let outbox: TxOutbox | undefined;
  const result = await ctx.db.transaction(async (tx) => {
    outbox = new TxOutbox(ctx, tx);
    return await fn(tx, outbox);
  });
  try {
    await outbox!.flush();
  } catch (e) {
    log.warn("a message could not be published after its commit; the orchestrator re-publishes it", {
      error: errorText(e),
    });
  }
  return result;
}

export async function markPublished(
  ctx: EngineContext,
  runId: number,
  column: "published_at" | "embed_published_at",
  rawIds: number[],
) {
  if (rawIds.length === 0) return;
  await ctx.db.query(
    `UPDATE etl_run_batches SET ${column} = $3 WHERE run_id = $1 AND raw_id = ANY($2::bigint[]) AND ${column} IS NULL`,
    [runId, rawIds, ctx.now()],
  );
}

const REPUBLISH_CHUNK = 500;

/**
 * Publishes again the batches of a run that are not settled. `unpublished` covers the outbox gap only; `unsettled`
 * also covers messages that were published but lost (dead-lettered by a crash loop, purged), used when a run's
 * owner is gone and nothing has moved for a while.
 */
export async function republish(ctx: EngineContext, ref: Omit<RunRef, "step">, mode: "unpublished" | "unsettled") {
  const onlyNew = mode === "unpublished";
  const transform = await ctx.db.query<{ raw_id: number; step: string }>(
    `SELECT raw_id, step FROM etl_run_batches WHERE run_id = $1 AND transformed_at IS NULL
     ${onlyNew ? "AND published_at IS NULL" : ""} ORDER BY raw_id`,
    [ref.runId],
  );
  const embed = await ctx.db.query<{ raw_id: number; step: string }>(
    `SELECT raw_id, step FROM etl_run_batches WHERE run_id = $1 AND transformed_at IS NOT NULL
     AND embedded_at IS NULL AND embed_work IS NOT NULL ${onlyNew ? "AND embed_published_at IS NULL" : ""}
     ORDER BY raw_id`,
    [ref.runId],
  );
  await send(ctx, ref, "transform", "published_at", transform);
  await send(ctx, ref, "embed", "embed_published_at", embed);
  return { transform: transform.length, embed: embed.length };
}

async function send(
  ctx: EngineContext,
  ref: Omit<RunRef, "step">,
  stage: StageName,
  column: "published_at" | "embed_published_at",
  rows: Array<{ raw_id: number; step: string }>,
) {
  for (let i = 0; i < rows.length; i += REPUBLISH_CHUNK) {
    const part = rows.slice(i, i + REPUBLISH_CHUNK);
    await ctx.publisher.publish(stage, part.map((b) => batchMessage({ ...ref, step: b.step }, b.raw_id)));
    await markPublished(ctx, ref.runId, column, part.map((b) => b.raw_id));
  }
}
