// Public surface of the source HTTP layer.
export { type Clock, systemClock, VirtualClock } from "./clock.ts";
export {
  RateLimitedError,
  SourceAuthError,
  SourceError,
  type SourceErrorDetails,
  SourceRequestError,
  SourceResponseError,
  SourceUnavailableError,
} from "./errors.ts";
export { Pacer, type PacerOptions, type Reservation } from "./pacer.ts";
export {
  isRateLimitResponse,
  parseReset,
  parseRetryAfter,
  type RateLimitInfo,
  readRateLimitHeaders,
  retryNotBefore,
} from "./rate_limit_headers.ts";
export { bodyExcerpt, redactUrl, scrubSecrets } from "./redact.ts";
export {
  type QueryValue,
  type RequestEvent,
  SourceHttpClient,
  type SourceHttpClientOptions,
  type SourceRequest,
  type SourceResponse,
} from "./client.ts";
