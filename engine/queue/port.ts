// The Queue port: how pipeline stages hand batches to each other. Two adapters implement it — RabbitMQ quorum
// queues (rabbit_queue.ts, when AMQP_URL is set) and a queue table in the database (db_queue.ts, the embedded
// default) — and both pass the same conformance suite (conformance.ts).
//
// Contract (both adapters):
// - publish resolves only when every message of the batch is durable (broker confirm / committed row); an
//   unroutable message (queue missing) or a refused confirm rejects. Delivery is at-least-once: handlers must be
//   idempotent (loads are upserts on natural keys), and ordering is not guaranteed.
// - A handler that returns acks its delivery; one that throws makes it come back (attempt + 1). The attempt that
//   reaches maxAttempts and fails moves the message to the stage's dead-letter store with the error text.
// - A consumer never holds more than `prefetch` unsettled deliveries and runs at most `concurrency` handlers.
import type { Queryable } from "../../db/port.ts";
import { scrubText } from "../../lib/log.ts";

export const STAGES = ["extract", "transform", "embed"] as const;
export type StageName = typeof STAGES[number];

/** One message handed to a handler. */
export interface Delivery {
  readonly stage: StageName;
  /** Stable message id (kept across redeliveries and dead-letter requeues). */
  readonly id: string;
  readonly body: Record<string, unknown>;
  /**
   * 1 on first delivery, +1 for every earlier delivery that failed or whose consumer died or lost its connection.
   * A graceful stop's hand-back is not counted by the database queue, nor by RabbitMQ ≥ 4.3 (older brokers do).
   */
  readonly attempt: number;
}

export type Handler = (delivery: Delivery) => void | Promise<void>;

export interface ConsumeOptions {
  /** Most unsettled deliveries this consumer holds at once (broker prefetch / rows claimed). */
  prefetch: number;
  /** Handlers run at once (default 1). Never more than prefetch actually run, since no more are held. */
  concurrency?: number;
}

export interface Consumer {
  readonly stage: StageName;
  /** Takes no new messages, returns held-but-unstarted ones, and resolves when running handlers have settled. */
  stop(): Promise<void>;
  /**
   * Hard stop, as if the process died: nothing more is settled. RabbitMQ requeues the held deliveries at once
   * (their channel closes); the database adapter leaves them leased until the visibility timeout runs out.
   */
  abort(): Promise<void>;
}

export interface StageStats {
  /** Messages waiting to be delivered. */
  depth: number;
  /** Delivered and not yet settled (RabbitMQ: held by this instance's consumers — see rabbit_queue.ts). */
  inFlight: number;
  deadLettered: number;
  /** Live consumers across every instance. */
  consumers: number;
  /** Present (true) when the stage's queue does not exist: publishing to it fails until it is declared again. */
  missing?: true;
}
export type QueueStats = Record<StageName, StageStats>;

export interface DeadLetter {
  id: string;
  body: Record<string, unknown>;
  /** Error text of the last failed attempt (or the broker's reason when it dead-lettered on its own). */
  error: string;
  attempts: number;
  failedAt: Date;
}

export interface Queue {
  readonly kind: "rabbitmq" | "db";
  readonly maxAttempts: number;
  /** Broker queue / table queue name of a stage, e.g. `sluice.extract`. */
  queueName(stage: StageName): string;
  publish(stage: StageName, messages: object[]): Promise<void>;
  /**
   * Database queue only: publishes inside the caller's transaction, so data and messages commit together. With
   * RabbitMQ there is no such thing; publish after the commit (redelivery and idempotent loads make that safe).
   */
  publishTx?(tx: Queryable, stage: StageName, messages: object[]): Promise<void>;
  consume(stage: StageName, handler: Handler, options: ConsumeOptions): Promise<Consumer>;
  stats(): Promise<QueueStats>;
  /** Oldest first. */
  listDeadLetters(stage: StageName, limit?: number): Promise<DeadLetter[]>;
  /** Puts a dead letter back on its stage queue with a fresh attempt count; false when no such dead letter. */
  requeueDeadLetter(stage: StageName, id: string): Promise<boolean>;
  /** Deletes these dead letters of a stage (ids not dead-lettered are ignored); returns how many went. */
  deleteDeadLetters(stage: StageName, ids: readonly string[]): Promise<number>;
  /** Drops waiting and dead-lettered messages of a stage (in-flight ones are left to settle); returns how many. */
  purge(stage: StageName): Promise<number>;
  /** Stops every consumer gracefully, then releases connections. */
  close(): Promise<void>;
}

/** Settings shared by both adapters. */
export interface QueueSettings {
  /** Queue name prefix; `sluice` gives `sluice.extract`. Tests use a unique prefix. */
  prefix?: string;
  /** Attempts before a message is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Largest accepted message body, JSON-encoded (default 1 MiB; big payloads belong in raw_extraction_data). */
  maxMessageBytes?: number;
}

export const DEFAULT_PREFIX = "sluice";
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
const MAX_ERROR_CHARS = 4000;

export class QueueError extends Error {
  override name = "QueueError";
}
/** A stage name that is not one of STAGES (e.g. from a URL parameter). */
export class UnknownStageError extends QueueError {
  override name = "UnknownStageError";
}
/** A message that cannot be queued (not a plain JSON object, or too large). */
export class QueueMessageError extends QueueError {
  override name = "QueueMessageError";
}
/** The target queue does not exist (RabbitMQ returned the mandatory message; the DB has no such queue). */
export class QueueUnroutableError extends QueueError {
  override name = "QueueUnroutableError";
}
/** The broker refused to take responsibility for a message (negative confirm, or no confirm in time). */
export class QueueConfirmError extends QueueError {
  override name = "QueueConfirmError";
}
/** Used after close(). */
export class QueueClosedError extends QueueError {
  override name = "QueueClosedError";
}

export function assertStage(stage: unknown): StageName {
  if (typeof stage === "string" && (STAGES as readonly string[]).includes(stage)) return stage as StageName;
  throw new UnknownStageError(`unknown queue stage ${JSON.stringify(stage)}; expected one of ${STAGES.join(", ")}`);
}

const PREFIX = /^[a-z0-9][a-z0-9_.-]{0,100}$/;

export function checkPrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) {
    throw new QueueError(
      `invalid queue prefix ${JSON.stringify(prefix)}: use lower-case letters, digits, '.', '_' or '-' (max 101)`,
    );
  }
  return prefix;
}

export interface ResolvedSettings {
  prefix: string;
  maxAttempts: number;
  maxMessageBytes: number;
}

export function resolveSettings(settings: QueueSettings): ResolvedSettings {
  const maxAttempts = settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new QueueError(`maxAttempts must be a whole number from 1 to 100, got ${maxAttempts}`);
  }
  const maxMessageBytes = settings.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1) {
    throw new QueueError(`maxMessageBytes must be a positive whole number, got ${maxMessageBytes}`);
  }
  return { prefix: checkPrefix(settings.prefix ?? DEFAULT_PREFIX), maxAttempts, maxMessageBytes };
}

export function queueNameOf(prefix: string, stage: StageName): string {
  return `${prefix}.${stage}`;
}

export interface ConsumeLimits {
  prefetch: number;
  concurrency: number;
}

export function checkConsumeOptions(options: ConsumeOptions): ConsumeLimits {
  const { prefetch, concurrency = 1 } = options;
  // Quorum queues cap prefetch at 2,000; the same ceiling keeps a DB claim statement small.
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 2000) {
    throw new QueueError(`prefetch must be a whole number from 1 to 2000, got ${prefetch}`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 2000) {
    throw new QueueError(`concurrency must be a whole number from 1 to 2000, got ${concurrency}`);
  }
  return { prefetch, concurrency };
}

/** Bounds of listDeadLetters' limit. */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new QueueError(`limit must be a whole number from 1 to 10000, got ${limit}`);
  }
  return limit;
}

/**
 * Checks a batch and returns each message as JSON text. Messages must be plain objects (a batch descriptor with
 * ids, per the claim-check rule) so that both adapters store and return exactly the same shape.
 */
export function encodeMessages(messages: object[], maxBytes: number): string[] {
  if (!Array.isArray(messages)) throw new QueueMessageError("messages must be an array of objects");
  const encoder = new TextEncoder();
  return messages.map((m, i) => {
    if (m === null || typeof m !== "object" || Array.isArray(m)) {
      throw new QueueMessageError(
        `messages[${i}] must be a plain object, got ${Array.isArray(m) ? "array" : typeof m}`,
      );
    }
    let text: string;
    try {
      text = JSON.stringify(m);
    } catch (e) {
      throw new QueueMessageError(`messages[${i}] is not JSON-serializable: ${(e as Error).message}`);
    }
    const bytes = encoder.encode(text).byteLength;
    if (bytes > maxBytes) {
      throw new QueueMessageError(
        `messages[${i}] is ${bytes} bytes, over the ${maxBytes}-byte limit; store the payload in ` +
          `raw_extraction_data and queue its id`,
      );
    }
    return text;
  });
}

/** Parses a stored body; anything but a JSON object is reported so the runner can dead-letter it unhandled. */
export function decodeBody(text: string): { body: Record<string, unknown> } | { invalid: string } {
  try {
    const body = JSON.parse(text);
    if (body !== null && typeof body === "object" && !Array.isArray(body)) return { body };
    return { invalid: "message body is JSON but not an object" };
  } catch (e) {
    return { invalid: `message body is not JSON: ${(e as Error).message}` };
  }
}

/** The text kept with a dead letter: error name, message and causes, bounded in size. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    parts.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  // Dead letters are shown on the admin page, so credentials that leak into error messages are scrubbed.
  const text = scrubText(parts.join("\ncaused by: "));
  return text.length > MAX_ERROR_CHARS ? text.slice(0, MAX_ERROR_CHARS - 1) + "…" : text;
}
