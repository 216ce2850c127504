// RabbitMQ objects of one stage and how dead letters are encoded on them.
//
// Per stage `<prefix>.<stage>`:
// - the work queue: durable QUORUM queue (replicated; classic mirroring is gone in 4.x) with x-delivery-limit as a
//   broker-side backstop, dead-lettering to `<prefix>.dlx` with the at-least-once strategy (which needs
//   x-overflow=reject-publish) so a broker-dead-lettered message is not lost between the two queues;
// - the dead-letter queue `<prefix>.<stage>.dlq`: durable CLASSIC queue bound to the DLX. Classic on purpose: the
//   admin page browses it with basic.get + requeue, which on a quorum queue would count as deliveries and, under
//   RabbitMQ 4's default delivery limit, eventually drop the dead letters being looked at.
//
// Dead-lettering is done by the consumer, not left to the broker: the failing attempt that reaches maxAttempts
// publishes a copy to the DLQ (with confirm) carrying x-sluice-error/attempts/failed-at headers and then acks the
// original. The broker's own dead-lettering (x-delivery-limit) cannot keep the error text, so it is only the
// backstop for messages whose consumer dies on every attempt; those arrive with x-death headers and are listed
// with the broker's reason.
import type { AMQPMessage, Field } from "@cloudamqp/amqp-client";
import type { DeadLetter, StageName } from "./port.ts";

export const HEADER_ERROR = "x-sluice-error";
export const HEADER_ATTEMPTS = "x-sluice-attempts";
export const HEADER_FAILED_AT = "x-sluice-failed-at";
/** Per-publish token: a returned (unroutable) message is matched to its publish call by it. */
export const HEADER_PUBLISH_ID = "x-sluice-publish-id";

export interface StageTopology {
  stage: StageName;
  queue: string;
  deadLetterQueue: string;
  deadLetterExchange: string;
  queueArguments: Record<string, unknown>;
  deadLetterQueueArguments: Record<string, unknown>;
}

export function stageTopology(prefix: string, stage: StageName, deliveryLimit: number): StageTopology {
  const queue = `${prefix}.${stage}`;
  const deadLetterQueue = `${queue}.dlq`;
  const deadLetterExchange = `${prefix}.dlx`;
  return {
    stage,
    queue,
    deadLetterQueue,
    deadLetterExchange,
    queueArguments: {
      "x-queue-type": "quorum",
      "x-delivery-limit": deliveryLimit,
      "x-dead-letter-exchange": deadLetterExchange,
      "x-dead-letter-routing-key": deadLetterQueue,
      "x-dead-letter-strategy": "at-least-once",
      "x-overflow": "reject-publish",
    },
    deadLetterQueueArguments: { "x-queue-type": "classic" },
  };
}

function numberOf(value: Field): number | undefined {
  if (typeof value === "number" || typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/**
 * 1-based attempt number of a delivery. Quorum queues count earlier deliveries in x-delivery-count (every return up
 * to RabbitMQ 4.2; from 4.3 only failed ones — basic.reject and lost channels — while x-acquired-count counts every
 * hand-over), so the larger of the two is used; `redelivered` covers brokers that send neither.
 */
export function attemptOf(headers: Record<string, Field> | undefined, redelivered: boolean): number {
  const counts = [headers?.["x-delivery-count"], headers?.["x-acquired-count"]]
    .map(numberOf)
    .filter((n): n is number => n !== undefined && n >= 0);
  const prior = counts.length > 0 ? Math.max(...counts) : 0;
  return Math.max(prior + 1, redelivered ? 2 : 1);
}

/** Headers of the DLQ copy: the original ones (minus our publish token) plus why and when it failed. */
export function deadLetterHeaders(
  original: Record<string, Field> | undefined,
  error: string,
  attempts: number,
): Record<string, Field> {
  const headers: Record<string, Field> = { ...original };
  delete headers[HEADER_PUBLISH_ID];
  headers[HEADER_ERROR] = error;
  headers[HEADER_ATTEMPTS] = attempts;
  headers[HEADER_FAILED_AT] = new Date().toISOString();
  return headers;
}

/** Headers for putting a dead letter back to work: its history goes, so it starts again at attempt 1. */
export function requeueHeaders(dead: Record<string, Field> | undefined): Record<string, Field> {
  const headers: Record<string, Field> = {};
  for (const [k, v] of Object.entries(dead ?? {})) {
    if (!k.startsWith("x-")) headers[k] = v;
  }
  return headers;
}

interface XDeath {
  reason?: string;
  queue?: string;
  time?: Date;
  count?: number;
}

/** Reads a message from a DLQ, whether we or the broker dead-lettered it. */
export function readDeadLetter(
  msg: AMQPMessage,
  body: Record<string, unknown>,
  deliveryLimit: number,
): DeadLetter {
  const headers = msg.properties.headers ?? {};
  const id = msg.properties.messageId ?? "";
  const ourError = headers[HEADER_ERROR];
  if (typeof ourError === "string") {
    const failedAt = new Date(String(headers[HEADER_FAILED_AT] ?? ""));
    return {
      id,
      body,
      error: ourError,
      attempts: numberOf(headers[HEADER_ATTEMPTS]) ?? 0,
      failedAt: Number.isNaN(failedAt.getTime()) ? new Date(0) : failedAt,
    };
  }
  const deaths = Array.isArray(headers["x-death"]) ? headers["x-death"] as XDeath[] : [];
  const death = deaths[0] ?? {};
  const reason = String(headers["x-first-death-reason"] ?? death.reason ?? "unknown");
  const explanation = reason === "delivery_limit"
    ? `the broker's delivery limit (${deliveryLimit}) was exceeded: consumers kept dying without settling it`
    : `the broker dead-lettered it (${reason})`;
  return {
    id,
    body,
    error: `dead-lettered by RabbitMQ from ${headers["x-first-death-queue"] ?? death.queue ?? "?"}: ${explanation}`,
    attempts: reason === "delivery_limit" ? deliveryLimit + 1 : numberOf(headers["x-delivery-count"]) ?? 0,
    failedAt: death.time instanceof Date ? death.time : msg.properties.timestamp ?? new Date(0),
  };
}
