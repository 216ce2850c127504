// What happens when a transform or embed batch throws: the error is reported, the queue redelivers, and the
// delivery that uses up the queue's last attempt fails the run (error + failing batch and record ids) before the
// queue moves the message to its dead-letter store.
import { RecordLoadError } from "../connector.ts";
import type { EngineContext } from "../context.ts";
import { failRun } from "../lifecycle.ts";
import type { BatchMessage } from "../messages.ts";
import { type Delivery, errorText, type StageName } from "../queue/port.ts";
import type { RunRow } from "../runs.ts";
import { isInfrastructureError } from "../../lib/infra_errors.ts";

export async function onBatchFailure(
  ctx: EngineContext,
  stage: StageName,
  run: RunRow,
  msg: BatchMessage,
  delivery: Delivery,
  error: unknown,
): Promise<never> {
  // the database or broker is down: the queue runner waits it out; nothing about this batch failed
  if (isInfrastructureError(error)) throw error;
  const final = delivery.attempt >= ctx.queue.maxAttempts;
  const text = errorText(error);
  ctx.events.emit({
    type: "stage.error",
    tenantId: run.tenant_id,
    jobId: run.job_id,
    runId: run.id,
    at: ctx.now().toISOString(),
    step: msg.step,
    stage,
    error: text,
    attempt: delivery.attempt,
    willRetry: !final,
  });
  if (final) {
    await failRun(ctx, run.id, `${stage} of step ${msg.step} failed after ${delivery.attempt} attempts: ${text}`, {
      stage,
      step: msg.step,
      rawId: msg.rawId,
      messageId: delivery.id,
      attempts: delivery.attempt,
      recordIds: error instanceof RecordLoadError ? error.recordIds : [],
      error: text,
    });
  }
  throw error;
}
