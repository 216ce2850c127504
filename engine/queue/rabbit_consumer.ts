// One RabbitMQ consumer: a session subscription (own channel, basic.qos = prefetch, manual ack) feeding the shared
// DeliveryRunner. AMQPSession re-subscribes it on a new channel after the connection comes back; deliveries held
// on the dead channel can no longer be settled (the broker has already requeued them), so their acks fail
// quietly and the messages are handed out again — at-least-once, which idempotent loads absorb.
import type { AMQPMessage, AMQPQueue, AMQPSubscription } from "@cloudamqp/amqp-client";
import { type ConsumeLimits, type Consumer, decodeBody, type Handler, QueueError, type StageName } from "./port.ts";
import { DeliveryRunner, type Lease, OutageLedger } from "./runner.ts";
import { attemptOf } from "./rabbit_topology.ts";
import type { SharedOutageLedger } from "./shared_outage_ledger.ts";

/** Moves a delivery's message to the stage DLQ (confirmed) before the delivery is acked. */
export type DeadLetterPublisher = (msg: AMQPMessage, error: string, attempts: number) => Promise<void>;

export class RabbitConsumer implements Consumer {
  readonly stage: StageName;
  #queue: AMQPQueue;
  #limits: ConsumeLimits;
  #runner: DeliveryRunner;
  #deadLetter: DeadLetterPublisher;
  #sub: AMQPSubscription | undefined;
  #aborted = false;
  #stopped: Promise<void> | undefined;
  #onClosed: (c: RabbitConsumer) => void;
  #ledger: OutageLedger;
  #shared: SharedOutageLedger | undefined;
  /** Deliveries received and not yet settled: what a lost connection takes back (see heldLost). */
  #held = new Set<AMQPMessage>();

  constructor(
    stage: StageName,
    queue: AMQPQueue,
    handler: Handler,
    limits: ConsumeLimits,
    maxAttempts: number,
    deadLetter: DeadLetterPublisher,
    onClosed: (c: RabbitConsumer) => void,
    ledger = new OutageLedger(),
    shared?: SharedOutageLedger,
  ) {
    this.#ledger = ledger;
    this.#shared = shared;
    this.stage = stage;
    this.#queue = queue;
    this.#limits = limits;
    this.#deadLetter = deadLetter;
    this.#onClosed = onClosed;
    this.#runner = new DeliveryRunner(handler, { stage, concurrency: limits.concurrency, maxAttempts, ledger });
  }

  /** Deliveries this consumer holds unsettled (the broker's own unacked count is not readable over AMQP 0-9-1). */
  get held(): number {
    return this.#runner.held;
  }

  async start(): Promise<void> {
    this.#sub = await this.#queue.subscribe(
      { prefetch: this.#limits.prefetch, manualAck: true },
      (msg) => this.#onMessage(msg),
    );
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  abort(): Promise<void> {
    this.#stopped ??= this.#abort();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    const sub = this.#sub!;
    // basic.cancel first, keeping the channel open: running handlers must still be able to ack on it (closing
    // it now would requeue their messages and have them processed twice).
    await sub.channel.basicCancel(sub.consumerTag).catch(() => {});
    await this.#runner.stop();
    await sub.cancel();
    this.#onClosed(this);
  }

  async #abort(): Promise<void> {
    this.#aborted = true;
    this.#runner.abort();
    // Closing the channel is what a crash amounts to: the broker requeues every unacked delivery at once.
    await this.#sub!.cancel();
    this.#onClosed(this);
  }

  /** Ids of the deliveries held right now, forgotten here: the connection that carried them is gone. */
  heldLost(): string[] {
    const ids = [...this.#held].map(idOf);
    this.#held.clear();
    return ids;
  }

  #onMessage(msg: AMQPMessage): void {
    if (this.#aborted) return;
    this.#held.add(msg);
    // A stopping consumer can still receive deliveries that were in flight, or ones from a re-subscription after
    // a reconnect; the runner hands those straight back.
    if (!msg.redelivered || !this.#shared) return this.#runner.accept(this.#lease(msg, 0));
    // a redelivery may be one another process lost to an outage: ask the shared ledger first
    void this.#shared.forgiven(idOf(msg)).then((n) => {
      if (!this.#aborted) this.#runner.accept(this.#lease(msg, n));
    });
  }

  #lease(msg: AMQPMessage, forgivenElsewhere: number): Lease {
    const id = idOf(msg);
    // The broker counts a return caused by a lost connection like a failure; the process that lost it knows better
    // (this one's ledger, or the shared one). The larger is taken: both may have noted the same return.
    const forgiven = Math.max(this.#ledger.forgiven(id), forgivenElsewhere);
    const attempt = Math.max(1, attemptOf(msg.properties.headers, msg.redelivered) - forgiven);
    const settled = <T>(p: Promise<T>) => p.finally(() => this.#held.delete(msg));
    const decoded = decodeBody(msg.bodyString() ?? "");
    return {
      delivery: { stage: this.stage, id, body: "body" in decoded ? decoded.body : {}, attempt },
      ...("invalid" in decoded ? { invalid: decoded.invalid } : {}),
      ack: () => settled(msg.ack()),
      // basic.reject counts as a failed delivery (x-delivery-count) on RabbitMQ 4.3+; basic.nack does not.
      retry: () => settled(msg.reject(true)),
      deadLetter: (error) => settled(this.#moveToDeadLetters(msg, error, attempt)),
      release: () => settled(msg.nack(true)),
      lost: () => msg.channel.closed,
    };
  }

  async #moveToDeadLetters(msg: AMQPMessage, error: string, attempt: number): Promise<void> {
    if (msg.channel.closed) {
      throw new QueueError("channel closed before dead-lettering; the broker redelivers the message");
    }
    try {
      await this.#deadLetter(msg, error, attempt);
    } catch (e) {
      // Not moved: hand it back rather than hold it unacked forever; being past maxAttempts, the next
      // delivery tries the dead-lettering again without running the handler.
      await msg.reject(true).catch(() => {});
      throw e;
    }
    await msg.ack();
  }
}

function idOf(msg: AMQPMessage): string {
  return msg.properties.messageId ?? `unidentified-${msg.deliveryTag}`;
}
