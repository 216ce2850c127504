// A failed connection test in words an operator can act on: which kind of failure it was (credentials refused,
// missing permission, host not found, TLS, refused, timeout, not the expected product, server error, rate limited)
// and what to check. The raw error (already free of secrets: the HTTP client redacts URLs and excerpts) is kept as
// `detail` for whoever needs the exact text.
import {
  RateLimitedError,
  SourceAuthError,
  SourceBlockedError,
  SourceError,
  SourceRequestError,
  SourceResponseError,
  SourceUnavailableError,
} from "../../engine/http/errors.ts";

export type FailureKind =
  | "auth"
  | "permission"
  | "dns"
  | "tls"
  | "refused"
  | "timeout"
  | "wrong_product"
  | "server"
  | "rate_limited"
  | "blocked"
  | "config"
  | "unknown";

export interface ExplainedFailure {
  kind: FailureKind;
  /** One or two sentences: what happened and what to check. */
  message: string;
  /** The underlying error text. */
  detail: string;
}

function hostOf(baseUrl: string | null): string {
  try {
    return baseUrl ? new URL(baseUrl).host : "the server";
  } catch {
    return "the server";
  }
}

const TLS = /certificate|tls|ssl|handshake|UnknownIssuer|NotValidForName|Expired/i;
const DNS =
  /dns error|failed to lookup|name or service not known|no address associated|nodename nor servname|getaddrinfo|ENOTFOUND/i;
const REFUSED = /connection refused|ECONNREFUSED|os error 111/i;
const RESET = /connection reset|ECONNRESET|broken pipe|unexpected eof/i;
const BLOCKED = /private|loopback|link-local|not allowed|are blocked|refused to connect to|internal address/i;

/**
 * Explains an error thrown while testing a connection to `product` (e.g. "Jira") at `baseUrl`.
 * `timeoutMs` is the per-request timeout the test used (for the message).
 */
export function explainFailure(
  error: unknown,
  product: string,
  baseUrl: string | null,
  timeoutMs = 10_000,
): ExplainedFailure {
  // status and reason only: the body of whatever answered stays out of what a tenant reads back
  const detail = error instanceof SourceError ? error.bodiless : error instanceof Error ? error.message : String(error);
  const host = hostOf(baseUrl);
  const say = (kind: FailureKind, message: string): ExplainedFailure => ({ kind, message, detail });
  if (error instanceof SourceAuthError) {
    return error.status === 403
      ? say(
        "permission",
        `${product} accepted the sign-in but refused access (HTTP 403): the account lacks a permission this needs, ` +
          `or the site does not allow API tokens from here.`,
      )
      : say(
        "auth",
        `${product} refused the credentials (HTTP ${error.status ?? 401}): check the e-mail or user and the token, ` +
          `and that the token has not expired or been revoked.`,
      );
  }
  if (error instanceof SourceBlockedError) {
    return say("blocked", `Sluice does not connect to ${host}: ${error.summary}`);
  }
  if (error instanceof RateLimitedError) {
    return say(
      "rate_limited",
      `${product} is rate limiting these credentials right now (${error.reason}); try again later.`,
    );
  }
  if (error instanceof SourceResponseError) {
    return say(
      "wrong_product",
      `${host} answered, but not as ${product}'s API would (${
        /html/i.test(detail) ? "it sent a web page" : "the answer is not the expected JSON"
      }): check that the base URL is the ${product} address itself, without a path after it.`,
    );
  }
  if (error instanceof SourceRequestError) {
    if (error.status === 404 || error.status === 405 || error.status === 410) {
      return say(
        "wrong_product",
        `${host} has no ${product} API at this address (HTTP ${error.status}): check the base URL (and the API ` +
          `version in the advanced settings).`,
      );
    }
    if (error.status !== undefined && error.status >= 300 && error.status < 400) {
      return say(
        "wrong_product",
        `${host} redirects elsewhere (HTTP ${error.status}); use the address it redirects to as the base URL.`,
      );
    }
    return say("unknown", `${product} rejected the test request (HTTP ${error.status ?? "?"}).`);
  }
  if (error instanceof SourceUnavailableError || error instanceof SourceError || error instanceof TypeError) {
    const status = (error as SourceError).status;
    if (status !== undefined && status >= 500) {
      return say("server", `${product} at ${host} answered with a server error (HTTP ${status}); try again later.`);
    }
    if (/timed out/i.test(detail)) {
      return say(
        "timeout",
        `No answer from ${host} within ${Math.round(timeoutMs / 1000)} s: check the address, and any proxy or ` +
          `firewall between Sluice and ${product}.`,
      );
    }
    if (DNS.test(detail)) {
      return say("dns", `The host name ${host} could not be found (DNS): check the spelling of the base URL.`);
    }
    if (TLS.test(detail)) {
      return say(
        "tls",
        `The secure (TLS) connection to ${host} failed: its certificate is not trusted here (self-signed, expired ` +
          `or for another name).`,
      );
    }
    if (REFUSED.test(detail)) {
      return say("refused", `${host} refused the connection: nothing answers on that port, or a firewall blocks it.`);
    }
    if (RESET.test(detail)) return say("refused", `${host} closed the connection before answering.`);
    if (BLOCKED.test(detail)) {
      return say("blocked", `Sluice does not connect to ${host}: ${detail}`);
    }
    return say("unknown", `Could not reach ${product} at ${host}.`);
  }
  if (error instanceof Error && error.name.endsWith("ConfigError")) return say("config", error.message);
  return say("unknown", detail);
}

/**
 * The connection-test answer for a failure: source errors and configuration errors explained (`ok: false`),
 * anything else rethrown (a bug, not a failed connection).
 */
export function failedConnection(
  error: unknown,
  product: string,
  baseUrl: string | null,
  timeoutMs: number,
): { ok: false; kind: FailureKind; error: string; detail: string } {
  if (error instanceof SourceError || /ConfigError$/.test((error as Error)?.name ?? "")) {
    const { kind, message, detail } = explainFailure(error, product, baseUrl, timeoutMs);
    return { ok: false, kind, error: message, detail };
  }
  throw error;
}
