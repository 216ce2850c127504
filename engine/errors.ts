// Typed refusals of engine commands. The Jobs API maps `code` to an HTTP status (409 for state conflicts, 404 for
// missing rows); the message is written for an operator and never contains credentials.

export type EngineErrorCode =
  | "job_not_found"
  | "integration_not_found"
  | "job_running"
  | "job_inactive"
  | "integration_inactive"
  | "connector_missing";

export class EngineError extends Error {
  override name = "EngineError";
  constructor(readonly code: EngineErrorCode, message: string) {
    super(message);
  }
}

/** Internal: a page commit found that another extract message now owns the step (stale or duplicate message). */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
}
