// The extract lease of a run: (extract_seq, checkpoint_rev). A message owns the step while its seq is current;
// every commit compares-and-sets the revision, so a duplicate delivery of the same message loses at its first page.
import type { EngineContext } from "../context.ts";
import { LeaseLostError } from "../errors.ts";
import { settle } from "../lifecycle.ts";
import { extractMessage } from "../messages.ts";
import { transact } from "../outbox.ts";
import { runRef, type RunRow } from "../runs.ts";
import { foldRequests } from "../request_journal.ts";

/** The seq of the message being handled and the checkpoint revision committed last. */
export interface Lease {
  seq: number;
  rev: number;
}

/** Hands the rest of the step to a new message; the bumped seq makes this delivery (if redelivered) stale. */
export async function continueStep(ctx: EngineContext, run: RunRow, lease: Lease) {
  await transact(ctx, async (tx, out) => {
    const [row] = await tx.query<{ extract_seq: number }>(
      `UPDATE etl_runs SET extract_seq = extract_seq + 1, heartbeat_at = $4
       WHERE id = $1 AND status = 'RUNNING' AND extract_seq = $2 AND checkpoint_rev = $3 RETURNING extract_seq`,
      [run.id, lease.seq, lease.rev, ctx.now()],
    );
    if (!row) throw new LeaseLostError(`continuation refused at seq ${lease.seq} rev ${lease.rev}`);
    await out.send("extract", [extractMessage(runRef(run), row.extract_seq)]);
  });
}

/** The step's source is exhausted: mark it extracted (the last step also ends extraction) and try to advance. */
export async function endStep(ctx: EngineContext, run: RunRow, lease: Lease) {
  const [row] = await ctx.db.query(
    `UPDATE etl_runs SET step_extracted = true,
       extraction_finished = (current_step = step_keys[array_length(step_keys, 1)]),
       extract_seq = extract_seq + 1, ${foldRequests()}, heartbeat_at = $4
     WHERE id = $1 AND status = 'RUNNING' AND extract_seq = $2 AND checkpoint_rev = $3 RETURNING id`,
    [run.id, lease.seq, lease.rev, ctx.now()],
  );
  if (!row) throw new LeaseLostError(`end of step refused at seq ${lease.seq} rev ${lease.rev}`);
  await settle(ctx, run.id);
}
