// Pipeline metrics fed by the engine's events in this process: runs started and ended per job and status, records
// processed per stage (a counter, so rate() works across restarts) and the current records/s of the running steps.
// Job names are looked up once per job id and cached; events carry ids only.
import { Counter, Gauge, type Registry } from "prom-client";
import type { EngineEvent, EventBus } from "../../engine/events.ts";
import type { Queryable } from "../../db/port.ts";

/** A step's pace counts towards records/s only while its last progress event is this recent. */
const PACE_TTL_MS = 10_000;

const END_STATUS: Partial<Record<EngineEvent["type"], string>> = {
  "run.finished": "FINISHED",
  "run.failed": "FAILED",
  "run.fenced": "FENCED",
  "run.rate_limited": "RATE_LIMITED",
};

export class PipelineMetrics {
  readonly #started: Counter;
  readonly #ended: Counter;
  readonly #records: Counter;
  /** Last cumulative record count per (run, step, stage), to count only what each event adds. */
  readonly #seen = new Map<string, number>();
  /** Latest records/s per (run, step, stage) with the time it was reported. */
  readonly #pace = new Map<string, { stage: string; perSecond: number; at: number }>();
  readonly #names = new Map<number, Promise<string>>();
  readonly #unsubscribe: () => void;

  constructor(registry: Registry, readonly db: Queryable, events: EventBus, readonly now = Date.now) {
    const registers = [registry];
    this.#started = new Counter({
      name: "sluice_runs_started_total",
      help: "Runs started or resumed by this instance's engine, per job and trigger.",
      labelNames: ["tenant_id", "job_id", "job", "trigger"],
      registers,
    });
    this.#ended = new Counter({
      name: "sluice_runs_total",
      help: "Runs that ended (or were parked) in this instance, per job and status.",
      labelNames: ["tenant_id", "job_id", "job", "status"],
      registers,
    });
    this.#records = new Counter({
      name: "sluice_records_processed_total",
      help: "Records extracted (extract), rows written (transform) or vectors written (embed) by this instance.",
      labelNames: ["stage"],
      registers,
    });
    const pace = this.#pace;
    const ttlNow = now;
    new Gauge({
      name: "sluice_records_per_second",
      help: "Current records per second of the steps running in this instance, per stage.",
      labelNames: ["stage"],
      registers,
      collect() {
        this.reset();
        const cutoff = ttlNow() - PACE_TTL_MS;
        const sums = new Map<string, number>([["extract", 0], ["transform", 0], ["embed", 0]]);
        for (const [key, entry] of pace) {
          if (entry.at < cutoff) pace.delete(key);
          else sums.set(entry.stage, (sums.get(entry.stage) ?? 0) + entry.perSecond);
        }
        for (const [stage, value] of sums) this.set({ stage }, value);
      },
    });
    this.#unsubscribe = events.subscribe((event) => this.#onEvent(event));
  }

  close() {
    this.#unsubscribe();
  }

  #jobName(jobId: number): Promise<string> {
    let name = this.#names.get(jobId);
    if (!name) {
      name = this.db.query<{ name: string }>("SELECT name FROM etl_jobs WHERE id = $1", [jobId])
        .then(([row]) => row?.name ?? "").catch(() => "");
      this.#names.set(jobId, name);
    }
    return name;
  }

  #onEvent(event: EngineEvent) {
    if (event.type === "stage.progress") {
      const key = `${event.runId}/${event.step}/${event.stage}`;
      const added = event.records - (this.#seen.get(key) ?? 0);
      this.#seen.set(key, Math.max(event.records, this.#seen.get(key) ?? 0));
      if (added > 0) this.#records.inc({ stage: event.stage }, added);
      this.#pace.set(key, { stage: event.stage, perSecond: event.recordsPerSecond, at: this.now() });
      return;
    }
    if (event.type === "run.started" || event.type === "run.resumed") {
      this.#count(this.#started, event, { trigger: event.trigger });
      return;
    }
    const status = END_STATUS[event.type];
    if (!status) return;
    this.#count(this.#ended, event, { status });
    if (event.type !== "run.rate_limited") {
      for (const key of [...this.#seen.keys()]) if (key.startsWith(`${event.runId}/`)) this.#seen.delete(key);
      for (const key of [...this.#pace.keys()]) if (key.startsWith(`${event.runId}/`)) this.#pace.delete(key);
    }
  }

  #count(counter: Counter, event: EngineEvent, labels: Record<string, string>) {
    this.#jobName(event.jobId).then((job) =>
      counter.inc({ tenant_id: String(event.tenantId), job_id: String(event.jobId), job, ...labels })
    );
  }
}
