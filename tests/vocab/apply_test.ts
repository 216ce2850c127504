// Preview, then apply, against a real Jira sync (recorded pages from the fake Jira server) and the real engine: the
// preview of mapping 已完成 (an unmapped status all 30 EE issues sit in) to the Done step counts the work items and
// flow metrics it changes and writes nothing; apply saves the mapping and re-transforms from the stored raw pages
// through the engine's queues (no Jira calls), and the stored metrics then differ from before exactly as previewed.
import { startEngineApp } from "./engine_app.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { metricDiff, metrics, syncRecordedJira } from "./support.ts";
import { waitForRun } from "../engine/support/harness.ts";

const kind = primaryKind();

Deno.test(`vocabulary apply[${kind}]: the re-transform changes exactly what the preview said`, async () => {
  const { app, jira, connector, close } = await startEngineApp(kind);
  try {
    const tenantId = await app.tenant("Acme");
    const admin = await app.login((await app.user(tenantId, "admin")).email);
    const viewer = await app.login((await app.user(tenantId, "viewer")).email);
    const id = await syncRecordedJira(app.db, tenantId, jira, connector);
    const [done] = await app.db.query<{ id: number }>(
      "SELECT id FROM workflows WHERE tenant_id = $1 AND integration_id = $2 AND step_name = 'Done'",
      [tenantId, id],
    );
    const change = { integrationId: id, statuses: [{ names: ["已完成"], workflowId: done.id }] };
    const before = await metrics(app.db, id);
    const [{ flagged }] = await app.db.query<{ flagged: number }>(
      "SELECT count(*)::int AS flagged FROM work_items WHERE integration_id = $1 AND flow_through_unmapped",
      [id],
    );
    assert(flagged >= 30, `items that sat in unmapped statuses are flagged (${flagged})`);

    const res = await app.api("/app/etl/vocabulary/preview", { token: viewer, body: change });
    assertEquals(res.status, 200);
    const preview = await res.json();
    assertEquals([preview.categories.count, preview.steps.count], [30, 30], "all 30 EE issues sit in 已完成");
    assertEquals(preview.categories.examples[0].before, null);
    assertEquals(preview.categories.examples[0].after, "Done");
    assert(preview.flowMetrics.count >= 30, JSON.stringify(preview.flowMetrics));
    assertEquals(preview.workItems.count, 0, "no type mapping changes");
    // nothing was kept: the status is still unmapped and no metric moved
    const [{ mapped }] = await app.db.query<{ mapped: number }>(
      "SELECT count(*)::int AS mapped FROM statuses_mappings WHERE tenant_id = $1 AND status_from = '已完成'",
      [tenantId],
    );
    assertEquals(mapped, 0);
    assertEquals(await metrics(app.db, id), before);

    const bad = await app.api("/app/etl/vocabulary/preview", {
      token: viewer,
      body: { integrationId: id, statuses: [{ names: ["x"], workflowId: 2_000_000 }] },
    });
    assertEquals([bad.status, (await bad.json()).error.fields[0].field], [400, "statuses.0.workflowId"]);
    assertEquals((await app.api("/app/etl/vocabulary/apply", { token: viewer, body: change })).status, 403);

    const requestsBefore = jira.requests.length;
    const applied = await app.api("/app/etl/vocabulary/apply", { token: admin, body: change });
    assertEquals(applied.status, 202);
    const { runId } = await applied.json();
    await waitForRun(app.db, runId, "FINISHED", 120_000);
    assertEquals(jira.requests.length, requestsBefore, "the re-transform made no Jira call");

    const after = await metrics(app.db, id);
    assertEquals(metricDiff(before, after), [preview.flowMetrics.count, preview.flowMetrics.metrics]);
    // each example's "after" is what is stored now (PostgreSQL prints timestamps its own way)
    for (const ex of preview.flowMetrics.examples) {
      const stored = after.get(ex.key)![ex.metric] as string | null;
      const shown = stored !== null && ex.metric.endsWith("_at") ? new Date(stored).toISOString() : stored;
      assertEquals(shown, ex.after, `${ex.key} ${ex.metric}`);
    }
  } finally {
    await close();
  }
});
