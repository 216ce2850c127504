// Assembles the engine: the three stage consumers of the Queue port, the run commands, the orchestrator and the
// event bus. The caller owns the Db and the Queue (opens and closes them); close() only stops what the engine runs.
import type { Db } from "../db/port.ts";
import type { Consumer, Handler, Queue, StageName } from "./queue/port.ts";
import type { Connector } from "./connector.ts";
import { ConnectorRegistry } from "./connectors/registry.ts";
import { type EngineContext, type EngineOptions, Publisher, resolveOptions } from "./context.ts";
import { EventBus, RateTracker } from "./events.ts";
import {
  forcePending,
  startBackfill,
  type StartedRun,
  startRetransform,
  startRun,
  type StartRunRequest,
} from "./commands.ts";
import { Orchestrator } from "./orchestrator.ts";
import { extractHandler } from "./stages/extract.ts";
import { transformHandler } from "./stages/transform.ts";
import { embedHandler } from "./stages/embed.ts";
import { HashingEmbedder } from "./vectors/lexical_embedder.ts";
import { DatabaseVectorStore } from "./vectors/db_store.ts";
import { log } from "../lib/log.ts";
import { defaultAddressGuard } from "./http/address_guard.ts";

export interface EngineDeps extends EngineOptions {
  db: Db;
  queue: Queue;
  connectors: ConnectorRegistry | Connector[];
}

export interface Engine {
  /** Starts a job run; EngineError codes job_not_found / job_running / job_inactive / integration_inactive. */
  startRun(req: StartRunRequest): Promise<StartedRun>;
  /** Re-transforms an integration's stored raw rows (no API calls); refused with job_running while it runs. */
  startRetransform(req: { tenantId: number; integrationId: number }): Promise<StartedRun>;
  startBackfill(req: { tenantId: number; integrationId: number; fields: string[] }): Promise<StartedRun>;
  /** Admin: job back to READY, its current run fenced (its queued messages are dropped as they arrive). */
  forcePending(req: { tenantId: number; jobId: number }): Promise<{ jobId: number; fencedRunId: number | null }>;
  startWorkers(): Promise<void>;
  /** Graceful: extract chunks stop after the page in flight and hand over; running batches finish. */
  stopWorkers(): Promise<void>;
  readonly workersRunning: boolean;
  readonly orchestrator: Orchestrator;
  readonly events: EventBus;
  /** Messages dropped by fencing since start, per stage. */
  readonly dropped: Readonly<Record<StageName, number>>;
  /** Messages this instance's workers handled successfully (acked) since start, per stage: the queues page's rates. */
  readonly processed: Readonly<Record<StageName, number>>;
  readonly owner: string;
  /** Job types this engine has a connector for (jobs of other types are shown blocked and never started). */
  readonly jobTypes: string[];
  /** Stops workers and the orchestrator (releases the leader lock). Leaves db and queue open. */
  close(): Promise<void>;
}

function defaultOwner(): string {
  let host = "local";
  try {
    host = Deno.hostname();
  } catch {
    // --allow-sys not granted: the pid and random suffix still make the owner unique.
  }
  return `${host}:${Deno.pid}:${crypto.randomUUID().slice(0, 8)}`;
}

export function createEngine(deps: EngineDeps): Engine {
  const connectors = deps.connectors instanceof ConnectorRegistry
    ? deps.connectors
    : new ConnectorRegistry(deps.connectors);
  const ctx: EngineContext = {
    db: deps.db,
    queue: deps.queue,
    publisher: new Publisher(deps.queue),
    connectors,
    events: new EventBus(),
    rates: new RateTracker(),
    opts: resolveOptions(deps),
    owner: deps.owner ?? defaultOwner(),
    now: deps.now ?? (() => new Date()),
    embedder: deps.embedder ?? new HashingEmbedder(256),
    // the engine library's default: pgvector in the same database, or its exact mode where PostgreSQL lacks the
    // extension (`sluice serve` is stricter: it requires pgvector or QDRANT_URL, see server/vectors.ts)
    vectorStore: deps.vectorStore ?? new DatabaseVectorStore(deps.db),
    openCredentials: deps.openCredentials,
    addressGuard: deps.addressGuard ?? defaultAddressGuard(),
    dropped: { extract: 0, transform: 0, embed: 0 },
  };
  const orchestrator = new Orchestrator(ctx);
  let consumers: Consumer[] = [];
  const processed: Record<StageName, number> = { extract: 0, transform: 0, embed: 0 };
  const counted = (stage: StageName, handler: Handler): Handler => async (delivery) => {
    await handler(delivery);
    processed[stage]++;
  };
  let stopping = new AbortController();
  let running = false;

  async function startWorkers() {
    if (running) return;
    running = true;
    stopping = new AbortController();
    const handlers = {
      extract: extractHandler(ctx, stopping.signal),
      transform: transformHandler(ctx),
      embed: embedHandler(ctx),
    };
    try {
      for (const stage of ["embed", "transform", "extract"] as const) {
        consumers.push(
          await ctx.queue.consume(stage, counted(stage, handlers[stage]), {
            prefetch: ctx.opts.prefetch[stage],
            concurrency: ctx.opts.concurrency[stage],
          }),
        );
      }
    } catch (e) {
      await stopWorkers();
      throw e;
    }
    log.info("engine workers started", { owner: ctx.owner, queue: ctx.queue.kind, concurrency: ctx.opts.concurrency });
  }

  async function stopWorkers() {
    if (!running) return;
    stopping.abort(new Error("workers stopping"));
    const all = consumers;
    consumers = [];
    // Extract first, so no new pages are produced for stages that are already stopping.
    for (const c of all.reverse()) await c.stop();
    running = false;
  }

  return {
    startRun: (req) => startRun(ctx, req),
    startRetransform: (req) => startRetransform(ctx, req),
    startBackfill: (req) => startBackfill(ctx, req),
    forcePending: (req) => forcePending(ctx, req),
    startWorkers,
    stopWorkers,
    get workersRunning() {
      return running;
    },
    orchestrator,
    events: ctx.events,
    dropped: ctx.dropped,
    processed,
    owner: ctx.owner,
    get jobTypes() {
      return connectors.types;
    },
    async close() {
      await stopWorkers();
      await orchestrator.stop();
    },
  };
}
