// Carries live events between instances over PostgreSQL LISTEN/NOTIFY (with PGlite the same calls stay in
// process). Each instance throttles what it notifies per run, and every instance's hub receives everything.
import type { Db } from "../../db/port.ts";
import { Coalescer } from "./coalescer.ts";
import { type LiveEvent, mergeEvents, type ProgressHub } from "./hub.ts";
import { log } from "../../lib/log.ts";

export const LIVE_CHANNEL = "sluice_live";
const MAX_NOTIFY_BYTES = 7900; // PostgreSQL's NOTIFY payload limit is 8000 bytes

export interface LiveBridge {
  /** Called by the engine for every progress event. */
  emit(event: LiveEvent): void;
  close(): Promise<void>;
}

export async function startLiveBridge(
  db: Db,
  hub: ProgressHub,
  options: { maxFps?: number } = {},
): Promise<LiveBridge> {
  const unlisten = await db.listen(LIVE_CHANNEL, (payload) => {
    try {
      hub.publish(JSON.parse(payload) as LiveEvent);
    } catch (e) {
      log.warn("dropped malformed live event", { error: e });
    }
  });
  const send = (event: LiveEvent) => {
    let payload = JSON.stringify(event);
    if (payload.length > MAX_NOTIFY_BYTES) {
      payload = JSON.stringify({ ...event, stages: undefined, error: event.error?.slice(0, 500) });
    }
    db.notify(LIVE_CHANNEL, payload).catch((e) => log.warn("live event not sent", { error: e }));
  };
  const outgoing = new Coalescer<LiveEvent>(1000 / (options.maxFps ?? 4), mergeEvents, (_k, e) => send(e));
  return {
    emit(event) {
      outgoing.push(`${event.tenantId}/${event.jobId}/${event.runId ?? "-"}`, event, event.status !== undefined);
    },
    async close() {
      outgoing.drain();
      outgoing.close();
      await unlisten();
    },
  };
}
