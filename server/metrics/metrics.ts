// The instance's Prometheus metrics (prom-client, one registry per app). Default metrics are NOT collected: their
// collectors use Node APIs Deno lacks (process.cpuUsage, monitorEventLoopDelay) and break scrapes; memory gauges
// come from Deno.memoryUsage() instead (state.ts). What is measured:
// - HTTP request duration per declared route path (never the raw URL) and status class;
// - source API requests and rate-limit refusals per provider (engine/http/observer.ts);
// - runs, records and records/s from the engine's events (pipeline.ts);
// - queue figures, job status, raw data size and memory at scrape time, cached (state.ts).
import type { Context } from "hono";
import { routePath } from "hono/route";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AppDeps } from "../context.ts";
import { matchedRoute } from "../api/route.ts";
import { observeSourceRequests } from "../../engine/http/observer.ts";
import type { EventBus } from "../../engine/events.ts";
import type { Queue, StageName } from "../../engine/queue/port.ts";
import { PipelineMetrics } from "./pipeline.ts";
import { registerStateGauges } from "./state.ts";
import { VERSION } from "../version.ts";

export class SluiceMetrics {
  readonly registry = new Registry();
  readonly #http: Histogram;
  readonly #closers: Array<() => void> = [];

  constructor(deps: AppDeps) {
    const registers = [this.registry];
    this.#http = new Histogram({
      name: "sluice_http_request_duration_seconds",
      help: "Time to answer HTTP requests, per route pattern and status class.",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const requests = new Counter({
      name: "sluice_source_requests_total",
      help: "Requests sent to source APIs, per provider and outcome (ok, retry, throttled, failed).",
      labelNames: ["provider", "outcome"],
      registers,
    });
    const limited = new Counter({
      name: "sluice_source_rate_limited_total",
      help: "Source API requests refused for the source's rate limit (429, GitHub 403 without budget), per provider.",
      labelNames: ["provider"],
      registers,
    });
    this.#closers.push(observeSourceRequests((o) => {
      requests.inc({ provider: o.provider, outcome: o.outcome });
      if (o.rateLimited) limited.inc({ provider: o.provider });
    }));
    const services = () => deps.services ?? {};
    const engine = services().engine as { events?: EventBus } | undefined;
    if (engine?.events) {
      const pipeline = new PipelineMetrics(this.registry, deps.db, engine.events);
      this.#closers.push(() => pipeline.close());
    }
    registerStateGauges(this.registry, {
      db: deps.db,
      queue: () => services().queue as Queue | undefined,
      processed: () => (services().engine as { processed?: Record<StageName, number> } | undefined)?.processed,
    });
    const info = new Gauge({
      name: "sluice_info",
      help: "Always 1: this instance's version and adapters.",
      labelNames: ["version", "database"],
      registers,
    });
    info.set({ version: VERSION, database: deps.db?.kind ?? "unknown" }, 1);
    new Gauge({ name: "process_start_time_seconds", help: "Start time of the process, in Unix seconds.", registers })
      .set(Math.round((Date.now() - performance.now()) / 1000));
  }

  /** Records one answered request; the route label is the declared (or page) pattern, so it stays bounded. */
  observeHttp(c: Context, startedMs: number) {
    const route = matchedRoute(c)?.path ?? (routePath(c) || "unmatched");
    const status = `${Math.floor(c.res.status / 100)}xx`;
    this.#http.observe({ method: c.req.method, route, status }, (performance.now() - startedMs) / 1000);
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close() {
    for (const close of this.#closers.splice(0)) close();
  }
}

const instances = new WeakMap<AppDeps, SluiceMetrics>();

/** The app's metrics (one per deps, created with the app). */
export function metricsFor(deps: AppDeps): SluiceMetrics {
  let metrics = instances.get(deps);
  if (!metrics) instances.set(deps, metrics = new SluiceMetrics(deps));
  return metrics;
}

/** Stops the metrics' subscriptions (engine events, source requests) when the app shuts down. */
export function closeMetrics(deps: AppDeps) {
  instances.get(deps)?.close();
  instances.delete(deps);
}
