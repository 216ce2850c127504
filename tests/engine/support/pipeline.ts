// An in-process pipeline for a test: fresh database, isolated queue, synthetic source, one job, an engine with
// workers — and teardown of all of it, whatever the test did.
import type { Db } from "../../../db/port.ts";
import { type AdapterKind, createTestDb, primaryKind, type TestDb } from "../../support/db.ts";
import type { Queue } from "../../../engine/queue/port.ts";
import type { Connector } from "../../../engine/connector.ts";
import { createEngine, type Engine, type EngineDeps } from "../../../engine/engine.ts";
import { OPEN_ADDRESSES } from "../../../engine/http/address_guard.ts";
import type { EngineEvent } from "../../../engine/events.ts";
import { createSyntheticConnector } from "../../../engine/connectors/synthetic/connector.ts";
import { SyntheticSource, type SyntheticSourceOptions } from "../../../engine/connectors/synthetic/source.ts";
import { setLogLevel } from "../../../lib/log.ts";
import {
  type JobSetup,
  openQueue,
  type QueueKind,
  type QueueSetup,
  seedSyntheticJob,
  type SyntheticJob,
} from "./harness.ts";

// Engine info lines (run started/finished, dropped messages) would drown the test report.
setLogLevel("error");

export interface Pipeline {
  db: Db;
  testDb: TestDb;
  queue: Queue;
  prefix: string;
  source: SyntheticSource;
  job: SyntheticJob;
  engine: Engine;
  events: EngineEvent[];
  connector: Connector;
}

export interface PipelineSetup {
  /** Database adapter (default: PostgreSQL when DATABASE_URL is set, else PGlite). */
  dbKind?: AdapterKind;
  source?: SyntheticSourceOptions;
  job?: JobSetup;
  queue?: QueueSetup;
  engine?: Partial<Omit<EngineDeps, "db" | "queue">>;
  /** Wraps the queue (fault injection) before the engine sees it. */
  wrapQueue?: (queue: Queue) => Queue;
  /** Wraps the connector (call counting). */
  wrapConnector?: (connector: Connector) => Connector;
  startWorkers?: boolean;
}

/** Defaults small enough to be quick and big enough to need continuations and several batches. */
export const SMALL: SyntheticSourceOptions = { groups: 5, items: 600, baseTime: new Date(Date.now() - 86_400_000) };

export async function withPipeline(kind: QueueKind, setup: PipelineSetup, fn: (p: Pipeline) => Promise<void>) {
  const testDb = await createTestDb(setup.dbKind ?? primaryKind());
  const db = testDb.db;
  const source = new SyntheticSource({ ...SMALL, ...setup.source });
  let closeQueue: (() => Promise<void>) | undefined;
  let engine: Engine | undefined;
  try {
    const q = await openQueue(kind, db, setup.queue);
    closeQueue = q.close;
    const queue = setup.wrapQueue ? setup.wrapQueue(q.queue) : q.queue;
    const job = await seedSyntheticJob(db, source, setup.job);
    const connector = (setup.wrapConnector ?? ((c) => c))(createSyntheticConnector());
    engine = createEngine({
      addressGuard: OPEN_ADDRESSES,
      db,
      queue,
      connectors: [connector],
      chunkPages: 3,
      concurrency: { extract: 1, transform: 3, embed: 2 },
      ...setup.engine,
    });
    const events: EngineEvent[] = [];
    engine.events.subscribe((e) => events.push(e));
    if (setup.startWorkers !== false) await engine.startWorkers();
    await fn({ db, testDb, queue, prefix: q.prefix, source, job, engine, events, connector });
  } finally {
    await engine?.close();
    await closeQueue?.();
    await source.close();
    await testDb.close();
  }
}

/** A connector that counts how often load ran (effect-once means once per batch, whatever the queue does). */
export function countingLoads(connector: Connector, calls: { load: number }): Connector {
  return {
    ...connector,
    load: (step, kind, records, ctx) => {
      calls.load++;
      return connector.load(step, kind, records, ctx);
    },
  };
}
