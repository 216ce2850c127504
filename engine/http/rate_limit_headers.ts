// Reads the rate-limit headers of the providers Sluice talks to into one shape, so the pacer and the retry loop do
// not need to know which provider they are talking to:
// - Retry-After / Beta-Retry-After: delta seconds or an HTTP date (RFC 9110; Jira also sends it on some 503s).
// - X-RateLimit-Limit / -Remaining / -Reset: Jira sends Reset as ISO 8601 ("2026-03-02T10:15Z"), GitHub as epoch
//   seconds; GitHub adds x-ratelimit-resource (core, search, graphql …).
// - RateLimit-Limit / -Remaining / -Reset (IETF draft; Reset is delta seconds), RateLimit-Policy ("q=100;w=3600").
// - RateLimit-Reason / X-Beta-RateLimit-Reason (Jira: jira-burst-based, jira-quota-*), X-RateLimit-NearLimit.

export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** When the current budget window refills. */
  resetAt?: Date;
  /** When the server asked us to try again (Retry-After family). */
  retryAt?: Date;
  reason?: string;
  /** The server says less than ~20 % of the budget is left. */
  nearLimit?: boolean;
  /** GitHub's x-ratelimit-resource: budgets are per resource, not per endpoint. */
  resource?: string;
  windowSeconds?: number;
}

function int(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** Retry-After: delta-seconds or HTTP-date. Returns undefined for anything else (never NaN dates). */
export function parseRetryAfter(value: string | null, nowMs: number): Date | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return new Date(nowMs + Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? new Date(at) : undefined;
}

/**
 * A reset value: ISO 8601 timestamp (Jira), epoch seconds (GitHub, anything ≥ 1e9) or delta seconds (IETF draft).
 * Jira's form "yyyy-MM-ddTHH:mmZ" has no seconds, which Date.parse accepts.
 */
export function parseReset(value: string | null, nowMs: number): Date | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    return new Date(n >= 1e9 ? n * 1000 : nowMs + n * 1000);
  }
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? new Date(at) : undefined;
}

function first(headers: Headers, names: string[]): string | null {
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) return value;
  }
  return null;
}

export function readRateLimitHeaders(headers: Headers, nowMs: number): RateLimitInfo {
  const info: RateLimitInfo = {};
  info.limit = int(first(headers, ["x-ratelimit-limit", "ratelimit-limit"]));
  info.remaining = int(first(headers, ["x-ratelimit-remaining", "ratelimit-remaining"]));
  info.resetAt = parseReset(first(headers, ["x-ratelimit-reset", "ratelimit-reset"]), nowMs);
  // Retry-After is authoritative; the beta quota header applies when only it is present.
  info.retryAt = parseRetryAfter(headers.get("retry-after"), nowMs) ??
    parseRetryAfter(headers.get("beta-retry-after"), nowMs);
  const reason = first(headers, ["ratelimit-reason", "x-ratelimit-reason", "x-beta-ratelimit-reason"]);
  if (reason) info.reason = reason.trim();
  const near = first(headers, ["x-ratelimit-nearlimit", "x-beta-ratelimit-nearlimit"]);
  if (near !== null) info.nearLimit = near.trim().toLowerCase() === "true";
  const resource = headers.get("x-ratelimit-resource");
  if (resource) info.resource = resource.trim();
  const policy = first(headers, ["ratelimit-policy", "beta-ratelimit-policy"]);
  const window = policy?.match(/w=(\d+)/);
  if (window) info.windowSeconds = Number(window[1]);
  for (const key of Object.keys(info) as (keyof RateLimitInfo)[]) {
    if (info[key] === undefined) delete info[key];
  }
  return info;
}

/**
 * Whether a response is the server refusing for budget reasons. 429 always is; GitHub signals primary and
 * secondary limits with 403 plus `x-ratelimit-remaining: 0` or a Retry-After, which must not be read as "forbidden".
 */
export function isRateLimitResponse(status: number, info: RateLimitInfo): boolean {
  if (status === 429) return true;
  if (status === 403) return info.remaining === 0 || info.retryAt !== undefined;
  return false;
}

/** The earliest moment the server allows another attempt, if it told us. */
export function retryNotBefore(info: RateLimitInfo): Date | undefined {
  if (info.retryAt) return info.retryAt;
  if (info.remaining === 0 && info.resetAt) return info.resetAt;
  return undefined;
}
