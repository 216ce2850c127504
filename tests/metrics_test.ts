// GET /metrics over real HTTP: who may scrape (METRICS_TOKEN or the instance operator; 401 and 403 otherwise), and
// the figures after a real run through the engine (database queue, synthetic source over HTTP with one injected
// 429) — runs, records per stage, source requests and rate limits per provider, queue gauges, route-pattern HTTP
// durations, job status, raw data size and memory — checked against the database and the source's own counts.
import { assert, assertEquals } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp, type TestApp } from "./support/app.ts";
import { type EngineServices, startEngineServices } from "../server/engine_services.ts";
import { createSyntheticConnector } from "../engine/connectors/synthetic/connector.ts";
import { SyntheticSource } from "../engine/connectors/synthetic/source.ts";
import { seedSyntheticJob, waitFor, waitForRun } from "./engine/support/harness.ts";

const kind = primaryKind();
const TOKEN = "metrics-token-0123456789abcdef";

/** Exposition text → samples keyed by `name{label="value",…}` as written. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** The one sample of `name` whose labels include all of `labels`. */
function value(all: Map<string, number>, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const hits = [...all].filter(([key]) =>
    (key === name || key.startsWith(`${name}{`)) && wanted.every((w) => key.includes(w))
  );
  if (hits.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${hits.map((h) => h[0])}`);
  return hits[0]?.[1];
}

async function scrape(app: TestApp, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  const res = await fetch(`${app.url}/metrics`, { headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), text, samples: samples(text) };
}

Deno.test(`metrics[${kind}]: only the METRICS_TOKEN or the instance operator may scrape`, async () => {
  const app = await startTestApp(kind, { env: { METRICS_TOKEN: TOKEN } });
  try {
    const first = await app.tenant("Operator Inc");
    const other = await app.tenant("Other");
    const operator = await app.login((await app.user(first, "admin")).email);
    const user = await app.login((await app.user(first, "user")).email);
    const otherAdmin = await app.login((await app.user(other, "admin")).email);
    const anonymous = await scrape(app, {});
    assertEquals(anonymous.status, 401);
    assertEquals(JSON.parse(anonymous.text).error.code, "unauthorized");
    assertEquals((await scrape(app, { authorization: "Bearer wrong-token-0123456789" })).status, 401);
    assertEquals((await scrape(app, { authorization: `Bearer ${user}` })).status, 403);
    assertEquals((await scrape(app, { authorization: `Bearer ${otherAdmin}` })).status, 403, "admin, not operator");
    const byToken = await scrape(app);
    assertEquals(byToken.status, 200);
    assert(byToken.type?.startsWith("text/plain"), `content-type ${byToken.type}`);
    assert(!byToken.text.includes(TOKEN), "the token never appears in the output");
    assertEquals((await scrape(app, { authorization: `Bearer ${operator}` })).status, 200);
    assertEquals((await scrape(app, { authorization: `Bearer ${TOKEN}x` })).status, 401);
  } finally {
    await app.close();
  }
});

Deno.test(`metrics[${kind}]: the figures after a real run match the database and the source`, async () => {
  const source = new SyntheticSource({ groups: 3, items: 450, baseTime: new Date(Date.now() - 86_400_000) });
  source.rateLimit("/items", 2, 1, 1);
  let services: EngineServices | undefined;
  const app = await startTestApp(kind, {
    env: { AMQP_URL: "", METRICS_TOKEN: TOKEN },
    extend: async (deps) => {
      services = await startEngineServices(deps, [createSyntheticConnector()], { orchestrator: false });
    },
  });
  try {
    const tenant = await app.tenant("Acme");
    const job = await seedSyntheticJob(app.db, source, {
      tenantId: tenant,
      name: "Synth",
      settings: { pageSize: 100 },
    });
    const user = await app.login((await app.user(tenant, "user")).email);
    const before = await scrape(app);
    assertEquals(value(before.samples, "sluice_runs_total", { job: "Synth" }), undefined);

    const started = await app.api(`/app/etl/jobs/${job.jobId}/run`, { token: user, body: {} });
    assertEquals(started.status, 202);
    const { runId } = await started.json();
    await waitForRun(app.db, runId, "FINISHED", 60_000);
    const labels = { job: "Synth", job_id: String(job.jobId), tenant_id: String(tenant) };
    const after = await waitFor(
      "the run counted",
      async () => {
        const s = (await scrape(app)).samples;
        const counted = value(s, "sluice_runs_total", { ...labels, status: "FINISHED" }) === 1;
        // the jobs gauge is read at most every few seconds: wait until the cached read is fresh
        const fresh = value(s, "sluice_job_status", { ...labels, status: "FINISHED", active: "true" }) === 1;
        return counted && fresh ? s : undefined;
      },
      15_000,
      250,
    );

    assertEquals(value(after, "sluice_runs_started_total", { ...labels, trigger: "manual" }), 1);
    const stageRecords = await app.db.query<{ stage: string; records: number }>(
      "SELECT stage, sum(records)::int AS records FROM etl_run_stages WHERE run_id = $1 GROUP BY stage",
      [runId],
    );
    for (const { stage, records } of stageRecords) {
      assertEquals(value(after, "sluice_records_processed_total", { stage }), records, `${stage} records`);
    }
    assertEquals(value(after, "sluice_records_processed_total", { stage: "extract" }), 453, "3 groups + 450 items");
    assert(value(after, "sluice_records_per_second", { stage: "transform" }) !== undefined, "records/s exported");

    const sent = source.requests();
    assertEquals(value(after, "sluice_source_rate_limited_total", { provider: "synthetic" }), 1, "one 429");
    assertEquals(value(after, "sluice_source_requests_total", { provider: "synthetic", outcome: "throttled" }), 1);
    assertEquals(value(after, "sluice_source_requests_total", { provider: "synthetic", outcome: "ok" }), sent - 1);
    const [run] = await app.db.query<{ requests_made: number }>("SELECT requests_made FROM etl_runs WHERE id = $1", [
      runId,
    ]);
    assertEquals(run.requests_made, sent, "the run's own counter agrees");

    for (const stage of ["extract", "transform", "embed"]) {
      assertEquals(value(after, "sluice_queue_depth", { stage }), 0, `${stage} drained`);
      assertEquals(value(after, "sluice_queue_dead_letters", { stage }), 0);
      assert(value(after, "sluice_queue_in_flight", { stage }) !== undefined);
      assert((value(after, "sluice_queue_processed_total", { stage }) ?? 0) > 0, `${stage} processed`);
    }
    assertEquals(value(after, "sluice_job_status", { ...labels, status: "READY" }), undefined, "one status per job");
    assert((value(after, "sluice_raw_data_bytes") ?? 0) > 8192, "raw pages take space");
    assert((value(after, "process_resident_memory_bytes") ?? 0) > 10_000_000, "RSS from Deno.memoryUsage()");
    assert((value(after, "deno_heap_used_bytes") ?? 0) > 0);

    // HTTP durations are labelled by route pattern, never by the raw URL
    const runRoute = { method: "POST", route: "/app/etl/jobs/:id/run", status: "2xx" };
    assertEquals(value(after, "sluice_http_request_duration_seconds_count", runRoute), 1);
    const text = (await scrape(app)).text;
    assert(!text.includes(`/app/etl/jobs/${job.jobId}/run`), "no raw ids in labels");
    assert(/route="\/metrics",status="2xx"/.test(text), "scrapes themselves are measured");
  } finally {
    await services?.stop();
    await app.close();
    await source.close();
  }
});
