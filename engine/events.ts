// In-process progress events. The engine emits them at the moments the database changed (after the commit), so
// a subscriber never shows a state that was rolled back. The WebSocket hub (server side) coalesces and forwards
// them per tenant; nothing here knows about browsers.
import type { StageName } from "./queue/port.ts";
import type { RunTrigger } from "./connector.ts";
import { log } from "../lib/log.ts";

interface RunEventBase {
  tenantId: number;
  jobId: number;
  runId: number;
  /** ISO time the event was emitted (engine clock). */
  at: string;
}

export interface RunStartedEvent extends RunEventBase {
  type: "run.started";
  trigger: RunTrigger;
  steps: string[];
  windowFrom: string | null;
  windowTo: string;
}

/** A parked (rate-limited) or orphaned run picked up again from its checkpoint. */
export interface RunResumedEvent extends RunEventBase {
  type: "run.resumed";
  trigger: "resume" | "takeover" | "manual";
  step: string | null;
}

/** Extraction of a step began (steps run strictly in order). */
export interface StepStartedEvent extends RunEventBase {
  type: "step.started";
  step: string;
  index: number;
  total: number;
}

export interface RunRateLimitedEvent extends RunEventBase {
  type: "run.rate_limited";
  step: string | null;
  resumeAt: string;
  reason: string;
}

export interface RunFinishedEvent extends RunEventBase {
  type: "run.finished";
  rowsWritten: number;
  requestsMade: number;
  durationMs: number;
  nextRunAt: string | null;
}

export interface RunFailedEvent extends RunEventBase {
  type: "run.failed";
  error: string;
  details: Record<string, unknown>;
  nextRunAt: string | null;
}

/** The run was fenced (operator forced the job back to READY, or a newer run replaced it). */
export interface RunFencedEvent extends RunEventBase {
  type: "run.fenced";
  reason: string;
}

/** Counters of one (run, step, stage) right after a batch committed. */
export interface StageProgressEvent extends RunEventBase {
  type: "stage.progress";
  step: string;
  stage: StageName;
  /** Batches published to this stage so far (extract: pages committed). */
  expected: number;
  done: number;
  /** Records extracted (extract), rows written (transform) or vectors written (embed). */
  records: number;
  /** Records per second over the last few seconds, seen by this instance. */
  recordsPerSecond: number;
  /** Seconds until done = expected at the current pace; null while unknown. */
  etaSeconds: number | null;
  /** Extract only: the source's estimate of the step's records (connector pages' expectedRecords), when known. */
  expectedRecords?: number;
}

/** A batch failed; it is retried unless willRetry is false (then the run fails or the message is dropped). */
export interface StageErrorEvent extends RunEventBase {
  type: "stage.error";
  step: string;
  stage: StageName;
  error: string;
  attempt: number;
  willRetry: boolean;
}

export type EngineEvent =
  | RunStartedEvent
  | RunResumedEvent
  | StepStartedEvent
  | RunRateLimitedEvent
  | RunFinishedEvent
  | RunFailedEvent
  | RunFencedEvent
  | StageProgressEvent
  | StageErrorEvent;

export type EngineEventType = EngineEvent["type"];
export type Listener<E extends EngineEvent = EngineEvent> = (event: E) => void;
type EventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;

export class EventBus {
  #all = new Set<Listener>();
  #byType = new Map<EngineEventType, Set<Listener>>();

  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#all.add(listener);
    return () => this.#all.delete(listener);
  }

  /** Subscribes to one event type. */
  on<T extends EngineEventType>(type: T, listener: Listener<EventOf<T>>): () => void {
    let set = this.#byType.get(type);
    if (!set) this.#byType.set(type, set = new Set());
    set.add(listener as Listener);
    return () => set!.delete(listener as Listener);
  }

  emit(event: EngineEvent): void {
    for (const l of [...this.#all, ...(this.#byType.get(event.type) ?? [])]) {
      try {
        l(event);
      } catch (e) {
        // A broken subscriber must not break the pipeline that emitted the event.
        log.warn("engine event listener failed", { type: event.type, error: e });
      }
    }
  }
}

/**
 * Records/s and ETA per (run, step, stage) from the counters each commit returns. Kept in memory per instance:
 * a sliding window of samples, so the rate follows the current pace rather than the run's average.
 */
export class RateTracker {
  #samples = new Map<string, Array<{ t: number; records: number; done: number; expected: number }>>();
  #observed = 0;
  constructor(private windowMs = 15_000) {}

  /**
   * Rate and ETA of one stage counter, or null when the observation is older than one already seen: counters only
   * grow, but two consumers' updates can finish their database round trips in one order and resume in the other, and
   * a stale update published last would leave the page showing a regressed counter.
   */
  observe(
    key: string,
    t: number,
    records: number,
    done: number,
    expected: number,
  ): { recordsPerSecond: number; etaSeconds: number | null } | null {
    // Runs finished by another instance are never forgotten here; drop series that went quiet long ago.
    if (++this.#observed % 500 === 0) {
      for (const [k, list] of this.#samples) {
        if (t - list[list.length - 1].t > this.windowMs * 40) this.#samples.delete(k);
      }
    }
    let list = this.#samples.get(key);
    if (!list) this.#samples.set(key, list = []);
    const last = list.at(-1);
    if (last && (done < last.done || records < last.records || expected < last.expected)) return null;
    list.push({ t, records, done, expected });
    while (list.length > 2 && t - list[0].t > this.windowMs) list.shift();
    const first = list[0];
    const seconds = (t - first.t) / 1000;
    if (seconds <= 0) return { recordsPerSecond: 0, etaSeconds: null };
    const recordsPerSecond = Math.max(0, (records - first.records) / seconds);
    const batchesPerSecond = (done - first.done) / seconds;
    const left = expected - done;
    const etaSeconds = left <= 0 ? 0 : batchesPerSecond > 0 ? Math.round(left / batchesPerSecond) : null;
    return { recordsPerSecond: Math.round(recordsPerSecond * 10) / 10, etaSeconds };
  }

  /** Drops a finished run's samples. */
  forget(runId: number) {
    for (const key of this.#samples.keys()) if (key.startsWith(`${runId}:`)) this.#samples.delete(key);
  }
}
