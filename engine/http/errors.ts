// Errors raised by the source HTTP layer. Every one names the method, a credential-free URL and (when the server
// answered) the status and a short body excerpt, so an operator can tell what failed without anyone ever printing a
// token. The engine branches on the class: auth → stop and ask for new credentials, rate limited → park the run until
// `resumeAt`, response/request/unavailable → fail the step (retries already happened here).

export interface SourceErrorDetails {
  method: string;
  /** Already redacted (no user info, no secret query parameters). */
  url: string;
  status?: number;
  /** ≤ 300 characters of the response body, already scrubbed of known secrets. */
  excerpt?: string;
  /** HTTP requests made for this logical request, retries included. */
  attempts: number;
  cause?: unknown;
}

export abstract class SourceError extends Error {
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly excerpt?: string;
  readonly attempts: number;
  /** What went wrong, without the body excerpt. */
  readonly summary: string;

  constructor(summary: string, details: SourceErrorDetails) {
    const status = details.status === undefined ? "" : ` → ${details.status}`;
    const tries = details.attempts > 1 ? ` after ${details.attempts} attempts` : "";
    const body = details.excerpt ? `: ${details.excerpt}` : "";
    super(`${details.method} ${details.url}${status}${tries}: ${summary}${body}`, { cause: details.cause });
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    this.excerpt = details.excerpt;
    this.attempts = details.attempts;
    this.summary = summary;
  }

  /**
   * The message without what the server said: for answers shown to a tenant (a connection test), where the server
   * may not be the source at all and its body must not be read back.
   */
  get bodiless(): string {
    const status = this.status === undefined ? "" : ` → ${this.status}`;
    const tries = this.attempts > 1 ? ` after ${this.attempts} attempts` : "";
    return `${this.method} ${this.url}${status}${tries}: ${this.summary}`;
  }
}

/** 401/403 (that is not a rate limit): the credentials are wrong, expired or lack permission. Never retried. */
export class SourceAuthError extends SourceError {
  override readonly name = "SourceAuthError";
}

/** The server answered, but the body is not what the contract promises (malformed/truncated JSON, an HTML page). */
export class SourceResponseError extends SourceError {
  override readonly name = "SourceResponseError";
}

/** A 4xx other than auth and rate limiting (400, 404, 405, 410 …): the request itself is wrong. Never retried. */
export class SourceRequestError extends SourceError {
  override readonly name = "SourceRequestError";
}

/** 5xx, timeouts or network errors that persisted through every allowed attempt. */
export class SourceUnavailableError extends SourceError {
  override readonly name = "SourceUnavailableError";
}

/**
 * The source's budget is exhausted for longer than the caller is willing to sleep. The engine parks the run as
 * RATE_LIMITED and resumes it at `resumeAt` from its last checkpoint instead of holding a worker asleep.
 */
export class RateLimitedError extends SourceError {
  override readonly name = "RateLimitedError";
  readonly resumeAt: Date;
  readonly reason: string;

  constructor(details: SourceErrorDetails & { resumeAt: Date; reason: string }) {
    super(`rate limited (${details.reason}); resume at ${details.resumeAt.toISOString()}`, details);
    this.resumeAt = details.resumeAt;
    this.reason = details.reason;
  }
}

/**
 * The source's address is not public and the instance does not allow it (address_guard.ts). Never retried and never
 * sent: no connection was made, so there is no status and no body to show.
 */
export class SourceBlockedError extends SourceError {
  override readonly name = "SourceBlockedError";
}
