// One consumer of the database queue: a loop that claims up to `prefetch − held` ready rows with
// FOR UPDATE SKIP LOCKED (oldest first), hands them to the shared DeliveryRunner, and sleeps until a NOTIFY, a
// settled delivery or the poll interval wakes it. A heartbeat renews the leases it holds and marks it alive;
// when it dies the heartbeat stops and its rows become claimable again after the visibility timeout.
import type { Db } from "../../db/port.ts";
import { log } from "../../lib/log.ts";
import { type ConsumeLimits, type Consumer, errorText, type Handler, QueueError, type StageName } from "./port.ts";
import { DeliveryRunner, type Lease, type OutageLedger } from "./runner.ts";

export const NOTIFY_CHANNEL = "sluice_queue";

export interface DbConsumerContext {
  db: Db;
  stage: StageName;
  queueName: string;
  maxAttempts: number;
  visibilityTimeoutMs: number;
  heartbeatMs: number;
  pollIntervalMs: number;
  /** Deliveries lost to a database outage (their lease expired while it was down), shared by the queue. */
  ledger?: OutageLedger;
}

interface ClaimedRow {
  id: number;
  body: unknown;
  attempts: number;
  /** The claim did not count as an attempt: the lease it replaces was another consumer's, held across a restart. */
  forgiven: boolean;
}

// The CTE picks and locks; the UPDATE takes the lease. `attempts` grows with every claim, so ack/retry can tell
// their own lease from a later one after a visibility timeout. Except: a lease another consumer last renewed before
// the database (re)started expired because the database was down, not because its holder failed, so taking it over
// is no new attempt (the old holder cannot ack it: locked_by differs). Leases of this consumer go through its
// in-process ledger instead (#forgive), which also tells its own outage-lost leases apart.
const CLAIM_SQL = `
WITH picked AS (
  SELECT id, (locked_by IS NOT NULL AND locked_by <> $3
    AND visible_at - $4 * interval '1 millisecond' < pg_postmaster_start_time()) AS forgiven
  FROM queue_messages
  WHERE queue = $1 AND state = 'ready' AND visible_at <= now()
  ORDER BY id
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)
UPDATE queue_messages m
SET attempts = m.attempts + CASE WHEN picked.forgiven THEN 0 ELSE 1 END, locked_by = $3, visible_at = now() + $4 * interval '1 millisecond'
FROM picked WHERE m.id = picked.id
RETURNING m.id, m.body, m.attempts, picked.forgiven`;

const LEASE = `id = $1 AND locked_by = $2 AND attempts = $3 AND state = 'ready'`;
const ACK_SQL = `DELETE FROM queue_messages WHERE ${LEASE} RETURNING id`;
const RETRY_SQL = `WITH u AS (
  UPDATE queue_messages SET locked_by = NULL, visible_at = now(), last_error = $4 WHERE ${LEASE} RETURNING queue
) SELECT pg_notify('${NOTIFY_CHANNEL}', queue) AS notified FROM u`;
const DEAD_SQL = `UPDATE queue_messages SET state = 'dead', locked_by = NULL, last_error = $4, dead_at = now()
  WHERE ${LEASE} RETURNING id`;
// A graceful stop hands a message back without counting the delivery as an attempt.
const RELEASE_SQL = `WITH u AS (
  UPDATE queue_messages SET locked_by = NULL, visible_at = now(), attempts = attempts - 1 WHERE ${LEASE}
  RETURNING queue
) SELECT pg_notify('${NOTIFY_CHANNEL}', queue) AS notified FROM u`;
const HEARTBEAT_SQL = `WITH alive AS (
  UPDATE queue_consumers SET heartbeat_at = now() WHERE id = $1
) UPDATE queue_messages SET visible_at = now() + $2 * interval '1 millisecond'
  WHERE locked_by = $1 AND state = 'ready' AND id = ANY($3::bigint[]) RETURNING id`;

export class DbConsumer implements Consumer {
  readonly id = `${crypto.randomUUID()}`;
  readonly stage: StageName;
  #ctx: DbConsumerContext;
  #runner: DeliveryRunner;
  #limits: ConsumeLimits;
  #active = true;
  #woken = false;
  #wakeSleeper: (() => void) | null = null;
  #loop: Promise<void> = Promise.resolve();
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #beating: Promise<void> | null = null;
  /** Rows held and not yet settled; only these leases are renewed, so a row whose settlement failed expires. */
  #held = new Set<number>();
  #stopped: Promise<void> | undefined;
  #onClosed: (c: DbConsumer) => void;

  constructor(ctx: DbConsumerContext, handler: Handler, limits: ConsumeLimits, onClosed: (c: DbConsumer) => void) {
    this.#ctx = ctx;
    this.stage = ctx.stage;
    this.#limits = limits;
    this.#onClosed = onClosed;
    this.#runner = new DeliveryRunner(handler, {
      stage: ctx.stage,
      concurrency: limits.concurrency,
      maxAttempts: ctx.maxAttempts,
      onSettled: () => this.wake(),
      ledger: ctx.ledger,
    });
  }

  async start(): Promise<void> {
    const { db, queueName, visibilityTimeoutMs } = this.#ctx;
    // Rows of consumers that died long ago are dropped here rather than by a separate janitor.
    await db.query(
      `DELETE FROM queue_consumers WHERE heartbeat_at < now() - $1 * interval '1 millisecond'`,
      [visibilityTimeoutMs * 10],
    );
    await db.query("INSERT INTO queue_consumers (id, queue) VALUES ($1, $2)", [this.id, queueName]);
    this.#heartbeat = setInterval(() => {
      // a slow database must not pile up overlapping beats
      this.#beating ??= this.#beat().finally(() => (this.#beating = null));
    }, this.#ctx.heartbeatMs);
    this.#loop = this.#run();
  }

  /** Something may be claimable: a NOTIFY for this queue arrived or a held delivery was settled. */
  wake(): void {
    this.#woken = true;
    const wake = this.#wakeSleeper;
    this.#wakeSleeper = null;
    wake?.();
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown(false);
    return this.#stopped;
  }

  abort(): Promise<void> {
    this.#stopped ??= this.#shutdown(true);
    return this.#stopped;
  }

  async #shutdown(abort: boolean): Promise<void> {
    this.#active = false;
    // The runner stops first, so rows from a claim still in flight are handed straight back (or, on abort, left).
    if (abort) this.#runner.abort();
    const stopping = abort ? Promise.resolve() : this.#runner.stop();
    this.wake();
    await this.#loop;
    await stopping;
    if (!abort) await this.#runner.stop(); // also waits for hand-backs of what that last claim brought in
    // The heartbeat kept renewing leases while running handlers finished, so it stops last.
    clearInterval(this.#heartbeat);
    await this.#beating;
    if (!abort) {
      await this.#ctx.db.query("DELETE FROM queue_consumers WHERE id = $1", [this.id]).catch((e) =>
        log.warn("queue consumer row not removed", { id: this.id, error: errorText(e) })
      );
    }
    this.#onClosed(this);
  }

  async #run(): Promise<void> {
    while (this.#active) {
      this.#woken = false;
      const room = this.#limits.prefetch - this.#runner.held;
      if (room > 0) {
        let rows: ClaimedRow[];
        try {
          rows = await this.#claim(room);
        } catch (e) {
          log.warn("queue claim failed; retrying after the poll interval", {
            queue: this.#ctx.queueName,
            error: errorText(e),
          });
          await this.#sleep();
          continue;
        }
        rows.sort((a, b) => a.id - b.id);
        await this.#forgive(rows);
        for (const row of rows) this.#runner.accept(this.#lease(row));
        if (rows.length === room) continue; // there may be more waiting
      }
      await this.#sleep();
    }
  }

  /** A claim after a lease this process lost to an outage is not a new attempt: the row's count is put back. */
  async #forgive(rows: ClaimedRow[]): Promise<void> {
    for (const row of rows) {
      const n = this.#ctx.ledger?.take(String(row.id)) ?? 0;
      if (n === 0 || row.attempts <= 1 || row.forgiven) continue;
      const [back] = await this.#ctx.db.query<{ attempts: number }>(
        `UPDATE queue_messages SET attempts = greatest(1, attempts - $4) WHERE ${LEASE} RETURNING attempts`,
        [row.id, this.id, row.attempts, n],
      ).catch(() => []);
      if (back) row.attempts = back.attempts;
    }
  }

  #claim(limit: number): Promise<ClaimedRow[]> {
    const { db, queueName, visibilityTimeoutMs } = this.#ctx;
    return db.query<ClaimedRow>(CLAIM_SQL, [queueName, limit, this.id, visibilityTimeoutMs]);
  }

  #sleep(): Promise<void> {
    if (this.#woken || !this.#active) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wakeSleeper = null;
        resolve();
      }, this.#ctx.pollIntervalMs);
      this.#wakeSleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #beat(): Promise<void> {
    try {
      await this.#ctx.db.query(HEARTBEAT_SQL, [this.id, this.#ctx.visibilityTimeoutMs, [...this.#held]]);
    } catch (e) {
      log.warn("queue heartbeat failed", { queue: this.#ctx.queueName, consumer: this.id, error: errorText(e) });
    }
  }

  #lease(row: ClaimedRow): Lease {
    const { db, stage } = this.#ctx;
    const params = [row.id, this.id, row.attempts];
    const body = row.body;
    const isObject = body !== null && typeof body === "object" && !Array.isArray(body);
    this.#held.add(row.id);
    const settle = async (sql: string, extra: unknown[] = []) => {
      this.#held.delete(row.id);
      const rows = await db.query(sql, [...params, ...extra]);
      if (rows.length === 0) {
        throw new QueueError(`lease on message ${row.id} (attempt ${row.attempts}) was lost to the visibility timeout`);
      }
    };
    return {
      delivery: {
        stage,
        id: String(row.id),
        body: (isObject ? body : {}) as Record<string, unknown>,
        attempt: row.attempts,
      },
      ...(isObject ? {} : { invalid: "stored message body is not a JSON object" }),
      ack: () => settle(ACK_SQL),
      retry: (error) => settle(RETRY_SQL, [error]),
      deadLetter: (error) => settle(DEAD_SQL, [error]),
      release: () => settle(RELEASE_SQL),
    };
  }
}

/** Inserts a batch and wakes consumers on commit (NOTIFY is transactional). */
export const PUBLISH_SQL = `WITH ins AS (
  INSERT INTO queue_messages (queue, body) SELECT $1::text, value FROM jsonb_array_elements($2::jsonb) RETURNING id
) SELECT count(*)::int AS n, pg_notify('${NOTIFY_CHANNEL}', $1::text) AS notified FROM ins`;
