// Queue figures for the admin Queues page, shared by GET /app/etl/queues and the live feed on /app/etl/ws: per stage
// depth, in flight, dead-lettered, consumers and processed/s, plus the dead letters themselves. Queues and workers
// serve every tenant of the instance, so the global figures and worker control are for the instance operator; every
// admin sees only the dead letters of their own tenant.
//
// Rates: the engine counts the messages its workers acked per stage (Engine.processed). Each sample records those
// counters with the time; processed/s is the counters' growth over the samples of the last `rateWindowMs` (at least
// one second apart), so it follows the current pace. It is this instance's throughput; another instance's workers
// are not in it. Without an engine in the process, or before two samples exist, the rate is null.
//
// The feed samples every `intervalMs` (2 s) while at least one socket is subscribed — one sample for all of them,
// however many are open — and stops when the last one leaves. Listing dead letters is the costly part (RabbitMQ
// browses the dead-letter queue), so a stage's list is read again only when its count changed, after a requeue, or
// after `deadLetterRefreshMs`.
import { type DeadLetter, type Queue, type QueueStats, type StageName, STAGES } from "../../engine/queue/port.ts";
import { log } from "../../lib/log.ts";

/** What the queues page needs from the engine (deps.services.engine). */
export interface WorkerControl {
  readonly workersRunning: boolean;
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
  /** Acked messages per stage since start (engine/engine.ts). */
  readonly processed?: Readonly<Record<StageName, number>>;
}

export interface QueueViewer {
  tenantId: number;
  operator: boolean;
}

export interface StageView {
  stage: StageName;
  queueName: string;
  deadLettered: number;
  deadLetters: DeadLetter[];
  /** Operator only from here on. */
  depth?: number;
  inFlight?: number;
  consumers?: number;
  missing?: true;
  /** Messages per second acked by this instance's workers; null while unknown. */
  processedPerSecond?: number | null;
}

export interface QueuesView {
  adapter: Queue["kind"];
  maxAttempts: number;
  operator: boolean;
  workersRunning: boolean;
  stages: StageView[];
}

interface Sample {
  at: number;
  stats: QueueStats;
  deadLetters: Record<StageName, DeadLetter[]>;
  rates: Record<StageName, number | null>;
  workersRunning: boolean;
}

/** Dead letters read per stage; the page lists at most PAGE_LIMIT of the viewer's tenant. */
const LIST_LIMIT = 200;
const PAGE_LIMIT = 50;

export interface QueueMonitorOptions {
  intervalMs?: number;
  rateWindowMs?: number;
  deadLetterRefreshMs?: number;
  now?: () => number;
}

export class QueueMonitor {
  readonly #queue: Queue;
  readonly #engine: WorkerControl | undefined;
  readonly #intervalMs: number;
  readonly #rateWindowMs: number;
  readonly #refreshMs: number;
  readonly #now: () => number;
  #counters: Array<{ at: number; processed: Record<StageName, number> }> = [];
  #lists = new Map<StageName, { count: number; at: number; letters: DeadLetter[] }>();
  #inFlight: Promise<Sample> | null = null;
  #subscribers = new Set<{ viewer: QueueViewer; send: (view: QueuesView) => void }>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(queue: Queue, engine: WorkerControl | undefined, options: QueueMonitorOptions = {}) {
    this.#queue = queue;
    this.#engine = engine;
    this.#intervalMs = options.intervalMs ?? 2000;
    this.#rateWindowMs = options.rateWindowMs ?? 10_000;
    this.#refreshMs = options.deadLetterRefreshMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /** The figures as this viewer may see them (a fresh sample; concurrent callers share one). */
  async view(viewer: QueueViewer): Promise<QueuesView> {
    return shape(await this.#sample(), this.#queue, viewer);
  }

  /** Forgets a stage's cached dead letters (after a requeue), so the next sample lists them again. */
  invalidate(stage: StageName) {
    this.#lists.delete(stage);
  }

  /** Pushes the viewer's figures now and every interval until the returned function is called. */
  subscribe(viewer: QueueViewer, send: (view: QueuesView) => void): () => void {
    const sub = { viewer, send };
    this.#subscribers.add(sub);
    if (this.#subscribers.size === 1) this.#tick();
    else this.#sample().then((s) => this.#push(sub, s)).catch(() => {});
    return () => {
      this.#subscribers.delete(sub);
      if (this.#subscribers.size === 0) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  get subscriberCount() {
    return this.#subscribers.size;
  }

  #tick = async () => {
    this.#timer = undefined;
    try {
      const sample = await this.#sample();
      for (const sub of this.#subscribers) this.#push(sub, sample);
    } catch (e) {
      log.warn("queue figures not sampled", { error: e });
    }
    if (this.#subscribers.size > 0 && this.#timer === undefined) this.#timer = setTimeout(this.#tick, this.#intervalMs);
  };

  #push(sub: { viewer: QueueViewer; send: (view: QueuesView) => void }, sample: Sample) {
    if (!this.#subscribers.has(sub)) return;
    try {
      sub.send(shape(sample, this.#queue, sub.viewer));
    } catch {
      this.#subscribers.delete(sub);
    }
  }

  #sample(): Promise<Sample> {
    this.#inFlight ??= this.#read().finally(() => (this.#inFlight = null));
    return this.#inFlight;
  }

  async #read(): Promise<Sample> {
    const stats = await this.#queue.stats();
    const at = this.#now();
    const deadLetters = {} as Sample["deadLetters"];
    for (const stage of STAGES) deadLetters[stage] = await this.#deadLetters(stage, stats[stage].deadLettered, at);
    return { at, stats, deadLetters, rates: this.#rates(at), workersRunning: this.#engine?.workersRunning ?? false };
  }

  async #deadLetters(stage: StageName, count: number, at: number): Promise<DeadLetter[]> {
    const cached = this.#lists.get(stage);
    if (cached && cached.count === count && at - cached.at < this.#refreshMs) return cached.letters;
    const letters = count === 0 ? [] : await this.#queue.listDeadLetters(stage, LIST_LIMIT);
    this.#lists.set(stage, { count, at, letters });
    return letters;
  }

  #rates(at: number): Record<StageName, number | null> {
    const rates = { extract: null, transform: null, embed: null } as Record<StageName, number | null>;
    const counters = this.#engine?.processed;
    if (!counters) return rates;
    this.#counters.push({ at, processed: { ...counters } });
    // keep the newest sample older than the window too, so a slow sampler still has a base to compare with
    while (this.#counters.length > 2 && at - this.#counters[1].at >= this.#rateWindowMs) this.#counters.shift();
    const base = this.#counters[0];
    const seconds = (at - base.at) / 1000;
    if (seconds < 1) return rates;
    for (const stage of STAGES) {
      rates[stage] = Math.round(((counters[stage] - base.processed[stage]) / seconds) * 10) / 10;
    }
    return rates;
  }
}

/** Dead letters are shown only to the tenant whose message it was. */
export function ownedBy(letter: DeadLetter, tenantId: number) {
  return letter.body.tenantId === tenantId;
}

function shape(sample: Sample, queue: Queue, viewer: QueueViewer): QueuesView {
  const stages = STAGES.map((stage): StageView => {
    const deadLetters = sample.deadLetters[stage].filter((d) => ownedBy(d, viewer.tenantId)).slice(0, PAGE_LIMIT);
    const queueName = queue.queueName(stage);
    if (!viewer.operator) return { stage, queueName, deadLetters, deadLettered: deadLetters.length };
    return { stage, queueName, ...sample.stats[stage], processedPerSecond: sample.rates[stage], deadLetters };
  });
  return {
    adapter: queue.kind,
    maxAttempts: queue.maxAttempts,
    operator: viewer.operator,
    workersRunning: sample.workersRunning,
    stages,
  };
}

const monitors = new WeakMap<Queue, QueueMonitor>();

/** The instance's monitor for its queue (one per queue, created on first use; it runs only while subscribed). */
export function queueMonitorFor(services: Record<string, unknown> | undefined): QueueMonitor | null {
  const queue = services?.queue as Queue | undefined;
  if (!queue) return null;
  let monitor = monitors.get(queue);
  if (!monitor) monitors.set(queue, monitor = new QueueMonitor(queue, services?.engine as WorkerControl | undefined));
  return monitor;
}
