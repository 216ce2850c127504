// GET /app/etl/unmapped after a real sync: the types and statuses the tenant's vocabulary does not cover are listed
// (with the work items they affect), and disappear once mapped and re-transformed.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp } from "../support/app.ts";
import { startFakeJira } from "../fakes/jira/mod.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { retransformIntegration } from "../../engine/connectors/jira/retransform.ts";
import { runSync } from "./driver.ts";
import { addStatusMappings, FAST_HTTP, jiraApiTenant, RECORDED_STATUS_MAPPINGS } from "./support.ts";

const kind = primaryKind();
type Entry = { name: string; workItems: number; reason?: string; integrationId: number };

Deno.test(`unmapped api[${kind}]: unmapped types and statuses are listed until they are mapped`, async () => {
  const jira = await startFakeJira({});
  const app = await startTestApp(kind, { env: { LOG_LEVEL: "error" } });
  try {
    const { tenantId, viewer, outsider, integrationId: id } = await jiraApiTenant(app, jira);
    const connector = createJiraConnector({ http: FAST_HTTP });
    await runSync({ db: app.db, connector, tenantId, integrationId: id, credentials: jira.basicAuth });

    const res = await app.api(`/app/etl/unmapped?integrationId=${id}`, { token: viewer });
    assertEquals(res.status, 200);
    const body = await res.json() as { wits: Entry[]; statuses: Entry[] };
    assertEquals(body.statuses.map((s) => s.name).sort(), ["Inbox", "Ready for Dev", "已完成"]);
    const done = body.statuses.find((s) => s.name === "已完成")!;
    assertEquals(done.workItems, 30, "all 30 EE issues sit in 已完成");
    assertEquals(done.reason, "no active status mapping for this name");
    // the recorded types are Chinese (故事, 任务, 子任务, 缺陷) plus Test Execution: none is in the seed
    assert(body.wits.some((w) => w.name === "子任务" && w.workItems === 12), JSON.stringify(body.wits));
    assert(!body.wits.some((w) => w.name === "Epic" || w.name === "Story"), "mapped types are not listed");
    const all = await (await app.api("/app/etl/unmapped", { token: viewer })).json();
    assertEquals(all.statuses.length, body.statuses.length);
    const foreign = await (await app.api("/app/etl/unmapped", { token: outsider })).json();
    assertEquals([foreign.wits.length, foreign.statuses.length], [0, 0], "another tenant sees nothing");
    assertEquals((await app.api("/app/etl/unmapped?integrationId=x", { token: viewer })).status, 400);

    await addStatusMappings(app.db, tenantId, id, RECORDED_STATUS_MAPPINGS);
    await retransformIntegration(app.db, { tenantId, integrationId: id, connector });
    const after = await (await app.api(`/app/etl/unmapped?integrationId=${id}`, { token: viewer })).json();
    assertEquals(after.statuses, []);
    // a mapping without a workflow step is still a gap
    await app.db.query(
      "UPDATE statuses_mappings SET workflow_id = NULL WHERE tenant_id = $1 AND status_from = 'Inbox'",
      [tenantId],
    );
    const stepless = await (await app.api(`/app/etl/unmapped?integrationId=${id}`, { token: viewer })).json();
    assertEquals(stepless.statuses.map((s: Entry) => [s.name, s.reason]), [[
      "Inbox",
      "the status mapping has no workflow step",
    ]]);
  } finally {
    await app.close();
    await jira.close();
  }
});
