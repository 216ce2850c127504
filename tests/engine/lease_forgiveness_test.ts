// Database-queue leases across processes (issue #10 §2): a message another process held when PostgreSQL went down
// comes back once its lease expires, and taking it over after the restart is no new attempt (the outage, not the
// message, stopped it). A lease taken after the restart that expires is an attempt as before. Runs on its own
// PostgreSQL (tests/support/own_services.ts), restarted for real.
import { assertEquals } from "../support/assert.ts";
import { connectPostgres } from "../../db/postgres.ts";
import { migrate } from "../../db/migrate.ts";
import { DATABASE_URL } from "../support/db.ts";
import { ownPostgres } from "../support/own_services.ts";
import { openDbQueue } from "../../engine/queue/db_queue.ts";
import type { Db } from "../../db/port.ts";
import { newPrefix, waitFor } from "./support/harness.ts";

const VISIBILITY_MS = 1000;

/** A message leased by another (gone) consumer, its lease last renewed now. */
async function leasedElsewhere(db: Db, queue: string, n: number): Promise<void> {
  await db.query(
    `INSERT INTO queue_messages (queue, body, attempts, locked_by, visible_at)
     VALUES ($1, $2::jsonb, 1, 'gone-process', now() + $3 * interval '1 millisecond')`,
    [queue, JSON.stringify({ n }), VISIBILITY_MS],
  );
}

Deno.test({
  name: "db queue: a lease another process held across a PostgreSQL restart is taken over without costing an attempt",
  ignore: !DATABASE_URL,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const own = await ownPostgres();
    if (typeof own === "string") return console.warn(`skipped: ${own}`);
    let db = connectPostgres(own.url, { max: 4 });
    try {
      await migrate(db);
      const prefix = newPrefix();
      const setup = await openDbQueue(db, { prefix, visibilityTimeoutMs: VISIBILITY_MS });
      const name = setup.queueName("extract");
      await setup.close();
      await leasedElsewhere(db, name, 1);
      await db.close();
      await own.stop();
      await own.start();
      db = connectPostgres(own.url, { max: 4 });
      await leasedElsewhere(db, name, 2); // leased after the restart: its expiry is the holder's failure
      await new Promise((r) => setTimeout(r, VISIBILITY_MS + 200));
      const queue = await openDbQueue(db, { prefix, visibilityTimeoutMs: VISIBILITY_MS, pollIntervalMs: 50 });
      const attempts = new Map<number, number>();
      const consumer = await queue.consume("extract", (d) => {
        attempts.set((d.body as { n: number }).n, d.attempt);
        return Promise.resolve();
      }, { prefetch: 2 });
      await waitFor("both messages", () => Promise.resolve(attempts.size === 2), 10_000);
      await consumer.stop();
      await queue.close();
      assertEquals(attempts.get(1), 1, "held across the restart: not an attempt");
      assertEquals(attempts.get(2), 2, "expired after the restart: an attempt");
    } finally {
      await db.close().catch(() => {});
      await own.close();
    }
  },
});
