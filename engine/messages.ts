// Stage messages. Each is a batch descriptor (claim check): ids only, the payload stays in raw_extraction_data.
// Every message names its run by id AND token, so a message of an older run of the same job is recognised.

export interface RunRef {
  runId: number;
  token: string;
  tenantId: number;
  jobId: number;
  step: string;
}

/** Extract (a chunk of) the run's current step; `seq` must match etl_runs.extract_seq or the message is stale. */
export interface ExtractMessage extends RunRef {
  seq: number;
}

/** Transform (or embed) one batch: raw_extraction_data.id. */
export interface BatchMessage extends RunRef {
  rawId: number;
}

export class MessageShapeError extends Error {
  override name = "MessageShapeError";
}

function int(body: Record<string, unknown>, field: string): number {
  const v = body[field];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw new MessageShapeError(`message field ${field} must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function str(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (typeof v !== "string" || v.length === 0 || v.length > 200) {
    throw new MessageShapeError(`message field ${field} must be a non-empty string, got ${JSON.stringify(v)}`);
  }
  return v;
}

function runRef(body: Record<string, unknown>): RunRef {
  return {
    runId: int(body, "runId"),
    token: str(body, "token"),
    tenantId: int(body, "tenantId"),
    jobId: int(body, "jobId"),
    step: str(body, "step"),
  };
}

export function parseExtract(body: Record<string, unknown>): ExtractMessage {
  return { ...runRef(body), seq: int(body, "seq") };
}

export function parseBatch(body: Record<string, unknown>): BatchMessage {
  return { ...runRef(body), rawId: int(body, "rawId") };
}

export function batchMessage(ref: RunRef, rawId: number): BatchMessage {
  return { runId: ref.runId, token: ref.token, tenantId: ref.tenantId, jobId: ref.jobId, step: ref.step, rawId };
}

export function extractMessage(ref: RunRef, seq: number): ExtractMessage {
  return { runId: ref.runId, token: ref.token, tenantId: ref.tenantId, jobId: ref.jobId, step: ref.step, seq };
}
