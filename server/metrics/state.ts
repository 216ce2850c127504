// Gauges read at scrape time from shared state: the stage queues (depth, in flight, dead letters, consumers), the
// jobs' current status, the raw page store's size, and this process's memory. Each source is read at most once per
// `ttlMs` however often Prometheus scrapes, and none of them scans a table: queue stats are the adapter's own
// counters, the jobs table has a handful of rows per tenant, and the raw store's size comes from the catalog.
import { Counter, Gauge, type Registry } from "prom-client";
import type { Queue, QueueStats, StageName } from "../../engine/queue/port.ts";
import type { Queryable } from "../../db/port.ts";

/** A value computed at most once per `ttlMs`; concurrent callers share one computation. */
export function cached<T>(ttlMs: number, compute: () => Promise<T>, now = Date.now): () => Promise<T> {
  let value: { at: number; promise: Promise<T> } | undefined;
  return () => {
    if (!value || now() - value.at >= ttlMs) {
      const promise = compute();
      value = { at: now(), promise };
      promise.catch(() => (value = undefined)); // a failed read is retried on the next scrape
    }
    return value.promise;
  };
}

export interface StateSources {
  db: Queryable;
  queue?: () => Queue | undefined;
  /** Acked messages per stage since start (the engine's counters). */
  processed?: () => Readonly<Record<StageName, number>> | undefined;
  ttlMs?: number;
}

export function registerStateGauges(registry: Registry, sources: StateSources) {
  const registers = [registry];
  const ttl = sources.ttlMs ?? 2_000;
  const stats = cached(ttl, async (): Promise<QueueStats | undefined> => await sources.queue?.()?.stats());
  const queueGauge = (name: string, help: string, pick: (s: QueueStats[StageName]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["stage"],
      registers,
      async collect() {
        this.reset();
        const all = await stats();
        for (const [stage, figures] of Object.entries(all ?? {})) this.set({ stage }, pick(figures));
      },
    });
  queueGauge("sluice_queue_depth", "Messages waiting per stage queue.", (s) => s.depth);
  queueGauge("sluice_queue_in_flight", "Messages delivered and not yet settled per stage.", (s) => s.inFlight);
  queueGauge("sluice_queue_dead_letters", "Dead-lettered messages per stage.", (s) => s.deadLettered);
  queueGauge("sluice_queue_consumers", "Live consumers per stage queue, across instances.", (s) => s.consumers);

  let lastProcessed: Partial<Record<StageName, number>> = {};
  new Counter({
    name: "sluice_queue_processed_total",
    help: "Messages acked per stage by this instance's workers.",
    labelNames: ["stage"],
    registers,
    collect() {
      for (const [stage, total] of Object.entries(sources.processed?.() ?? {}) as Array<[StageName, number]>) {
        const added = total - (lastProcessed[stage] ?? 0);
        if (added > 0) this.inc({ stage }, added);
      }
      lastProcessed = { ...sources.processed?.() };
    },
  });

  const jobs = cached(
    ttl,
    () =>
      sources.db.query<{ tenant_id: number; id: number; name: string; status: string; active: boolean }>(
        "SELECT tenant_id, id, name, status, active FROM etl_jobs",
      ),
  );
  new Gauge({
    name: "sluice_job_status",
    help: "1 for each job's current status (READY, RUNNING, FINISHED, FAILED, RATE_LIMITED).",
    labelNames: ["tenant_id", "job_id", "job", "status", "active"],
    registers,
    async collect() {
      this.reset();
      for (const j of await jobs()) {
        const labels = { tenant_id: String(j.tenant_id), job_id: String(j.id), job: j.name, status: j.status };
        this.set({ ...labels, active: String(j.active) }, 1);
      }
    },
  });

  const raw = cached(ttl * 3, async () => {
    const [row] = await sources.db.query<{ bytes: number; rows: number }>(
      `SELECT pg_total_relation_size(c.oid)::bigint AS bytes, greatest(c.reltuples, 0)::bigint AS rows
         FROM pg_class c WHERE c.oid = to_regclass('raw_extraction_data')`,
    );
    return row ?? { bytes: 0, rows: 0 };
  });
  new Gauge({
    name: "sluice_raw_data_bytes",
    help: "Size of the stored raw source pages (raw_extraction_data with its indexes and TOAST), in bytes.",
    registers,
    async collect() {
      this.set(Number((await raw()).bytes));
    },
  });
  new Gauge({
    name: "sluice_raw_data_pages_estimate",
    help: "Stored raw source pages, as the database's planner estimates them (no count is run).",
    registers,
    async collect() {
      this.set(Number((await raw()).rows));
    },
  });

  const memory = (name: string, help: string, pick: (m: Deno.MemoryUsage) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(pick(Deno.memoryUsage()));
      },
    });
  memory("process_resident_memory_bytes", "Resident memory size in bytes.", (m) => m.rss);
  memory("deno_heap_used_bytes", "V8 heap in use, in bytes.", (m) => m.heapUsed);
  memory("deno_heap_total_bytes", "V8 heap reserved, in bytes.", (m) => m.heapTotal);
  memory("deno_external_memory_bytes", "Memory of objects outside the V8 heap (buffers), in bytes.", (m) => m.external);
}
