// Runs one consumer's handler over the deliveries its adapter hands in, with the same outcome rules for both
// adapters: success acks, a failure before maxAttempts retries, the failure at maxAttempts dead-letters with the
// error text, and a delivery already past maxAttempts (earlier attempts crashed without any outcome) is
// dead-lettered without running the handler again, so a message that kills its consumer cannot loop forever.
//
// Outages are not the message's fault: a handler or settlement that fails because the database or broker is down
// (infra_errors.ts) is retried in place with exponential back-off and full jitter for up to `outagePatienceMs`,
// without touching the message's attempts. If the lease is lost meanwhile (the broker's channel closed, the
// database lease expired) the backend redelivers it, and the OutageLedger takes that delivery back off its count.
import { log } from "../../lib/log.ts";
import { isInfrastructureError } from "../../lib/infra_errors.ts";
import { type Delivery, errorText, type Handler, type StageName } from "./port.ts";

/** One delivery held by a consumer until it is settled exactly one way. */
export interface Lease {
  readonly delivery: Delivery;
  /** Set when the stored body cannot be handed to a handler (not a JSON object): dead-lettered at once. */
  readonly invalid?: string;
  ack(): Promise<void>;
  /** Failed attempt: make the message available again (counts towards maxAttempts). */
  retry(error: string): Promise<void>;
  /** Give up: move the message to the dead-letter store, keeping the error text. */
  deadLetter(error: string): Promise<void>;
  /** Hand back unprocessed on a graceful stop; not counted as an attempt where the backend allows it. */
  release(): Promise<void>;
  /** True once the backend has taken the delivery back (e.g. the broker channel closed): settling is pointless. */
  lost?(): boolean;
}

/**
 * Deliveries this process lost to an outage, by message id. Their redelivery carries one more attempt than the
 * message used (the broker or the expired database lease counted the return); the adapter subtracts it.
 */
export class OutageLedger {
  #returned = new Map<string, number>();

  record(id: string): void {
    if (this.#returned.size > 100_000) this.#returned.clear(); // bounded: forgetting only costs an attempt
    this.#returned.set(id, (this.#returned.get(id) ?? 0) + 1);
  }

  /** Returns of `id` lost to outages so far (kept: a broker's delivery count never forgets them either). */
  forgiven(id: string): number {
    return this.#returned.get(id) ?? 0;
  }

  /** The same, cleared: for a backend whose own count is corrected once (the database queue's row). */
  take(id: string): number {
    const n = this.#returned.get(id) ?? 0;
    this.#returned.delete(id);
    return n;
  }
}

export interface OutageBackoff {
  /** How long an outage may last before the failure counts as an attempt after all (default 150 s). */
  outagePatienceMs?: number;
  /** First back-off step (default 200 ms); doubles up to `maxMs` (default 5 s), full jitter. */
  baseMs?: number;
  maxMs?: number;
}

export interface RunnerOptions {
  stage: StageName;
  concurrency: number;
  maxAttempts: number;
  /** Called after each delivery is settled, so a pulling adapter can claim more. */
  onSettled?: () => void;
  outage?: OutageBackoff;
  /** Where deliveries lost to an outage are noted (shared by the consumers of one queue). */
  ledger?: OutageLedger;
}

type Outcome = "ack" | "retry" | "dead-letter" | "release";

export class DeliveryRunner {
  #waiting: Lease[] = [];
  #running = new Set<Promise<void>>();
  /** Hand-backs of deliveries that arrived while stopping; stop() waits for them too. */
  #releasing = new Set<Promise<void>>();
  #state: "running" | "stopping" | "aborted" = "running";
  #handler: Handler;
  #options: RunnerOptions;

  constructor(handler: Handler, options: RunnerOptions) {
    this.#handler = handler;
    this.#options = options;
  }

  /** Deliveries held and not yet settled: waiting for a handler slot, running, or being settled. */
  get held(): number {
    return this.#waiting.length + this.#running.size;
  }

  get accepting(): boolean {
    return this.#state === "running";
  }

  accept(lease: Lease): void {
    // After abort nothing is settled, exactly as if the process had died: the backend redelivers.
    if (this.#state === "aborted") return;
    if (this.#state === "stopping") {
      const release: Promise<void> = this.#settle(lease, "release", () => lease.release())
        .finally(() => this.#releasing.delete(release));
      this.#releasing.add(release);
      return;
    }
    this.#waiting.push(lease);
    this.#pump();
  }

  /** Graceful: hands back waiting deliveries, then waits for running handlers and their settlement. */
  async stop(): Promise<void> {
    if (this.#state === "running") this.#state = "stopping";
    const waiting = this.#waiting.splice(0);
    await Promise.all(waiting.map((lease) => this.#settle(lease, "release", () => lease.release())));
    while (this.#running.size + this.#releasing.size > 0) {
      await Promise.all([...this.#running, ...this.#releasing]);
    }
  }

  /** Hard stop: running handlers are left to finish unobserved and nothing more is settled. */
  abort(): void {
    this.#state = "aborted";
    this.#waiting.length = 0;
  }

  #pump(): void {
    while (this.#state === "running" && this.#running.size < this.#options.concurrency && this.#waiting.length > 0) {
      const lease = this.#waiting.shift()!;
      const run: Promise<void> = this.#process(lease).finally(() => {
        this.#running.delete(run);
        this.#pump();
        this.#options.onSettled?.();
      });
      this.#running.add(run);
    }
  }

  async #process(lease: Lease): Promise<void> {
    const { attempt } = lease.delivery;
    const { maxAttempts } = this.#options;
    if (lease.invalid !== undefined) {
      const reason = lease.invalid;
      return await this.#settle(lease, "dead-letter", () => lease.deadLetter(reason));
    }
    if (attempt > maxAttempts) {
      const reason = `attempt ${attempt} is past maxAttempts ${maxAttempts}: earlier deliveries ended without ` +
        `an outcome (the consumer crashed or lost its connection or lease), so the handler is not run again`;
      return await this.#settle(lease, "dead-letter", () => lease.deadLetter(reason));
    }
    let failure: string | undefined;
    let outage = false;
    const deadline = Date.now() + (this.#options.outage?.outagePatienceMs ?? 150_000);
    for (let waits = 1;; waits++) {
      try {
        await this.#handler(lease.delivery);
        failure = undefined;
        break;
      } catch (e) {
        failure = errorText(e);
        if (!isInfrastructureError(e) || Date.now() >= deadline) break;
        outage = true;
        if (this.#state === "stopping") {
          // shutting down during an outage: hand it back uncounted rather than call it a failure
          return await this.#settle(lease, "release", () => lease.release(), true);
        }
        if (this.#state === "aborted") return;
        if (lease.lost?.()) {
          // the backend already took it back and will redeliver; that delivery is not a new attempt
          this.#options.ledger?.record(lease.delivery.id);
          log.info("queue delivery lost to an outage; it will be redelivered", { id: lease.delivery.id });
          return;
        }
        log.info("infrastructure unavailable; the handler runs again after a back-off", {
          stage: lease.delivery.stage,
          id: lease.delivery.id,
          error: failure,
        });
        await sleep(this.#backoff(waits));
      }
    }
    if (this.#state === "aborted") return;
    if (failure === undefined) return await this.#settle(lease, "ack", () => lease.ack(), outage);
    const { stage, id } = lease.delivery;
    if (attempt >= maxAttempts) {
      log.warn("queue message dead-lettered", { stage, id, attempt, error: failure });
      return await this.#settle(lease, "dead-letter", () => lease.deadLetter(failure));
    }
    log.info("queue handler failed; message will be redelivered", { stage, id, attempt, error: failure });
    await this.#settle(lease, "retry", () => lease.retry(failure));
  }

  /** Full jitter: uniform in [0, min(max, base · 2^(n−1))]. */
  #backoff(n: number): number {
    const base = this.#options.outage?.baseMs ?? 200;
    const max = this.#options.outage?.maxMs ?? 5_000;
    return Math.floor(Math.random() * Math.min(max, base * 2 ** (n - 1)));
  }

  /** `outage`: the handler already waited out an outage (its lease may have expired meanwhile). */
  async #settle(lease: Lease, outcome: Outcome, fn: () => Promise<void>, outage = false): Promise<void> {
    const deadline = Date.now() + (this.#options.outage?.outagePatienceMs ?? 150_000);
    for (let waits = 1;; waits++) {
      try {
        await fn();
        return;
      } catch (e) {
        const infra = isInfrastructureError(e);
        outage ||= infra;
        if (infra && !lease.lost?.() && Date.now() < deadline && this.#state !== "aborted") {
          // the outcome is known; only recording it waits for the database or broker to come back
          await sleep(this.#backoff(waits));
          continue;
        }
        // a redelivery of work that succeeded (ack) or was handed back (release) is not a new attempt; a failed
        // or dead-lettered one keeps the count the backend gives it
        const forgiven = outcome === "ack" || outcome === "release";
        if (forgiven && (outage || lease.lost?.())) this.#options.ledger?.record(lease.delivery.id);
        this.#unsettled(lease, outcome, e);
        return;
      }
    }
  }

  #unsettled(lease: Lease, outcome: Outcome, e: unknown): void {
    // The connection or lease is gone; the backend still owns the message and hands it out again.
    log.warn("queue delivery could not be settled; it will be redelivered", {
      stage: lease.delivery.stage,
      id: lease.delivery.id,
      outcome,
      error: errorText(e),
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
