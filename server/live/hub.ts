// The live-progress hub of one instance: engine events (from this instance or, through LISTEN/NOTIFY, from the
// others) are merged per run and pushed to the WebSocket subscribers of the same tenant at most `maxFps` times per
// second per run. Lifecycle changes (started, finished, failed, rate limited) go out at once.
import { Coalescer } from "./coalescer.ts";

/** A progress update for one job's run; fields are merged, `stages` entries by step+stage. */
export interface LiveEvent {
  tenantId: number;
  jobId: number;
  runId?: number | null;
  /** Job/run status when it changed (RUNNING, FINISHED, FAILED, RATE_LIMITED, READY). */
  status?: string;
  stages?: Array<
    { step: string; stage: string; expected: number; done: number; records: number; expectedRecords?: number }
  >;
  recordsPerSecond?: number | null;
  etaSeconds?: number | null;
  error?: string | null;
  resumeAt?: string | null;
  nextRunAt?: string | null;
  at?: string;
}

export type Frame = { type: "snapshot"; jobs: unknown[] } | { type: "progress"; event: LiveEvent };

type Subscriber = { tenantId: number; send: (frame: Frame) => void };

export function mergeEvents(a: LiveEvent, b: LiveEvent): LiveEvent {
  const stages = new Map((a.stages ?? []).map((s) => [`${s.step}/${s.stage}`, s]));
  for (const s of b.stages ?? []) stages.set(`${s.step}/${s.stage}`, s);
  return { ...a, ...b, stages: stages.size ? [...stages.values()] : undefined };
}

export class ProgressHub {
  #subscribers = new Set<Subscriber>();
  #coalescer: Coalescer<LiveEvent>;

  constructor(options: { maxFps?: number; now?: () => number } = {}) {
    this.#coalescer = new Coalescer<LiveEvent>(
      1000 / (options.maxFps ?? 4),
      mergeEvents,
      (_key, event) => this.#fanOut(event),
      options.now,
    );
  }

  publish(event: LiveEvent) {
    const key = `${event.tenantId}/${event.jobId}/${event.runId ?? "-"}`;
    this.#coalescer.push(key, event, event.status !== undefined);
  }

  subscribe(tenantId: number, send: (frame: Frame) => void): () => void {
    const sub = { tenantId, send };
    this.#subscribers.add(sub);
    return () => this.#subscribers.delete(sub);
  }

  get subscriberCount() {
    return this.#subscribers.size;
  }

  #fanOut(event: LiveEvent) {
    for (const sub of this.#subscribers) {
      if (sub.tenantId !== event.tenantId) continue;
      try {
        sub.send({ type: "progress", event });
      } catch {
        this.#subscribers.delete(sub);
      }
    }
  }

  close() {
    this.#coalescer.close();
    this.#subscribers.clear();
  }
}
