// The jobs API driving the real engine (database queue, synthetic source over HTTP): Run Now answers 202 and the
// run completes; a second Run Now while running is a 409; force-pending fences the run; progress reaches a
// WebSocket subscriber; run history lists the run.
import { assert, assertEquals } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp } from "./support/app.ts";
import { type EngineServices, startEngineServices } from "../server/engine_services.ts";
import { createSyntheticConnector } from "../engine/connectors/synthetic/connector.ts";
import { SyntheticSource } from "../engine/connectors/synthetic/source.ts";
import { seedSyntheticJob, waitFor, waitForRun } from "./engine/support/harness.ts";
import type { Frame } from "../server/live/hub.ts";

const kind = primaryKind();

Deno.test(`engine API[${kind}]: run now, live progress, conflict, history and force-pending`, async () => {
  const source = new SyntheticSource({
    groups: 4,
    items: 800,
    latencyMs: 5,
    baseTime: new Date(Date.now() - 86_400_000),
  });
  let services: EngineServices | undefined;
  const app = await startTestApp(kind, {
    env: { AMQP_URL: "" },
    extend: async (deps) => {
      services = await startEngineServices(deps, [createSyntheticConnector()], { orchestrator: false });
    },
  });
  try {
    const tenant = await app.tenant("Acme");
    const job = await seedSyntheticJob(app.db, source, { tenantId: tenant, settings: { pageSize: 100 } });
    const user = await app.login((await app.user(tenant, "user")).email);
    const admin = await app.login((await app.user(tenant, "admin")).email);

    const frames: Frame[] = [];
    const DenoWebSocket = WebSocket as unknown as new (u: string, o: { headers: Record<string, string> }) => WebSocket;
    const ws = new DenoWebSocket(app.url.replace("http", "ws") + "/app/etl/ws", {
      headers: { authorization: `Bearer ${user}` },
    });
    ws.onmessage = (e) => frames.push(JSON.parse(e.data));
    await new Promise((r) => (ws.onopen = r));
    await waitFor("snapshot", () => Promise.resolve(frames.length > 0));

    const run = await app.api(`/app/etl/jobs/${job.jobId}/run`, { token: user, body: {} });
    assertEquals(run.status, 202);
    const { runId } = await run.json();
    const again = await app.api(`/app/etl/jobs/${job.jobId}/run`, { token: user, body: {} });
    assertEquals(again.status, 409);
    assertEquals((await again.json()).error.code, "job_running");

    await waitForRun(app.db, runId, "FINISHED", 60_000);
    await waitFor(
      "finished frame",
      () =>
        Promise.resolve(
          frames.some((f) => f.type === "progress" && f.event.jobId === job.jobId && f.event.status === "FINISHED"),
        ),
    );
    const progress = frames.filter((f) => f.type === "progress" && f.event.stages?.length);
    assert(progress.length > 0, "stage counters were pushed");
    const card = await (await app.api(`/app/etl/jobs/${job.jobId}`, { token: user })).json();
    assertEquals(card.status, "FINISHED");
    const runs = await (await app.api(`/app/etl/jobs/${job.jobId}/runs`, { token: user })).json();
    assertEquals(runs[0].id, runId);
    assertEquals(runs[0].status, "FINISHED");
    assert(runs[0].records >= 800, `records ${runs[0].records}`);

    // a second run, forced back to pending by an admin while it runs
    const second = await (await app.api(`/app/etl/jobs/${job.jobId}/run`, { token: user, body: {} })).json();
    const forced = await app.api(`/app/etl/jobs/${job.jobId}/force-pending`, { token: admin, body: {} });
    assertEquals(forced.status, 200);
    assertEquals((await forced.json()).status, "READY");
    const fenced = await waitForRun(app.db, second.runId, "FENCED", 30_000);
    assertEquals(fenced.status, "FENCED");
    ws.close();
  } finally {
    await services?.stop();
    await app.close();
    await source.close();
  }
});
