// Database adapter of the Queue port (the embedded default when AMQP_URL is unset): one row per message in
// queue_messages (migration 0002), on PostgreSQL and PGlite alike through the Db port.
//
// - Delivery: consumers claim with FOR UPDATE SKIP LOCKED (db_consumer.ts); a claim is a lease that expires after
//   the visibility timeout unless the consumer's heartbeat renews it, so a crashed consumer's messages come back.
// - Wake-ups: publishes NOTIFY on commit; consumers LISTEN through the Db port and also poll as a fallback (a
//   missed notification, or a database where LISTEN is unavailable, only costs one poll interval).
// - Transactions: publishTx(tx, stage, messages) inserts inside the caller's transaction, so a stage's data and
//   the messages it produces commit or roll back together (no outbox needed on this adapter). With RabbitMQ the
//   engine publishes after its commit instead; redelivery makes that safe because loads are upserts.
import type { Db, Queryable } from "../../db/port.ts";
import { log } from "../../lib/log.ts";
import { DbConsumer, NOTIFY_CHANNEL, PUBLISH_SQL } from "./db_consumer.ts";
import { OutageLedger } from "./runner.ts";
import {
  assertStage,
  checkConsumeOptions,
  checkLimit,
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  encodeMessages,
  errorText,
  type Handler,
  type Queue,
  QueueClosedError,
  QueueError,
  queueNameOf,
  type QueueSettings,
  type QueueStats,
  QueueUnroutableError,
  type ResolvedSettings,
  resolveSettings,
  type StageName,
  STAGES,
} from "./port.ts";

export interface DbQueueOptions extends QueueSettings {
  /** A claimed message returns to the queue when its consumer's heartbeat stops for this long (default 60 s). */
  visibilityTimeoutMs?: number;
  /** Lease renewal and liveness interval (default a third of the visibility timeout). */
  heartbeatMs?: number;
  /** Fallback poll when no NOTIFY arrives (default 1 s). */
  pollIntervalMs?: number;
}

const FOREIGN_KEY_VIOLATION = "23503";

function positiveMs(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new QueueError(`${name} must be a positive whole number of ms`);
  return value;
}

/** Declares the stage queues of this prefix and starts listening for wake-ups. */
export async function openDbQueue(db: Db, options: DbQueueOptions = {}): Promise<DbQueue> {
  const queue = new DbQueue(db, options);
  await queue.declare();
  return queue;
}

export class DbQueue implements Queue {
  readonly kind = "db" as const;
  readonly maxAttempts: number;
  #db: Db;
  #settings: ResolvedSettings;
  #visibilityTimeoutMs: number;
  #heartbeatMs: number;
  #pollIntervalMs: number;
  #consumers = new Set<DbConsumer>();
  #unlisten: (() => Promise<void>) | undefined;
  #closed = false;
  #ledger = new OutageLedger();

  constructor(db: Db, options: DbQueueOptions = {}) {
    this.#db = db;
    this.#settings = resolveSettings(options);
    this.maxAttempts = this.#settings.maxAttempts;
    this.#visibilityTimeoutMs = positiveMs("visibilityTimeoutMs", options.visibilityTimeoutMs ?? 60_000);
    this.#heartbeatMs = positiveMs("heartbeatMs", options.heartbeatMs ?? Math.ceil(this.#visibilityTimeoutMs / 3));
    if (this.#heartbeatMs >= this.#visibilityTimeoutMs) {
      throw new QueueError("heartbeatMs must be shorter than visibilityTimeoutMs, or leases expire while held");
    }
    this.#pollIntervalMs = positiveMs("pollIntervalMs", options.pollIntervalMs ?? 1000);
  }

  queueName(stage: StageName): string {
    return queueNameOf(this.#settings.prefix, assertStage(stage));
  }

  /** Registers the stage queues (idempotent) and subscribes to wake-ups. */
  async declare(): Promise<void> {
    const names = STAGES.map((s) => this.queueName(s));
    await this.#db.query(
      "INSERT INTO queue_names (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING",
      [names],
    );
    try {
      this.#unlisten = await this.#db.listen(NOTIFY_CHANNEL, (payload) => this.#wake(payload));
    } catch (e) {
      log.warn("queue LISTEN unavailable; consumers fall back to polling", { error: errorText(e) });
    }
  }

  async publish(stage: StageName, messages: object[]): Promise<void> {
    this.#open();
    await this.publishTx(this.#db, stage, messages);
  }

  /**
   * Publishes inside the caller's transaction: the messages become visible (and consumers are woken) only when
   * `tx` commits, and vanish with it on rollback. An unknown queue fails the statement, which aborts `tx`.
   */
  async publishTx(tx: Queryable, stage: StageName, messages: object[]): Promise<void> {
    const name = this.queueName(stage);
    const texts = encodeMessages(messages, this.#settings.maxMessageBytes);
    if (texts.length === 0) return;
    try {
      await tx.query(PUBLISH_SQL, [name, `[${texts.join(",")}]`]);
    } catch (e) {
      if ((e as { code?: string }).code === FOREIGN_KEY_VIOLATION) {
        throw new QueueUnroutableError(
          `queue ${name} is not declared in this database; ${messages.length} ` +
            `message(s) refused`,
          { cause: e },
        );
      }
      throw e;
    }
  }

  async consume(stage: StageName, handler: Handler, options: ConsumeOptions): Promise<Consumer> {
    this.#open();
    const limits = checkConsumeOptions(options);
    const consumer = new DbConsumer(
      {
        db: this.#db,
        stage: assertStage(stage),
        queueName: this.queueName(stage),
        maxAttempts: this.maxAttempts,
        visibilityTimeoutMs: this.#visibilityTimeoutMs,
        heartbeatMs: this.#heartbeatMs,
        pollIntervalMs: this.#pollIntervalMs,
        ledger: this.#ledger,
      },
      handler,
      limits,
      (c) => this.#consumers.delete(c),
    );
    await consumer.start();
    this.#consumers.add(consumer);
    return consumer;
  }

  async stats(): Promise<QueueStats> {
    const names = STAGES.map((s) => this.queueName(s));
    const rows = await this.#db.query<
      { queue: string; declared: boolean; depth: number; in_flight: number; dead: number; consumers: number }
    >(
      `SELECT n.name AS queue, EXISTS (SELECT 1 FROM queue_names q WHERE q.name = n.name) AS declared,
        (SELECT count(*)::int FROM queue_messages m WHERE m.queue = n.name AND m.state = 'ready'
          AND (m.locked_by IS NULL OR m.visible_at <= now())) AS depth,
        (SELECT count(*)::int FROM queue_messages m WHERE m.queue = n.name AND m.state = 'ready'
          AND m.locked_by IS NOT NULL AND m.visible_at > now()) AS in_flight,
        (SELECT count(*)::int FROM queue_messages m WHERE m.queue = n.name AND m.state = 'dead') AS dead,
        (SELECT count(*)::int FROM queue_consumers c WHERE c.queue = n.name
          AND c.heartbeat_at > now() - $2 * interval '1 millisecond') AS consumers
      FROM unnest($1::text[]) AS n(name)`,
      [names, this.#visibilityTimeoutMs],
    );
    const byName = new Map(rows.map((r) => [r.queue, r]));
    const out = {} as QueueStats;
    for (const stage of STAGES) {
      const r = byName.get(this.queueName(stage));
      out[stage] = {
        depth: r?.depth ?? 0,
        inFlight: r?.in_flight ?? 0,
        deadLettered: r?.dead ?? 0,
        consumers: r?.consumers ?? 0,
        ...(r?.declared ? {} : { missing: true as const }),
      };
    }
    return out;
  }

  async listDeadLetters(stage: StageName, limit = 100): Promise<DeadLetter[]> {
    const rows = await this.#db.query<
      { id: number; body: Record<string, unknown>; last_error: string | null; attempts: number; dead_at: Date }
    >(
      `SELECT id, body, last_error, attempts, dead_at FROM queue_messages
       WHERE queue = $1 AND state = 'dead' ORDER BY dead_at, id LIMIT $2`,
      [this.queueName(stage), checkLimit(limit)],
    );
    return rows.map((r) => ({
      id: String(r.id),
      body: r.body,
      error: r.last_error ?? "",
      attempts: r.attempts,
      failedAt: new Date(r.dead_at),
    }));
  }

  async requeueDeadLetter(stage: StageName, id: string): Promise<boolean> {
    const name = this.queueName(stage);
    if (!/^\d{1,18}$/.test(id)) return false;
    const rows = await this.#db.query(
      `WITH u AS (
        UPDATE queue_messages SET state = 'ready', attempts = 0, locked_by = NULL, visible_at = now(), dead_at = NULL
        WHERE id = $1 AND queue = $2 AND state = 'dead' RETURNING queue
      ) SELECT pg_notify('${NOTIFY_CHANNEL}', queue) AS notified FROM u`,
      [Number(id), name],
    );
    return rows.length > 0;
  }

  async deleteDeadLetters(stage: StageName, ids: readonly string[]): Promise<number> {
    const numeric = ids.filter((id) => /^\d{1,18}$/.test(id)).map(Number);
    if (numeric.length === 0) return 0;
    const [row] = await this.#db.query<{ n: number }>(
      `WITH d AS (
        DELETE FROM queue_messages WHERE queue = $1 AND state = 'dead' AND id = ANY($2::bigint[]) RETURNING id
      ) SELECT count(*)::int AS n FROM d`,
      [this.queueName(stage), numeric],
    );
    return row.n;
  }

  async purge(stage: StageName): Promise<number> {
    const [row] = await this.#db.query<{ n: number }>(
      `WITH d AS (
        DELETE FROM queue_messages WHERE queue = $1
          AND (state = 'dead' OR locked_by IS NULL OR visible_at <= now()) RETURNING id
      ) SELECT count(*)::int AS n FROM d`,
      [this.queueName(stage)],
    );
    return row.n;
  }

  /** Drops the stage queues of this prefix with their messages (tests; the equivalent of deleting broker queues). */
  async deleteQueues(): Promise<void> {
    await this.#db.query("DELETE FROM queue_names WHERE name = ANY($1::text[])", [
      STAGES.map((s) => this.queueName(s)),
    ]);
  }

  /** Deletes one stage's queue, so publishing to it fails (fault tests). */
  async deleteQueue(stage: StageName): Promise<void> {
    await this.#db.query("DELETE FROM queue_names WHERE name = $1", [this.queueName(stage)]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#consumers].map((c) => c.stop()));
    await this.#unlisten?.();
  }

  #wake(queueName: string): void {
    for (const c of this.#consumers) if (this.queueName(c.stage) === queueName) c.wake();
  }

  #open(): void {
    if (this.#closed) throw new QueueClosedError("queue is closed");
  }
}
