// Vector services for tests that start a Sluice server: the given embedder and store, background maintenance, and
// the live progress feed, registered the way engine_services does; `stop` ends them.
import type { AppDeps } from "../../server/context.ts";
import type { Embedder } from "../../engine/vectors/embedder.ts";
import type { VectorStore } from "../../engine/vectors/store.ts";
import { VectorMaintenance } from "../../engine/vectors/maintenance.ts";
import { startVectorLive } from "../../server/live/vector_live.ts";

export interface TestVectors {
  maintenance: VectorMaintenance;
  stop(): Promise<void>;
}

export async function addVectorServices(
  deps: AppDeps,
  embedder: Embedder,
  vectorStore: VectorStore,
): Promise<TestVectors> {
  const maintenance = new VectorMaintenance(deps.db, { embedder, vectorStore });
  const live = await startVectorLive(deps.db, maintenance);
  deps.services = { ...deps.services, vectors: { embedder, vectorStore, maintenance }, vectorLive: live.live };
  return {
    maintenance,
    async stop() {
      await maintenance.close();
      await live.stop();
    },
  };
}
