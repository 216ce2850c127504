// The OutageLedger (runner.ts) across processes, for RabbitMQ: when a process's broker connection drops, the
// deliveries it held are recorded in PostgreSQL (queue_outage_returns), so the consumer that gets one back after the
// broker returns — in whatever process — does not charge the message an attempt for the outage. The database queue
// needs none of this: pg_postmaster_start_time() already tells it which leases an outage cut short.
import type { Queryable } from "../../db/port.ts";
import { log } from "../../lib/log.ts";
import { errorText } from "./port.ts";

export interface SharedOutageLedger {
  /** These deliveries were lost to a lost connection (each id counted once per call). */
  record(messageIds: string[]): Promise<void>;
  /** Returns of this message recorded so far; 0 when the store cannot be read (the attempt is then charged). */
  forgiven(messageId: string): Promise<number>;
}

/** Rows older than this are pruned when a new outage is recorded: their messages are long settled. */
const KEEP_DAYS = 7;

export function dbOutageLedger(db: Queryable): SharedOutageLedger {
  return {
    async record(messageIds) {
      const ids = [...new Set(messageIds)];
      if (ids.length === 0) return;
      try {
        await db.query(
          `INSERT INTO queue_outage_returns (message_id, returns) SELECT unnest($1::text[]), 1
           ON CONFLICT (message_id) DO UPDATE SET returns = queue_outage_returns.returns + 1, recorded_at = now()`,
          [ids],
        );
        await db.query("DELETE FROM queue_outage_returns WHERE recorded_at < now() - $1 * interval '1 day'", [
          KEEP_DAYS,
        ]);
      } catch (e) {
        // only forgiveness is lost: the redeliveries cost an attempt, as they would without this ledger
        log.warn("could not record deliveries lost to a broker outage", { count: ids.length, error: errorText(e) });
      }
    },
    async forgiven(messageId) {
      try {
        const [row] = await db.query<{ returns: number }>(
          "SELECT returns FROM queue_outage_returns WHERE message_id = $1",
          [messageId],
        );
        return row?.returns ?? 0;
      } catch {
        return 0;
      }
    },
  };
}
