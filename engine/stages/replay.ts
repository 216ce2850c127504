// The "extraction" of a re-transform run: instead of calling the source it walks the raw rows already stored for
// the integration's current step in id order (checkpoint = last raw id handed out), and hands them to transform
// exactly like freshly extracted pages. Same lease, counters and outbox as a real extract chunk.
import type { EngineContext } from "../context.ts";
import { bump, emitProgress } from "../counters.ts";
import { LeaseLostError } from "../errors.ts";
import { batchMessage } from "../messages.ts";
import { markPublished } from "../outbox.ts";
import { runRef, type RunRow } from "../runs.ts";
import { continueStep, endStep, type Lease } from "./lease.ts";

export async function replayChunk(ctx: EngineContext, run: RunRow, lease: Lease) {
  const step = run.current_step!;
  const after = (run.checkpoint as { afterRawId?: number } | null)?.afterRawId ?? 0;
  const limit = ctx.opts.replayChunk;
  const rows = await ctx.db.query<{ id: number; record_count: number }>(
    `SELECT id, record_count FROM raw_extraction_data
     WHERE tenant_id = $1 AND integration_id = $2 AND step = $3 AND id > $4 ORDER BY id LIMIT $5`,
    [run.tenant_id, run.integration_id, step, after, limit],
  );
  if (rows.length === 0) return await endStep(ctx, run, lease);
  const ref = runRef(run, step);
  const ids = rows.map((r) => r.id);
  const records = rows.reduce((n, r) => n + r.record_count, 0);
  const committed = await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const [ok] = await tx.query(
      `UPDATE etl_runs SET checkpoint = $4::jsonb, checkpoint_rev = checkpoint_rev + 1, heartbeat_at = $5, owner = $6
       WHERE id = $1 AND status = 'RUNNING' AND extract_seq = $2 AND checkpoint_rev = $3 RETURNING id`,
      [run.id, lease.seq, lease.rev, { afterRawId: ids[ids.length - 1] }, now, ctx.owner],
    );
    if (!ok) throw new LeaseLostError(`replay commit refused at seq ${lease.seq} rev ${lease.rev}`);
    const inTx = await ctx.publisher.inTx(tx, "transform", ids.map((id) => batchMessage(ref, id)));
    await tx.query(
      `INSERT INTO etl_run_batches (run_id, raw_id, tenant_id, step, record_count, published_at, created_at)
       SELECT $1, r.id, $2, $3, r.record_count, $4, $5 FROM raw_extraction_data r WHERE r.id = ANY($6::bigint[])`,
      [run.id, run.tenant_id, step, inTx ? now : null, now, ids],
    );
    const counters = [
      await bump(tx, run.id, step, "extract", { expected: ids.length, done: ids.length, records }, now),
      await bump(tx, run.id, step, "transform", { expected: ids.length }, now),
    ];
    return { inTx, counters };
  });
  lease.rev++;
  if (!committed.inTx) {
    await ctx.publisher.publish("transform", ids.map((id) => batchMessage(ref, id)));
    await markPublished(ctx, run.id, "published_at", ids);
  }
  for (const c of committed.counters) emitProgress(ctx, ref, c);
  if (rows.length < limit) await endStep(ctx, run, lease);
  else await continueStep(ctx, run, lease);
}
