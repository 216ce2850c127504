// Starts the pipeline inside `sluice serve`: the Queue adapter (RabbitMQ or the database queue), the engine with
// its connectors, the stage workers and the orchestrator, and the live-progress hub fed by engine events over the
// LISTEN/NOTIFY bridge. Registers them as services for the routes (jobs, queues, WebSocket).
import type { AppDeps } from "./context.ts";
import { openQueue } from "../engine/queue/open.ts";
import { createEngine, type Engine } from "../engine/engine.ts";
import type { Connector } from "../engine/connector.ts";
import { decryptSecret } from "./secrets.ts";
import { ProgressHub } from "./live/hub.ts";
import { startLiveBridge } from "./live/bridge.ts";
import { toLiveEvent } from "./live/engine_events.ts";
import { log } from "../lib/log.ts";
import { openVectorServices, type VectorServices } from "./vectors.ts";
import { startVectorLive } from "./live/vector_live.ts";
import { sourceAddressGuard } from "./config.ts";

/** The job types the engine of this instance can run, or null when no engine runs here (job cards then cannot tell). */
export function installedJobTypes(services: Record<string, unknown> | undefined): string[] | null {
  const engine = services?.engine as { jobTypes?: string[] } | undefined;
  return engine?.jobTypes ?? null;
}

export interface EngineServices {
  engine: Engine;
  stop(): Promise<void>;
}

export async function startEngineServices(
  deps: AppDeps,
  connectors: Connector[],
  options: { workers?: boolean; orchestrator?: boolean; vectors?: VectorServices; backfill?: boolean } = {},
): Promise<EngineServices> {
  const vectors = options.vectors ?? await openVectorServices(deps.config, deps.db);
  const queue = await openQueue({ amqpUrl: deps.config.AMQP_URL, db: deps.db });
  const engine = createEngine({
    db: deps.db,
    queue,
    connectors,
    openCredentials: (tenantId, sealed) => decryptSecret(deps.keys.data, tenantId, sealed),
    embedder: vectors.embedder,
    vectorStore: vectors.vectorStore,
    addressGuard: sourceAddressGuard(deps.config),
    rawRetentionDays: deps.config.SLUICE_RAW_RETENTION_DAYS,
  });
  const hub = new ProgressHub({ maxFps: 4 });
  const bridge = await startLiveBridge(deps.db, hub, { maxFps: 4 });
  const unfollow = vectors.maintenance.followRuns(engine.events);
  const unsubscribe = engine.events.subscribe((event) => {
    const live = toLiveEvent(event);
    if (live) bridge.emit(live);
  });
  if (options.workers !== false) await engine.startWorkers();
  if (options.orchestrator !== false) engine.orchestrator.start();
  const vectorLive = await startVectorLive(deps.db, vectors.maintenance);
  deps.services = { ...deps.services, engine, queue, hub, vectors, vectorLive: vectorLive.live };
  if (queue.kind === "rabbitmq") {
    deps.readiness = [...(deps.readiness ?? []), {
      name: "broker",
      check: async () => {
        await queue.stats();
      },
    }];
  }
  // records not embedded with the current model (new model, upgrade, lost vectors) fill in the background
  if (options.backfill !== false) {
    vectors.maintenance.backfillPending().catch((e) => log.warn("vector back-fill failed", { error: e }));
  }
  log.info("engine started", {
    queue: queue.kind,
    owner: engine.owner,
    connectors: connectors.map((c) => c.type),
    vectors: vectors.vectorStore.kind,
    embedder: vectors.embedder.id,
  });
  return {
    engine,
    async stop() {
      unsubscribe();
      unfollow();
      await vectors.maintenance.close();
      await vectorLive.stop();
      await engine.close();
      await bridge.close();
      hub.close();
      await queue.close();
    },
  };
}
