// Runs the Queue conformance suite against every backend available here: the database queue on PGlite (always)
// and on PostgreSQL (DATABASE_URL), and RabbitMQ (AMQP_URL). Unavailable backends are reported as skipped.
import type { Db } from "../../db/port.ts";
import { connectPostgres } from "../../db/postgres.ts";
import { type AdapterKind, AMQP_URL, createTestDb, DATABASE_URL } from "../../tests/support/db.ts";
import { type Backend, queueConformance, type QueueHarness, SUITE_MAX_ATTEMPTS } from "./conformance.ts";
import { type DbQueue, type DbQueueOptions, openDbQueue } from "./db_queue.ts";
import { openRabbitQueue, type RabbitQueue, type RabbitQueueOptions } from "./rabbit_queue.ts";

// Short timings keep the crash case fast: a dead consumer's lease runs out after half a second.
const dbTimings: DbQueueOptions = {
  maxAttempts: SUITE_MAX_ATTEMPTS,
  visibilityTimeoutMs: 500,
  heartbeatMs: 100,
  pollIntervalMs: 50,
};

function dbBackend(kind: AdapterKind): Backend {
  return {
    name: `db/${kind}`,
    skip: kind === "postgres" && !DATABASE_URL ? "DATABASE_URL not set" : undefined,
    async start() {
      const testDb = await createTestDb(kind);
      return {
        async open(prefix: string): Promise<QueueHarness> {
          const queue = await openDbQueue(testDb.db, { ...dbTimings, prefix });
          const peers: DbQueue[] = [];
          const pools: Db[] = [];
          return {
            queue,
            async openPeer() {
              // On PostgreSQL a peer gets its own connection pool, as another process would; PGlite is in-process.
              let db = testDb.db;
              if (testDb.url) pools.push(db = connectPostgres(testDb.url, { max: 4 }));
              const peer = await openDbQueue(db, { ...dbTimings, prefix });
              peers.push(peer);
              return peer;
            },
            deleteQueue: (stage) => queue.deleteQueue(stage),
            async close() {
              for (const peer of peers) await peer.close();
              await queue.close();
              await queue.deleteQueues();
              for (const db of pools) await db.close();
            },
          };
        },
        stop: () => testDb.close(),
      };
    },
  };
}

const rabbitBackend: Backend = {
  name: "rabbitmq",
  skip: AMQP_URL ? undefined : "AMQP_URL not set",
  start() {
    return Promise.resolve({
      async open(prefix: string): Promise<QueueHarness> {
        const options: RabbitQueueOptions = {
          url: AMQP_URL!,
          prefix,
          maxAttempts: SUITE_MAX_ATTEMPTS,
          connectionName: prefix,
          reconnectIntervalMs: 100,
        };
        const queue = await openRabbitQueue(options);
        const peers: RabbitQueue[] = [];
        return {
          queue,
          async openPeer() {
            const peer = await openRabbitQueue({ ...options, connectionName: `${prefix}-peer` });
            peers.push(peer);
            return peer;
          },
          deleteQueue: (stage) => queue.deleteQueue(stage),
          async close() {
            for (const peer of peers) await peer.close();
            await queue.deleteQueues();
            await queue.close();
          },
        };
      },
      stop: () => Promise.resolve(),
    });
  },
};

queueConformance(dbBackend("pglite"));
queueConformance(dbBackend("postgres"));
queueConformance(rabbitBackend);
