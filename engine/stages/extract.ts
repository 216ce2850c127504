// Extract stage. One message = one bounded chunk of the run's current step (≤ chunkPages pages or ≤ chunkMs), then
// a continuation message carries on, so no delivery is held long (RabbitMQ's consumer timeout) and a crash loses at
// most the page in flight. Each page commits in ONE transaction: raw row, batch row, counters, checkpoint (compare-
// and-set on the run's extract lease), requests_made (from the request journal), and — with the database queue —
// its transform message.
import type { Handler } from "../queue/port.ts";
import { errorText } from "../queue/port.ts";
import type { ExtractedPage } from "../connector.ts";
import type { EngineContext } from "../context.ts";
import { bump, emitProgress } from "../counters.ts";
import { LeaseLostError } from "../errors.ts";
import { failRun, parkRun, settle } from "../lifecycle.ts";
import { batchMessage, parseExtract } from "../messages.ts";
import { markPublished, republish } from "../outbox.ts";
import { fence, loadIntegration, runInfo, runRef, type RunRow } from "../runs.ts";
import { RateLimitedError, SourceAuthError, SourceBlockedError, SourceRequestError } from "../http/errors.ts";
import { log } from "../../lib/log.ts";
import { replayChunk } from "./replay.ts";
import { continueStep, endStep, type Lease } from "./lease.ts";
import { isInfrastructureError } from "../../lib/infra_errors.ts";
import { foldRequests, recordRequestSent } from "../request_journal.ts";

export function extractHandler(ctx: EngineContext, stopping: AbortSignal): Handler {
  return async (delivery) => {
    const msg = parseExtract(delivery.body);
    const run = await fence(ctx, "extract", msg);
    if (!run) return;
    if (run.extract_seq !== msg.seq || run.current_step !== msg.step) {
      ctx.dropped.extract++;
      log.info("dropped a stale extract message", { runId: run.id, seq: msg.seq, current: run.extract_seq });
      return;
    }
    if (run.step_extracted) return await settle(ctx, run.id);
    // Batches a crashed predecessor committed but never published (RabbitMQ outbox gap).
    if (!ctx.publisher.transactional) await republish(ctx, runRef(run), "unpublished");
    const lease = { seq: msg.seq, rev: run.checkpoint_rev };
    try {
      if (run.trigger === "retransform") await replayChunk(ctx, run, lease);
      else await extractChunk(ctx, run, lease, stopping);
    } catch (e) {
      if (e instanceof LeaseLostError) {
        log.info("extract lease moved on; chunk dropped", { runId: run.id, seq: msg.seq, reason: e.message });
        return;
      }
      // the database or broker is down: the queue runner waits it out without using an attempt
      if (isInfrastructureError(e)) throw e;
      // Credentials, a malformed request or a refused address will not get better by retrying.
      const hopeless = e instanceof SourceAuthError || e instanceof SourceRequestError ||
        e instanceof SourceBlockedError;
      const final = hopeless || delivery.attempt >= ctx.queue.maxAttempts;
      const text = errorText(e);
      ctx.events.emit({
        type: "stage.error",
        tenantId: run.tenant_id,
        jobId: run.job_id,
        runId: run.id,
        at: ctx.now().toISOString(),
        step: msg.step,
        stage: "extract",
        error: text,
        attempt: delivery.attempt,
        willRetry: !final,
      });
      if (final) {
        await failRun(ctx, run.id, `extract of step ${msg.step} failed: ${text}`, {
          stage: "extract",
          step: msg.step,
          attempts: delivery.attempt,
          checkpoint: run.checkpoint ?? null,
          error: text,
        });
        if (hopeless) return;
      }
      throw e;
    }
  };
}

/** Pulls and commits pages of the run's current step until the chunk's bounds. */
async function extractChunk(ctx: EngineContext, run: RunRow, lease: Lease, stopping: AbortSignal) {
  const connector = ctx.connectors.require(run.job_type);
  const integration = await loadIntegration(ctx, run.tenant_id, run.integration_id, true);
  const step = run.current_step!;
  // Chunk bounds use real time: the engine clock may be a test clock that does not move.
  const started = Date.now();
  const pages = connector.extract(step, {
    run: runInfo(run),
    integration,
    db: ctx.db,
    checkpoint: run.checkpoint ?? null,
    signal: stopping,
    // journaled before the socket write, so a crash after sending cannot lose the request (request_journal.ts)
    beforeRequest: () => recordRequestSent(ctx.db, run.id),
    addressGuard: ctx.addressGuard,
  });
  let count = 0;
  let more = false;
  // RabbitMQ publishes (after each commit) overlap with fetching the next page; the outbox covers a crash.
  const publishing: Promise<void>[] = [];
  const published = async () => {
    const failed = (await Promise.allSettled(publishing)).find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  };
  try {
    for await (const page of pages) {
      const after = await commitPage(ctx, run, lease, page);
      if (after) publishing.push(after);
      count++;
      if (count >= ctx.opts.chunkPages || Date.now() - started >= ctx.opts.chunkMs || stopping.aborted) {
        more = true;
        break;
      }
    }
  } catch (e) {
    await Promise.allSettled(publishing);
    if (e instanceof RateLimitedError) {
      await parkRun(ctx, run, lease.seq, e.resumeAt, e.reason);
      return;
    }
    // Stopping workers aborts the source request in flight; the step simply continues elsewhere.
    if (stopping.aborted && !(e instanceof LeaseLostError)) more = true;
    else throw e;
  }
  await published();
  if (more) await continueStep(ctx, run, lease);
  else await endStep(ctx, run, lease);
}

/** A connector's record estimate when it is a usable count (anything else is ignored, never stored). */
function validEstimate(n: unknown): number | undefined {
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
}

/** Commits one page; returns the pending after-commit publish when the queue cannot publish in the transaction. */
async function commitPage(
  ctx: EngineContext,
  run: RunRow,
  lease: Lease,
  page: ExtractedPage,
): Promise<Promise<void> | undefined> {
  const step = run.current_step!;
  const records = Array.isArray(page.records) ? page.records : [];
  const committed = await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const [ok] = await tx.query(
      `UPDATE etl_runs SET checkpoint = $4::jsonb, checkpoint_rev = checkpoint_rev + 1,
         ${foldRequests()}, heartbeat_at = $5, owner = $6
       WHERE id = $1 AND status = 'RUNNING' AND extract_seq = $2 AND checkpoint_rev = $3 RETURNING id`,
      [run.id, lease.seq, lease.rev, JSON.stringify(page.checkpoint ?? null), now, ctx.owner],
    );
    if (!ok) throw new LeaseLostError(`page commit refused at seq ${lease.seq} rev ${lease.rev}`);
    const [raw] = await tx.query<{ id: number }>(
      `INSERT INTO raw_extraction_data (tenant_id, integration_id, run_id, step, kind, external_id, record_count,
         payload, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) RETURNING id`,
      [
        run.tenant_id,
        run.integration_id,
        run.id,
        step,
        page.kind,
        page.externalId ?? null,
        records.length,
        JSON.stringify(records),
        now,
      ],
    );
    const inTx = await ctx.publisher.inTx(tx, "transform", [batchMessage(runRef(run, step), raw.id)]);
    await tx.query(
      `INSERT INTO etl_run_batches (run_id, raw_id, tenant_id, step, record_count, published_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [run.id, raw.id, run.tenant_id, step, records.length, inTx ? now : null, now],
    );
    const counters = [
      await bump(tx, run.id, step, "extract", {
        expected: 1,
        done: 1,
        records: records.length,
        expectedRecords: validEstimate(page.expectedRecords),
      }, now),
      await bump(tx, run.id, step, "transform", { expected: 1 }, now),
    ];
    return { rawId: raw.id, inTx, counters };
  });
  lease.rev++;
  for (const c of committed.counters) emitProgress(ctx, runRef(run, step), c);
  if (committed.inTx) return undefined;
  return (async () => {
    await ctx.publisher.publish("transform", [batchMessage(runRef(run, step), committed.rawId)]);
    await markPublished(ctx, run.id, "published_at", [committed.rawId]);
  })();
}
