// Custom-field discovery and mapping over real HTTP against a fake Jira: the catalogue comes from createmeta plus
// /field, special slots are filled only while empty (an operator's choice survives the next discovery), and a
// mapping may only name fields of the same integration and tenant.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp } from "../support/app.ts";
import { startFakeJira } from "../fakes/jira/mod.ts";

const kind = primaryKind();

Deno.test(`custom fields api[${kind}]: discovery fills the catalogue and the empty special slots`, async () => {
  const jira = await startFakeJira({});
  const app = await startTestApp(kind, { env: { LOG_LEVEL: "error" } });
  try {
    const tenantId = await app.tenant("Acme");
    const admin = await app.login((await app.user(tenantId, "admin")).email);
    const viewer = await app.login((await app.user(tenantId, "viewer")).email);
    const [{ id }] = await app.db.query<{ id: number }>(
      "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
      [tenantId],
    );
    const sync = () => app.api(`/app/etl/integrations/${id}/custom-fields/sync`, { token: admin, body: {} });
    const early = await sync();
    assertEquals(early.status, 400, "no credentials yet");
    assertEquals((await early.json()).error.fields[0].field, "credentials");
    await app.api(`/app/etl/integrations/${id}`, {
      method: "PUT",
      token: admin,
      body: { baseUrl: jira.url, credentials: jira.basicAuth, settings: { projectKeys: ["EE", "K5", "NOPE"] } },
    });
    assertEquals(
      (await app.api(`/app/etl/integrations/${id}/custom-fields/sync`, { token: viewer, body: {} })).status,
      403,
    );

    const res = await sync();
    assertEquals(res.status, 200);
    const body = await res.json();
    assertEquals(body.missingProjectKeys, ["NOPE"]);
    assertEquals(body.projects, 2);
    assertEquals(body.autoMapped, {
      team: "customfield_10001",
      sprints: "customfield_10020",
      development: "customfield_10000",
      storyPoints: "customfield_10024", // the estimate field both projects' create screens use
    });
    assert(jira.count("/issue/createmeta/EE/issuetypes") > 1, "per-project createmeta, per issue type");
    assertEquals(jira.count("/rest/api/3/field"), 1);

    const list = await (await app.api(`/app/etl/custom-fields?integrationId=${id}`, { token: viewer })).json();
    const byExt = new Map(list.fields.map((f: { externalId: string }) => [f.externalId, f]));
    assertEquals((byExt.get("customfield_10020") as { name: string }).name, "Sprint");
    assertEquals((byExt.get("customfield_10024") as { fieldType: string }).fieldType, "number");
    const [{ n: projectWits }] = await app.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM projects_wits WHERE tenant_id = $1",
      [tenantId],
    );
    assert(projectWits > 0, "discovery also records the projects' issue types");

    const mapping = await (await app.api(`/app/etl/custom-fields/mappings?integrationId=${id}`, { token: viewer }))
      .json();
    assertEquals(mapping.mappings.sprints.externalId, "customfield_10020");
    assertEquals(mapping.mappings.custom_field_01, null);

    // the operator picks another story points field and maps a generic slot
    const other = (byExt.get("customfield_10016") as { id: number }).id;
    const rank = (byExt.get("customfield_10001") as { id: number }).id;
    const put = await app.api(`/app/etl/custom-fields/mappings?integrationId=${id}`, {
      method: "PUT",
      token: admin,
      body: { mappings: { ...ids(mapping.mappings), storyPoints: other, custom_field_01: rank } },
    });
    assertEquals(put.status, 200);
    assertEquals((await put.json()).mappings.storyPoints.externalId, "customfield_10016");
    const again = await (await sync()).json();
    assertEquals(again.autoMapped, {}, "filled slots are never overwritten by a later discovery");
    const after = await (await app.api(`/app/etl/custom-fields/mappings?integrationId=${id}`, { token: admin })).json();
    assertEquals(after.mappings.storyPoints.externalId, "customfield_10016");
    assertEquals(after.mappings.custom_field_01.externalId, "customfield_10001");
  } finally {
    await app.close();
    await jira.close();
  }
});

function ids(mappings: Record<string, { id: number } | null>) {
  return Object.fromEntries(Object.entries(mappings).map(([k, v]) => [k, v?.id ?? null]));
}

Deno.test(`custom fields api[${kind}]: mappings are validated per field and per integration`, async () => {
  const app = await startTestApp(kind, { env: { LOG_LEVEL: "error" } });
  try {
    const a = await app.tenant("A");
    const b = await app.tenant("B");
    const admin = await app.login((await app.user(a, "admin")).email);
    const user = await app.login((await app.user(a, "user")).email);
    const integration = async (tenantId: number, provider: string) =>
      (await app.db.query<{ id: number }>("SELECT id FROM integrations WHERE tenant_id = $1 AND provider = $2", [
        tenantId,
        provider,
      ]))[0].id;
    const jiraA = await integration(a, "jira");
    const jiraB = await integration(b, "jira");
    const field = async (tenantId: number, integrationId: number, ext: string) =>
      (await app.db.query<{ id: number }>(
        "INSERT INTO custom_fields (tenant_id, integration_id, external_id, name) VALUES ($1, $2, $3, $3) RETURNING id",
        [tenantId, integrationId, ext],
      ))[0].id;
    const mine = await field(a, jiraA, "customfield_1");
    const foreign = await field(b, jiraB, "customfield_2");
    const put = (query: string, body: unknown, token = admin) =>
      app.api(`/app/etl/custom-fields/mappings${query}`, { method: "PUT", token, body });

    const bad = await put(`?integrationId=${jiraA}`, {
      mappings: { team: foreign, custom_field_03: 999999, storyPoints: mine },
    });
    assertEquals(bad.status, 400);
    assertEquals(
      (await bad.json()).error.fields.map((f: { field: string }) => f.field).sort(),
      ["mappings.custom_field_03", "mappings.team"],
    );
    const unknownSlot = await put(`?integrationId=${jiraA}`, { mappings: { custom_field_21: mine, velocity: 1 } });
    assertEquals(unknownSlot.status, 400);
    assertEquals((await unknownSlot.json()).error.fields[0].field, "mappings");
    const wrongType = await put(`?integrationId=${jiraA}`, { mappings: { team: "customfield_1" } });
    assertEquals((await wrongType.json()).error.fields[0].field, "mappings.team");
    assertEquals((await put("", { mappings: {} })).status, 400, "integrationId is required");
    assertEquals((await put(`?integrationId=${jiraB}`, { mappings: {} })).status, 404, "another tenant's integration");
    const github = await put(`?integrationId=${await integration(a, "github")}`, { mappings: {} });
    assertEquals(github.status, 400);
    assertEquals((await put(`?integrationId=${jiraA}`, { mappings: { team: mine } }, user)).status, 403);

    const ok = await put(`?integrationId=${jiraA}`, { mappings: { team: mine, custom_field_20: mine } });
    assertEquals(ok.status, 200);
    const saved = (await ok.json()).mappings;
    assertEquals([saved.team.id, saved.custom_field_20.id, saved.sprints], [mine, mine, null]);
    const cleared = await (await put(`?integrationId=${jiraA}`, { mappings: { team: mine } })).json();
    assertEquals(cleared.mappings.custom_field_20, null, "PUT replaces the row: omitted slots are cleared");
  } finally {
    await app.close();
  }
});
