// The one way Sluice talks to a source API. Every request is paced, time-boxed, retried when the failure is
// transient, and turned into a typed error when it is not — a connector never sees a silently empty page.
//
// Retry policy (bounded, see SourceHttpClientOptions):
// - network errors, timeouts, 5xx → exponential backoff with full jitter, at most `maxAttempts` requests;
// - 429 (and GitHub's 403 + remaining 0) and 503 with Retry-After → wait exactly as long as the server asks (plus a
//   little jitter); waits longer than `maxWaitMs` raise RateLimitedError so the engine can park the run;
// - 401/403 → SourceAuthError, other 4xx → SourceRequestError, never retried;
// - a 2xx body that is not the JSON promised (truncated, HTML login page) → SourceResponseError, never skipped.
import { type Clock, systemClock } from "./clock.ts";
import { defaultAddressGuard, type SourceAddressGuard } from "./address_guard.ts";
import {
  RateLimitedError,
  SourceAuthError,
  SourceBlockedError,
  SourceRequestError,
  SourceResponseError,
  SourceUnavailableError,
} from "./errors.ts";
import { Pacer, type PacerOptions } from "./pacer.ts";
import { isRateLimitResponse, type RateLimitInfo, readRateLimitHeaders, retryNotBefore } from "./rate_limit_headers.ts";
import { bodyExcerpt, redactUrl } from "./redact.ts";
import { reportSourceRequest } from "./observer.ts";

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];

export interface SourceRequest {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  /** Path below the base URL ("/rest/api/3/myself"). */
  path: string;
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded instead of a JSON body (OAuth token endpoints). */
  form?: Record<string, string>;
  /** Label for pacing and metrics; defaults to the method and path with numeric segments collapsed. */
  endpoint?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * A 5xx answer that is this API's definite refusal of the request rather than a transient fault (Jira Data
   * Center's 500 "search limit exceeded"): failed at once instead of being sent again up to maxAttempts times.
   */
  refusal?: (status: number, text: string) => boolean;
  /**
   * Awaited before each attempt of this request, after the client's own beforeSend: a client shared by several runs
   * (a token endpoint) counts each request in the run that caused it.
   */
  beforeSend?: () => Promise<void>;
}

export interface SourceResponse<T> {
  status: number;
  headers: Headers;
  body: T;
  attempts: number;
  rateLimit: RateLimitInfo;
}

export interface RequestEvent {
  method: string;
  /** Redacted. */
  url: string;
  endpoint: string;
  attempt: number;
  status?: number;
  durationMs: number;
  outcome: "ok" | "retry" | "throttled" | "failed";
  error?: string;
}

export interface SourceHttpClientOptions {
  baseUrl: string;
  /** Integration provider ("jira", "github", …), the label of this client's requests in metrics. */
  provider?: string;
  /** Returns the Authorization header value; called per request so rotated tokens are picked up. */
  authorization?: () => string | undefined | Promise<string | undefined>;
  /** Literal secrets to scrub from error excerpts (the token, its Basic form). */
  secrets?: () => readonly string[];
  headers?: Record<string, string>;
  /** Per-request timeout including the body read (default 30 s). */
  timeoutMs?: number;
  /** Requests per logical call for 5xx / timeouts / network errors (default 5). */
  maxAttempts?: number;
  /** Rate-limit refusals tolerated per logical call before parking the run (default 8). */
  maxRateLimitRetries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Longest wait the client sleeps through; beyond it RateLimitedError is thrown (default 60 s). */
  maxWaitMs?: number;
  /** Pacing; `false` disables it (tests of raw retry behaviour). */
  pacer?: PacerOptions | Pacer | false;
  clock?: Clock;
  random?: () => number;
  fetch?: typeof fetch;
  /**
   * Which addresses requests may reach (address_guard.ts). Default: public addresses only — a tenant's base URL
   * must not reach the instance's own network unless the operator allows it.
   */
  addressGuard?: SourceAddressGuard;
  onRequest?: (event: RequestEvent) => void;
  /**
   * Awaited right before each request (retries included) is written, after pacing and authorization: the engine
   * journals the request here so a crash while it is in flight cannot lose its count. A failure here (the database
   * is down) is not a transport error: it propagates as is and the request is not sent.
   */
  beforeSend?: () => Promise<void>;
}

/** Carries a beforeSend failure past the transport-error handling (which would retry it as a network error). */
class BeforeSendFailure extends Error {
  constructor(override readonly cause: unknown) {
    super("beforeSend failed", { cause });
  }
}

const MAX_REDIRECTS = 5;

export class SourceHttpClient {
  readonly baseUrl: URL;
  private readonly options: SourceHttpClientOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly pacer: Pacer | undefined;
  private made = 0;

  constructor(options: SourceHttpClientOptions) {
    this.options = options;
    this.baseUrl = new URL(options.baseUrl);
    if (this.baseUrl.username || this.baseUrl.password) {
      throw new Error("base URL must not carry credentials; pass them through `authorization`");
    }
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.pacer = options.pacer === false
      ? undefined
      : options.pacer instanceof Pacer
      ? options.pacer
      : new Pacer(options.pacer ?? {}, this.clock.now());
  }

  /** HTTP requests sent so far, retries included (feeds etl_runs.requests_made). */
  get requestsMade(): number {
    return this.made;
  }

  get currentRatePerSecond(): number | undefined {
    return this.pacer?.currentRatePerSecond;
  }

  getJson<T>(path: string, query?: Record<string, QueryValue>, extra: Partial<SourceRequest> = {}) {
    return this.request<T>({ ...extra, method: "GET", path, query });
  }

  postJson<T>(path: string, body: unknown, extra: Partial<SourceRequest> = {}) {
    return this.request<T>({ ...extra, method: "POST", path, body });
  }

  buildUrl(path: string, query?: Record<string, QueryValue>): URL {
    const url = new URL(this.baseUrl.href);
    url.pathname = url.pathname.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) { for (const v of value) url.searchParams.append(name, String(v)); }
      else url.searchParams.set(name, String(value));
    }
    return url;
  }

  async request<T>(req: SourceRequest): Promise<SourceResponse<T>> {
    const method = req.method ?? "GET";
    let url = this.buildUrl(req.path, req.query);
    const endpoint = req.endpoint ?? `${method} ${req.path.replace(/\/\d+(?=\/|$)/g, "/{id}")}`;
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? 5);
    const maxRateLimitRetries = this.options.maxRateLimitRetries ?? 8;
    const maxWaitMs = this.options.maxWaitMs ?? 60_000;
    let attempts = 0; // requests sent for this call
    let failures = 0; // transient failures (5xx, network, timeout) counted against maxAttempts
    let refusals = 0; // rate-limit refusals
    let redirects = 0;
    const details = (extra: { status?: number; excerpt?: string; cause?: unknown } = {}) => ({
      method,
      url: redactUrl(url),
      attempts,
      ...extra,
    });

    while (true) {
      await this.waitForTurn(endpoint, maxWaitMs, details, req.signal);
      attempts++;
      this.made++;
      const started = this.clock.now();
      const emit = (outcome: RequestEvent["outcome"], status?: number, error?: string, rateLimited = false) => {
        const durationMs = this.clock.now() - started;
        const provider = this.options.provider ?? "unknown";
        reportSourceRequest({ provider, endpoint, status, outcome, rateLimited, durationMs });
        this.options.onRequest?.({
          method,
          url: redactUrl(url),
          endpoint,
          attempt: attempts,
          status,
          durationMs,
          outcome,
          error,
        });
      };

      let response: Response;
      let text: string;
      try {
        ({ response, text } = await this.send(method, url, req));
      } catch (error) {
        if (error instanceof BeforeSendFailure) throw error.cause;
        if (req.signal?.aborted) throw req.signal.reason;
        const refused = this.guard.refusal(error, url.hostname);
        if (refused) {
          emit("failed", undefined, "address refused");
          throw new SourceBlockedError(refused.message, details());
        }
        failures++;
        // The raw error is not attached: transport messages embed the full URL, query secrets included.
        const what = describeTransportError(error, this.secrets());
        if (failures >= maxAttempts) {
          emit("failed", undefined, what);
          throw new SourceUnavailableError(what, details());
        }
        emit("retry", undefined, what);
        await this.clock.sleep(this.backoff(failures), req.signal);
        continue;
      }

      const status = response.status;
      const now = this.clock.now();
      const info = readRateLimitHeaders(response.headers, now);
      this.pacer?.observe(endpoint, info, now);
      const excerpt = () => bodyExcerpt(text, this.secrets());

      if (isRateLimitResponse(status, info) || (status === 503 && info.retryAt)) {
        if (status === 503) failures++;
        else refusals++;
        const until = this.throttleUntil(info, refusals + failures);
        this.pacer?.throttled(endpoint, until, info, now);
        const reason = info.reason ?? (status === 503 ? "service unavailable" : "rate limited");
        const exhausted = refusals > maxRateLimitRetries || failures >= maxAttempts;
        if (until - now > maxWaitMs || exhausted) {
          emit("failed", status, reason, status !== 503);
          throw new RateLimitedError({ ...details({ status, excerpt: excerpt() }), resumeAt: new Date(until), reason });
        }
        emit("throttled", status, reason, status !== 503);
        if (!this.pacer) await this.clock.sleep(until - now, req.signal);
        continue;
      }
      if (status === 401 || status === 403) {
        emit("failed", status);
        throw new SourceAuthError(
          status === 401 ? "authentication failed (check the credentials)" : "permission denied",
          details({ status, excerpt: excerpt() }),
        );
      }
      if (status >= 500) {
        failures++;
        if (failures >= maxAttempts || req.refusal?.(status, text)) {
          emit("failed", status);
          throw new SourceUnavailableError("server error", details({ status, excerpt: excerpt() }));
        }
        emit("retry", status);
        await this.clock.sleep(this.backoff(failures), req.signal);
        continue;
      }
      if (status >= 300 && status < 400) {
        const next = this.sameOriginRedirect(response, url);
        if (next && redirects < MAX_REDIRECTS) {
          redirects++;
          url = next;
          emit("retry", status, "redirect");
          continue;
        }
        emit("failed", status);
        throw new SourceRequestError("redirect not followed (cross-origin or too many)", details({ status }));
      }
      if (status >= 400) {
        emit("failed", status);
        throw new SourceRequestError("request rejected", details({ status, excerpt: excerpt() }));
      }
      const body = parseJsonBody<T>(response, text, () => details({ status, excerpt: excerpt() }));
      emit("ok", status);
      return { status, headers: response.headers, body, attempts, rateLimit: info };
    }
  }

  private async waitForTurn(
    endpoint: string,
    maxWaitMs: number,
    details: () => { method: string; url: string; attempts: number },
    signal?: AbortSignal,
  ) {
    if (!this.pacer) return;
    const now = this.clock.now();
    const { waitMs, reason } = this.pacer.reserve(endpoint, now);
    if (waitMs > maxWaitMs) {
      this.pacer.release();
      throw new RateLimitedError({ ...details(), resumeAt: new Date(now + waitMs), reason: reason ?? "pacing" });
    }
    if (waitMs > 0) await this.clock.sleep(waitMs, signal);
  }

  private async send(method: string, url: URL, req: SourceRequest): Promise<{ response: Response; text: string }> {
    const headers = new Headers({ accept: "application/json", ...this.options.headers });
    const authorization = await this.options.authorization?.();
    if (authorization) headers.set("authorization", authorization);
    let body: string | undefined;
    if (req.form !== undefined) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(req.form).toString();
    } else if (req.body !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(req.body);
    }
    const fetchFn = this.options.fetch ?? fetch;
    for (const hook of [this.options.beforeSend, req.beforeSend]) {
      if (hook) await hook().catch((e) => Promise.reject(new BeforeSendFailure(e)));
    }
    const timeout = requestTimeout(req.timeoutMs ?? this.options.timeoutMs ?? 30_000);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
    try {
      const response = await this.guard.fetch(url, { method, headers, body, signal }, fetchFn);
      // The timeout covers the body too: a server that stalls mid-body is as broken as one that never answers.
      const text = await response.text();
      return { response, text };
    } finally {
      timeout.clear();
    }
  }

  /** When the server allows the next attempt: its own instruction, else backoff (≥ 1 s for refusals). */
  private throttleUntil(info: RateLimitInfo, hits: number): number {
    const now = this.clock.now();
    const asked = retryNotBefore(info)?.getTime();
    // No instruction, or a reset already past (Jira's reset has minute precision): back off ≥ 1 s on our own.
    if (asked === undefined || asked <= now) return now + Math.max(1000, this.backoff(hits));
    // Jitter so that many clients told the same instant do not return together.
    const wait = Math.max(0, asked - now);
    return now + wait + Math.floor(this.random() * Math.min(1000, wait * 0.1));
  }

  /** Full jitter: uniform in [0, min(cap, base · 2^(n−1))]. */
  private backoff(failure: number): number {
    const base = this.options.backoffBaseMs ?? 500;
    const cap = this.options.backoffMaxMs ?? 30_000;
    return Math.floor(this.random() * Math.min(cap, base * 2 ** Math.max(0, failure - 1)));
  }

  private get guard(): SourceAddressGuard {
    return this.options.addressGuard ?? defaultAddressGuard();
  }

  private secrets(): readonly string[] {
    return this.options.secrets?.() ?? [];
  }

  private sameOriginRedirect(response: Response, from: URL): URL | undefined {
    const location = response.headers.get("location");
    if (!location) return undefined;
    const next = new URL(location, from);
    // Following a redirect to another origin would hand it our Authorization header.
    return next.origin === this.baseUrl.origin ? next : undefined;
  }
}

/**
 * AbortSignal.timeout's timer cannot be cancelled: each request's signal, and through the fetch's abort handler
 * its response, stayed reachable for the full timeout (30 s) after the answer was read — at 100 requests a second
 * (development panels) the old generation grew by every answer of the last 30 s, and a few sprint reports of a
 * megabyte or more each were held at once. This timer is cleared as soon as the body is read.
 */
function requestTimeout(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  // the same reason AbortSignal.timeout gives, so a timed-out request is still reported as one
  const timer = setTimeout(() => controller.abort(new DOMException("Signal timed out.", "TimeoutError")), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

function describeTransportError(error: unknown, secrets: readonly string[]): string {
  const e = error as { name?: string; message?: string };
  if (e?.name === "TimeoutError") return "timed out";
  // fetch's own message is often just "fetch failed"; the cause says why (DNS, refused, TLS), so it is kept too
  const cause = (e as { cause?: { message?: string } })?.cause?.message;
  const message = `${e?.message ?? error}${cause ? `: ${cause}` : ""}`.replace(
    /\w+:\/\/[^\s)"']+/g,
    (u) => redactUrl(u),
  );
  return `network error (${e?.name ?? "Error"}: ${bodyExcerpt(message, secrets).slice(0, 160)})`;
}

function parseJsonBody<T>(
  response: Response,
  text: string,
  details: () => ConstructorParameters<typeof SourceResponseError>[1],
): T {
  if (response.status === 204) return null as T;
  const type = response.headers.get("content-type") ?? "";
  const trimmed = text.trimStart();
  if (/html/i.test(type) || trimmed.startsWith("<")) {
    throw new SourceResponseError("expected JSON, got an HTML page", details());
  }
  if (trimmed === "") throw new SourceResponseError("expected JSON, got an empty body", details());
  try {
    return JSON.parse(text) as T;
  } catch {
    // The parser's own message quotes the body, so only the length is reported next to the scrubbed excerpt.
    throw new SourceResponseError(`malformed JSON (${text.length} characters, truncated or invalid)`, details());
  }
}
