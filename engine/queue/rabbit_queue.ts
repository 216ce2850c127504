// RabbitMQ adapter of the Queue port (when AMQP_URL is set). Topology and dead-letter encoding: rabbit_topology.ts.
//
// - Publishing: persistent messages through the default exchange with `mandatory`, each awaited on the session's
//   confirm channel. A message the broker returns (no such queue) fails the batch with QueueUnroutableError — the
//   return always arrives before its confirm, so it is known when the confirm resolves. A lost connection before
//   the confirm re-publishes after the session reconnects (until publishTimeoutMs), which may duplicate a message:
//   that is at-least-once, and loads are idempotent.
// - Consuming: AMQPSession reconnects with backoff and re-subscribes consumers (rabbit_consumer.ts).
// - Admin (stats, dead-letter browsing, purge) uses a second connection (rabbit_admin.ts).
// - stats().inFlight counts deliveries held by this instance's consumers: AMQP 0-9-1 does not report a queue's
//   unacked count (only the management HTTP API does, and it is not required).
import { type AMQPQueue, AMQPSession, type Logger } from "@cloudamqp/amqp-client";
import { RabbitAdmin } from "./rabbit_admin.ts";
import { log, scrubText } from "../../lib/log.ts";
import { type DeadLetterPublisher, RabbitConsumer } from "./rabbit_consumer.ts";
import {
  deadLetterHeaders,
  HEADER_PUBLISH_ID,
  readDeadLetter,
  requeueHeaders,
  type StageTopology,
  stageTopology,
} from "./rabbit_topology.ts";
import {
  assertStage,
  checkConsumeOptions,
  checkLimit,
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  decodeBody,
  encodeMessages,
  errorText,
  type Handler,
  type Queue,
  QueueClosedError,
  QueueConfirmError,
  QueueError,
  type QueueSettings,
  type QueueStats,
  QueueUnroutableError,
  type ResolvedSettings,
  resolveSettings,
  type StageName,
  STAGES,
} from "./port.ts";
import { OutageLedger } from "./runner.ts";
import type { SharedOutageLedger } from "./shared_outage_ledger.ts";

export interface RabbitQueueOptions extends QueueSettings {
  url: string;
  /** x-delivery-limit of the stage queues (default 20, RabbitMQ 4's default); fixed when a queue is declared. */
  deliveryLimit?: number;
  /** First reconnect delay; doubles up to maxReconnectIntervalMs (defaults 500 ms and 30 s). */
  reconnectIntervalMs?: number;
  maxReconnectIntervalMs?: number;
  /** How long publish keeps re-trying through a lost connection before it fails (default 30 s). */
  publishTimeoutMs?: number;
  /** AMQP heartbeat in seconds (default 30), so a dead peer is noticed without waiting for TCP. */
  heartbeatSeconds?: number;
  /** Connection name shown by the broker (default `sluice`); `-session`/`-admin` is appended. */
  connectionName?: string;
  /**
   * Where deliveries lost with a dropped connection are recorded for every process (shared_outage_ledger.ts), so
   * their redelivery costs no attempt wherever it lands; without it only this process's own ledger forgives.
   */
  sharedLedger?: SharedOutageLedger;
}

/** Dead letters scanned at most when looking one up by id. */
const REQUEUE_SCAN_LIMIT = 10_000;

const amqpLogger: Logger = {
  debug: () => {},
  info: (...args: unknown[]) => log.info(`amqp: ${args.map(String).join(" ")}`),
  warn: (...args: unknown[]) => log.warn(`amqp: ${args.map(String).join(" ")}`),
  error: (...args: unknown[]) => log.error(`amqp: ${args.map(String).join(" ")}`),
};

export async function openRabbitQueue(options: RabbitQueueOptions): Promise<RabbitQueue> {
  const queue = new RabbitQueue(options);
  await queue.connect();
  return queue;
}

export class RabbitQueue implements Queue {
  /** Deliveries lost to a broker outage, shared by this queue's consumers (runner.ts). */
  #ledger = new OutageLedger();
  readonly kind = "rabbitmq" as const;
  readonly maxAttempts: number;
  readonly deliveryLimit: number;
  #options: RabbitQueueOptions;
  #settings: ResolvedSettings;
  #session: AMQPSession | undefined;
  #work = new Map<StageName, AMQPQueue>();
  #dlq = new Map<StageName, AMQPQueue>();
  #returned = new Set<string>();
  #consumers = new Set<RabbitConsumer>();
  #admin: RabbitAdmin;
  #closed = false;

  constructor(options: RabbitQueueOptions) {
    this.#options = options;
    this.#settings = resolveSettings(options);
    this.maxAttempts = this.#settings.maxAttempts;
    this.deliveryLimit = options.deliveryLimit ?? 20;
    this.#admin = new RabbitAdmin(options.url, `${options.connectionName ?? "sluice"}-admin`, amqpLogger);
    if (!Number.isInteger(this.deliveryLimit) || this.deliveryLimit < this.maxAttempts) {
      throw new QueueError(`deliveryLimit (${this.deliveryLimit}) must be a whole number ≥ maxAttempts`);
    }
  }

  queueName(stage: StageName): string {
    return this.#topology(stage).queue;
  }

  /** Connects and declares every stage's topology (idempotent; refused if existing queues differ). */
  async connect(): Promise<void> {
    const name = this.#options.connectionName ?? "sluice";
    try {
      this.#session = await AMQPSession.connect(this.#options.url, {
        name: `${name}-session`,
        heartbeat: this.#options.heartbeatSeconds ?? 30,
        reconnectInterval: this.#options.reconnectIntervalMs ?? 500,
        maxReconnectInterval: this.#options.maxReconnectIntervalMs ?? 30_000,
        logger: amqpLogger,
        onreturn: (msg) => {
          const id = msg.properties.headers?.[HEADER_PUBLISH_ID];
          if (typeof id === "string") this.#returned.add(id);
        },
        ondisconnect: (e) => {
          log.warn("amqp connection lost; reconnecting", { error: e ? errorText(e) : undefined });
          // every delivery held on the lost connection is back in the broker's hands, charged as a delivery
          const lost = [...this.#consumers].flatMap((c) => c.heldLost());
          if (lost.length > 0) void this.#options.sharedLedger?.record(lost);
        },
        onrecoverfailed: (queue, e) => log.error("amqp consumer not recovered", { queue, error: errorText(e) }),
      });
    } catch (e) {
      throw new QueueError(`cannot connect to RabbitMQ at ${scrubText(this.#options.url)}: ${errorText(e)}`, {
        cause: e,
      });
    }
    try {
      for (const stage of STAGES) await this.#declare(this.#topology(stage));
    } catch (e) {
      await this.#session.stop().catch(() => {});
      throw e;
    }
  }

  async #declare(t: StageTopology): Promise<void> {
    const session = this.#session!;
    try {
      const dlx = await session.exchange(t.deadLetterExchange, "direct", { durable: true });
      const dlq = await session.queue(t.deadLetterQueue, { durable: true, arguments: t.deadLetterQueueArguments });
      await dlq.bind(dlx, t.deadLetterQueue);
      const work = await session.queue(t.queue, { durable: true, arguments: t.queueArguments });
      this.#work.set(t.stage, work);
      this.#dlq.set(t.stage, dlq);
    } catch (e) {
      throw new QueueError(
        `cannot declare RabbitMQ queues for stage ${t.stage} (${t.queue}, ${t.deadLetterQueue}): ${errorText(e)}. ` +
          `If they exist with other arguments, delete them or restore the earlier settings`,
        { cause: e },
      );
    }
  }

  async publish(stage: StageName, messages: object[]): Promise<void> {
    this.#open();
    const work = this.#work.get(assertStage(stage))!;
    const texts = encodeMessages(messages, this.#settings.maxMessageBytes);
    const now = new Date();
    await this.#publishAll(
      work,
      texts.map((body) => ({ body, messageId: crypto.randomUUID(), timestamp: now, headers: {} })),
    );
  }

  async #publishAll(target: AMQPQueue, items: OutgoingMessage[]): Promise<void> {
    const results = await Promise.allSettled(items.map((item) => this.#publishOne(target, item)));
    const republished = results.reduce((n, r) => n + (r.status === "fulfilled" ? r.value : 0), 0);
    if (republished > 0) {
      log.warn("amqp publish interrupted by a lost connection; re-published", { queue: target.name, republished });
    }
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason);
    if (failed.length === 0) return;
    const first = failed[0];
    const what = `${failed.length} of ${items.length} message(s) to ${target.name}`;
    if (first instanceof QueueUnroutableError) {
      throw new QueueUnroutableError(`${what} unroutable: the queue does not exist on the broker`, { cause: first });
    }
    if (first instanceof QueueError) throw new (first.constructor as typeof QueueError)(`${what}: ${first.message}`);
    throw new QueueConfirmError(`${what} not confirmed: ${errorText(first)}`, { cause: first });
  }

  /** Publishes until confirmed; returns how many times it had to publish again after a lost connection. */
  async #publishOne(target: AMQPQueue, item: OutgoingMessage): Promise<number> {
    const deadline = Date.now() + (this.#options.publishTimeoutMs ?? 30_000);
    for (let again = 0;; again++) {
      const publishId = crypto.randomUUID();
      try {
        await target.publish(item.body, {
          messageId: item.messageId,
          timestamp: item.timestamp,
          // typed for sessions with a parser registry; this one sends pre-encoded JSON text
          contentType: "application/json" as never,
          deliveryMode: 2,
          headers: { ...item.headers, [HEADER_PUBLISH_ID]: publishId },
          mandatory: true,
          confirm: true,
        });
      } catch (e) {
        if (this.#closed) throw new QueueClosedError("queue closed while publishing", { cause: e });
        if (e instanceof Error && e.message === "Message rejected") {
          throw new QueueConfirmError("the broker refused the message (negative confirm)", { cause: e });
        }
        // The connection or channel went away before the confirm: the message may or may not be stored, so it
        // is published again once the session is back.
        if (Date.now() >= deadline) throw new QueueConfirmError(`no confirm in time: ${errorText(e)}`, { cause: e });
        await this.#waitForConnection(deadline);
        continue;
      }
      if (this.#returned.delete(publishId)) throw new QueueUnroutableError("returned by the broker");
      return again;
    }
  }

  async #waitForConnection(deadline: number): Promise<void> {
    do {
      await new Promise((r) => setTimeout(r, 50));
    } while (this.#session!.closed && Date.now() < deadline && !this.#closed);
  }

  async consume(stage: StageName, handler: Handler, options: ConsumeOptions): Promise<Consumer> {
    this.#open();
    const limits = checkConsumeOptions(options);
    const work = this.#work.get(assertStage(stage))!;
    const consumer = new RabbitConsumer(
      stage,
      work,
      handler,
      limits,
      this.maxAttempts,
      this.#deadLetterPublisher(stage),
      (c) => this.#consumers.delete(c),
      this.#ledger,
      this.#options.sharedLedger,
    );
    await consumer.start();
    this.#consumers.add(consumer);
    return consumer;
  }

  #deadLetterPublisher(stage: StageName): DeadLetterPublisher {
    return async (msg, error, attempts) => {
      await this.#publishAll(this.#dlq.get(stage)!, [{
        body: msg.body ?? new Uint8Array(0),
        messageId: msg.properties.messageId ?? crypto.randomUUID(),
        timestamp: msg.properties.timestamp ?? new Date(),
        headers: deadLetterHeaders(msg.properties.headers, error, attempts),
      }]);
    };
  }

  async stats(): Promise<QueueStats> {
    const out = {} as QueueStats;
    for (const stage of STAGES) {
      const t = this.#topology(stage);
      const work = await this.#inspect(t.queue);
      const dead = await this.#inspect(t.deadLetterQueue);
      let inFlight = 0;
      for (const c of this.#consumers) if (c.stage === stage) inFlight += c.held;
      out[stage] = {
        depth: work?.messageCount ?? 0,
        inFlight,
        deadLettered: dead?.messageCount ?? 0,
        consumers: work?.consumerCount ?? 0,
        ...(work && dead ? {} : { missing: true as const }),
      };
    }
    return out;
  }

  /** Ready-message and consumer counts of a queue (passive declare); null when it does not exist. */
  #inspect(queue: string): Promise<{ messageCount: number; consumerCount: number } | null> {
    return this.#admin.withChannel((ch) => ch.queueDeclare(queue, { passive: true })).catch((e) => {
      if (e instanceof Error && e.message.includes("NOT_FOUND")) return null;
      throw e;
    });
  }

  async listDeadLetters(stage: StageName, limit = 100): Promise<DeadLetter[]> {
    checkLimit(limit);
    const t = this.#topology(stage);
    return await this.#admin.browse(t.deadLetterQueue, async (next) => {
      const out: DeadLetter[] = [];
      for (let msg = await next(); msg && out.length < limit; msg = out.length < limit ? await next() : null) {
        const decoded = decodeBody(msg.bodyString() ?? "");
        out.push(readDeadLetter(msg, "body" in decoded ? decoded.body : {}, this.deliveryLimit));
      }
      return out;
    });
  }

  async requeueDeadLetter(stage: StageName, id: string): Promise<boolean> {
    this.#open();
    const t = this.#topology(stage);
    return await this.#admin.browse(t.deadLetterQueue, async (next) => {
      for (let i = 0; i < REQUEUE_SCAN_LIMIT; i++) {
        const msg = await next();
        if (!msg) return false;
        if (msg.properties.messageId !== id) continue;
        await this.#publishAll(this.#work.get(stage)!, [{
          body: msg.body ?? new Uint8Array(0),
          messageId: id,
          timestamp: new Date(),
          headers: requeueHeaders(msg.properties.headers),
        }]);
        await msg.ack();
        return true;
      }
      return false;
    });
  }

  async deleteDeadLetters(stage: StageName, ids: readonly string[]): Promise<number> {
    this.#open();
    const wanted = new Set(ids);
    if (wanted.size === 0) return 0;
    const t = this.#topology(stage);
    // browsing gets every message unacked; the ones not acked go back when the browse channel closes
    return await this.#admin.browse(t.deadLetterQueue, async (next) => {
      let deleted = 0;
      for (let i = 0; i < REQUEUE_SCAN_LIMIT && deleted < wanted.size; i++) {
        const msg = await next();
        if (!msg) break;
        if (!wanted.has(msg.properties.messageId ?? "")) continue;
        await msg.ack();
        deleted++;
      }
      return deleted;
    });
  }

  async purge(stage: StageName): Promise<number> {
    const t = this.#topology(stage);
    return await this.#admin.withChannel(async (ch) => {
      const work = await ch.queuePurge(t.queue);
      const dead = await ch.queuePurge(t.deadLetterQueue);
      return work.messageCount + dead.messageCount;
    });
  }

  /** Deletes this prefix's queues and exchange (tests use a unique prefix and remove it afterwards). */
  async deleteQueues(): Promise<void> {
    await this.#admin.withChannel(async (ch) => {
      for (const stage of STAGES) {
        const t = this.#topology(stage);
        await ch.queueDelete(t.queue);
        await ch.queueDelete(t.deadLetterQueue);
      }
      await ch.exchangeDelete(this.#topology("extract").deadLetterExchange);
    });
  }

  /** Deletes one stage's work queue, so publishing to it is unroutable (fault tests). */
  async deleteQueue(stage: StageName): Promise<void> {
    await this.#admin.withChannel((ch) => ch.queueDelete(this.#topology(stage).queue));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await Promise.all([...this.#consumers].map((c) => c.stop()));
    this.#closed = true;
    await this.#session?.stop();
    await this.#admin.close();
  }

  #topology(stage: StageName): StageTopology {
    return stageTopology(this.#settings.prefix, assertStage(stage), this.deliveryLimit);
  }

  #open(): void {
    if (this.#closed) throw new QueueClosedError("queue is closed");
  }
}

interface OutgoingMessage {
  body: string | Uint8Array;
  messageId: string;
  timestamp: Date;
  headers: Record<string, unknown>;
}
