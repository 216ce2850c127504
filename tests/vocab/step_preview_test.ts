// Preview and apply of workflow step changes (category) against a real Jira sync and the real engine: turning the
// In Progress steps into Waiting steps moves work time into waiting time; the preview counts the items and values
// that change and writes nothing, a step outside the integration or a dropped commitment point is refused naming the
// field, and after apply the re-transform changed exactly what the preview said.
import { startEngineApp } from "./engine_app.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { metricDiff, metrics, syncRecordedJira } from "./support.ts";
import { waitForRun } from "../engine/support/harness.ts";

const kind = primaryKind();

Deno.test(`vocabulary step preview[${kind}]: a category change shows its effect first, apply matches it`, async () => {
  const { app, jira, connector, close } = await startEngineApp(kind);
  try {
    const tenantId = await app.tenant("Acme");
    const admin = await app.login((await app.user(tenantId, "admin")).email);
    const id = await syncRecordedJira(app.db, tenantId, jira, connector);
    const steps = await app.db.query<{ id: number; commitment: boolean }>(
      `SELECT id, is_commitment_point AS commitment FROM workflows
        WHERE tenant_id = $1 AND integration_id = $2 AND step_category = 'In Progress' AND active`,
      [tenantId, id],
    );
    assert(steps.length > 0, "the default workflow has In Progress steps");
    const change = { integrationId: id, workflows: steps.map((s) => ({ id: s.id, category: "Waiting" })) };
    const before = await metrics(app.db, id);

    const res = await app.api("/app/etl/vocabulary/preview", { token: admin, body: change });
    assertEquals(res.status, 200);
    const preview = await res.json();
    assert(preview.flowMetrics.count > 0, JSON.stringify(preview.flowMetrics));
    const moved = new Set(preview.flowMetrics.examples.map((e: { metric: string }) => e.metric));
    assert(moved.has("total_work_time_seconds") || moved.has("total_waiting_time_seconds"), [...moved].join());
    const [{ left }] = await app.db.query<{ left: number }>(
      "SELECT count(*)::int AS left FROM workflows WHERE id = ANY($1::int[]) AND step_category = 'In Progress'",
      [steps.map((s) => s.id)],
    );
    assertEquals(left, steps.length, "the preview saved nothing");

    const bad = async (body: unknown) => {
      const r = await app.api("/app/etl/vocabulary/preview", { token: admin, body });
      return [r.status, (await r.json()).error.fields?.[0]?.field];
    };
    assertEquals(await bad({ integrationId: id, workflows: [{ id: 2_000_000, category: "Done" }] }), [
      400,
      "workflows.0.id",
    ]);
    const [commitment] = await app.db.query<{ id: number }>(
      "SELECT id FROM workflows WHERE integration_id = $1 AND is_commitment_point",
      [id],
    );
    assertEquals(await bad({ integrationId: id, workflows: [{ id: commitment.id, commitmentPoint: false }] }), [
      400,
      "workflows.0.commitmentPoint",
    ]);

    const applied = await app.api("/app/etl/vocabulary/apply", { token: admin, body: change });
    assertEquals(applied.status, 202);
    await waitForRun(app.db, (await applied.json()).runId, "FINISHED", 120_000);
    assertEquals(metricDiff(before, await metrics(app.db, id)), [
      preview.flowMetrics.count,
      preview.flowMetrics.metrics,
    ]);
  } finally {
    await close();
  }
});
