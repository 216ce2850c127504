// Live progress of vector tasks (re-embedding a kind, removing orphans) for the Qdrant page, over the same
// WebSocket as the job cards (`/app/etl/ws?topics=vectors`). A task runs in one instance; its progress travels over
// LISTEN/NOTIFY (in-process with PGlite) so a browser connected to any instance sees it, at most a few frames per
// second per task, with state changes at once.
import type { Db } from "../../db/port.ts";
import type { VectorMaintenance, VectorProgress } from "../../engine/vectors/maintenance.ts";
import { Coalescer } from "./coalescer.ts";
import { log } from "../../lib/log.ts";

export const VECTOR_CHANNEL = "sluice_vectors";

type Send = (progress: VectorProgress) => void;

export class VectorLive {
  readonly #subscribers = new Set<{ tenantId: number; send: Send }>();

  constructor(readonly maintenance: VectorMaintenance) {}

  subscribe(tenantId: number, send: Send): () => void {
    const sub = { tenantId, send };
    this.#subscribers.add(sub);
    return () => this.#subscribers.delete(sub);
  }

  deliver(p: VectorProgress) {
    for (const sub of this.#subscribers) {
      if (sub.tenantId !== p.tenantId) continue;
      try {
        sub.send(p);
      } catch {
        this.#subscribers.delete(sub);
      }
    }
  }
}

export async function startVectorLive(db: Db, maintenance: VectorMaintenance): Promise<{
  live: VectorLive;
  stop(): Promise<void>;
}> {
  const live = new VectorLive(maintenance);
  const unlisten = await db.listen(VECTOR_CHANNEL, (payload) => {
    try {
      live.deliver(JSON.parse(payload) as VectorProgress);
    } catch (e) {
      log.warn("dropped malformed vector progress", { error: e });
    }
  });
  const outgoing = new Coalescer<VectorProgress>(250, (_a, b) => b, (_key, p) => {
    db.notify(VECTOR_CHANNEL, JSON.stringify(p)).catch((e) => log.warn("vector progress not sent", { error: e }));
  });
  const unsubscribe = maintenance.onProgress((p) =>
    outgoing.push(`${p.tenantId}/${p.kind}`, p, p.state !== "running" || p.done === 0)
  );
  return {
    live,
    async stop() {
      unsubscribe();
      outgoing.drain();
      outgoing.close();
      await unlisten();
    },
  };
}
