// Spaces requests so a connection stays inside the source's budget instead of discovering it through 429s.
// Atlassian's guidance is to do both: pace requests *and* honour the headers. The pacer is a token bucket whose rate
// is adjusted from what the server reports (AIMD):
// - remaining/reset known → spread the remaining budget evenly until the reset;
// - remaining = 0 → nothing until the reset; near-limit flag or a 429 → halve the rate;
// - responses without budget information → creep back up towards the configured maximum.
// A 429 blocks either the whole connection or only one endpoint: Jira's `jira-burst-based` reason is per endpoint
// and method, so only that endpoint slows down; quota reasons and GitHub's primary limits are shared.
import type { RateLimitInfo } from "./rate_limit_headers.ts";

export interface PacerOptions {
  /** Steady requests per second before the server says anything (default 10). */
  ratePerSecond?: number;
  /** Requests that may go out back to back (default = ratePerSecond, at least 1). */
  burst?: number;
  /** Floor the adaptive rate never drops below (default 0.2 rps). */
  minRatePerSecond?: number;
  /** Ceiling for additive recovery (default = ratePerSecond). */
  maxRatePerSecond?: number;
}

export interface Reservation {
  /** Milliseconds to wait before sending. */
  waitMs: number;
  /** Why the wait is long, when a server block (not plain spacing) dominates it. */
  reason?: string;
}

interface Block {
  until: number;
  reason: string;
}

export class Pacer {
  private rate: number;
  private readonly burst: number;
  private readonly minRate: number;
  private readonly maxRate: number;
  private tokens: number;
  private refilledAt: number;
  private globalBlock: Block | undefined;
  private readonly endpointBlocks = new Map<string, Block>();

  constructor(options: PacerOptions = {}, now = Date.now()) {
    this.rate = options.ratePerSecond ?? 10;
    this.maxRate = options.maxRatePerSecond ?? this.rate;
    this.minRate = Math.min(options.minRatePerSecond ?? 0.2, this.rate);
    this.burst = Math.max(1, options.burst ?? Math.ceil(this.rate));
    this.tokens = this.burst;
    this.refilledAt = now;
  }

  get currentRatePerSecond(): number {
    return this.rate;
  }

  /** Takes one token for `endpoint` and says how long to wait first. Concurrent callers queue (tokens go negative). */
  reserve(endpoint: string, now: number): Reservation {
    this.refill(now);
    const spacing = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.rate) * 1000;
    this.tokens -= 1;
    let waitMs = Math.ceil(spacing);
    let reason: string | undefined;
    for (const block of [this.globalBlock, this.endpointBlocks.get(endpoint)]) {
      if (block && block.until - now > waitMs) {
        waitMs = block.until - now;
        reason = block.reason;
      }
    }
    return { waitMs: Math.max(0, waitMs), reason };
  }

  /** Gives a token back when a reservation was not used (the caller gave up instead of waiting). */
  release(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  /** Feeds budget headers of any response (success or not) into the rate. */
  observe(endpoint: string, info: RateLimitInfo, now: number): void {
    this.refill(now);
    // Never hold more tokens than the server says are left, or a burst would overrun the budget.
    if (info.remaining !== undefined) this.tokens = Math.min(this.tokens, info.remaining);
    if (info.remaining !== undefined && info.resetAt) {
      const untilReset = info.resetAt.getTime() - now;
      if (info.remaining <= 0 && untilReset > 0) {
        this.block(endpoint, info.resetAt.getTime(), info.reason ?? "budget exhausted", "global");
      } else if (untilReset > 0) {
        this.setRate(info.remaining / Math.max(1, untilReset / 1000));
      }
    }
    if (info.nearLimit) this.setRate(this.rate / 2);
    else if (info.remaining === undefined && this.rate < this.maxRate) {
      this.setRate(this.rate + this.maxRate / 20);
    }
  }

  /** A refusal (429 / 503 with Retry-After): wait until `until` and slow down. */
  throttled(endpoint: string, until: number, info: RateLimitInfo, now: number): void {
    const reason = info.reason ?? "rate limited";
    const scope = /burst/i.test(reason) ? "endpoint" : "global";
    this.block(endpoint, Math.max(until, now), reason, scope);
    this.setRate(this.rate / 2);
    // The bucket must not release a burst the moment the block ends.
    this.tokens = Math.min(this.tokens, 1);
  }

  private block(endpoint: string, until: number, reason: string, scope: "global" | "endpoint"): void {
    if (scope === "global") {
      if (!this.globalBlock || this.globalBlock.until < until) this.globalBlock = { until, reason };
      return;
    }
    const current = this.endpointBlocks.get(endpoint);
    if (!current || current.until < until) this.endpointBlocks.set(endpoint, { until, reason });
  }

  private setRate(rate: number): void {
    this.rate = Math.min(this.maxRate, Math.max(this.minRate, rate));
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
    this.refilledAt = now;
  }
}
