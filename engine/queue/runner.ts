// Runs one consumer's handler over the deliveries its adapter hands in, with the same outcome rules for both
// adapters: success acks, a failure before maxAttempts retries, the failure at maxAttempts dead-letters with the
// error text, and a delivery already past maxAttempts (earlier attempts crashed without any outcome) is
// dead-lettered without running the handler again, so a message that kills its consumer cannot loop forever.
import { log } from "../../lib/log.ts";
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
}

export interface RunnerOptions {
  stage: StageName;
  concurrency: number;
  maxAttempts: number;
  /** Called after each delivery is settled, so a pulling adapter can claim more. */
  onSettled?: () => void;
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
    try {
      await this.#handler(lease.delivery);
    } catch (e) {
      failure = errorText(e);
    }
    if (this.#state === "aborted") return;
    if (failure === undefined) return await this.#settle(lease, "ack", () => lease.ack());
    const { stage, id } = lease.delivery;
    if (attempt >= maxAttempts) {
      log.warn("queue message dead-lettered", { stage, id, attempt, error: failure });
      return await this.#settle(lease, "dead-letter", () => lease.deadLetter(failure));
    }
    log.info("queue handler failed; message will be redelivered", { stage, id, attempt, error: failure });
    await this.#settle(lease, "retry", () => lease.retry(failure));
  }

  async #settle(lease: Lease, outcome: Outcome, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      // The connection or lease is gone; the backend still owns the message and hands it out again.
      log.warn("queue delivery could not be settled; it will be redelivered", {
        stage: lease.delivery.stage,
        id: lease.delivery.id,
        outcome,
        error: errorText(e),
      });
    }
  }
}
