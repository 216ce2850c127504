// GET /app/etl/work-items and /app/etl/work-items/:id after a real sync against the fake Jira: the list pages and
// filters by integration and key, the item carries its issue links from its own side (an in-scope end with its work
// item id and status, an out-of-scope end by key only) and its blockers summarized; another tenant gets a 404.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp } from "../support/app.ts";
import { recordedData, startFakeJira } from "../fakes/jira/mod.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { runSync } from "./driver.ts";
import { addStatusMappings, FAST_HTTP, jiraApiTenant, RECORDED_STATUS_MAPPINGS } from "./support.ts";

const kind = primaryKind();
// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

const typeNamed = (name: string) => (recordedData().apache.linkTypes as Obj[]).find((t) => t.name === name)!;
const issue = (key: string) => recordedData().issues.find((i) => i.key === key) as Obj;
const ref = (id: string, key: string) => ({ id, key, self: `https://fake/rest/api/3/issue/${id}` });

Deno.test(`work items api[${kind}]: list, links from the item's side, blockers, tenant scope`, async () => {
  const jira = await startFakeJira({});
  const app = await startTestApp(kind, { env: { LOG_LEVEL: "error" } });
  try {
    const { tenantId, viewer, outsider, integrationId } = await jiraApiTenant(app, jira);
    await addStatusMappings(app.db, tenantId, integrationId, RECORDED_STATUS_MAPPINGS);
    // EE-1 blocks EE-19 and clones ZOO-7; ZOO-8 (a project never synced) blocks EE-19 too
    const [a, b] = [issue("EE-1"), issue("EE-19")];
    const blocker = typeNamed("Blocker");
    const cloners = typeNamed("Cloners");
    const t0 = Date.now();
    jira.updateIssue("EE-1", {
      at: t0,
      fields: {
        issuelinks: [
          { id: "70001", type: blocker, outwardIssue: ref(b.id, b.key) },
          { id: "70002", type: cloners, outwardIssue: ref("13999001", "ZOO-7") },
        ],
      },
    });
    jira.updateIssue("EE-19", {
      at: t0,
      fields: {
        issuelinks: [
          { id: "70001", type: blocker, inwardIssue: ref(a.id, a.key) },
          { id: "70003", type: blocker, inwardIssue: ref("13999002", "ZOO-8") },
        ],
      },
    });
    const connector = createJiraConnector({ http: FAST_HTTP });
    await runSync({
      db: app.db,
      connector,
      tenantId,
      integrationId,
      credentials: jira.basicAuth,
      windowTo: new Date(t0 + 60_000),
    });
    const idOf = async (key: string) =>
      Number((await app.db.query<{ id: number }>("SELECT id FROM work_items WHERE key = $1", [key]))[0].id);
    const [idA, idB] = [await idOf("EE-1"), await idOf("EE-19")];

    // the list: paged, filtered by integration and key
    const [{ n: all }] = await app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM work_items");
    const page = await (await app.api(`/app/etl/work-items?integrationId=${integrationId}&limit=5`, { token: viewer }))
      .json();
    assertEquals([page.total, page.items.length, page.limit, page.offset], [all, 5, 5, 0]);
    const search = await (await app.api("/app/etl/work-items?q=ee-1&limit=200", { token: viewer })).json();
    const expectedKeys = (await app.db.query<{ key: string }>(
      "SELECT key FROM work_items WHERE key ILIKE '%ee-1%' ORDER BY key",
    )).map((r) => r.key);
    assert(expectedKeys.length > 2, "EE-1 and EE-1x");
    assertEquals(search.items.map((i: Obj) => i.key).sort(), expectedKeys);
    assertEquals(search.total, expectedKeys.length);
    const listed = search.items.find((i: Obj) => i.key === "EE-19");
    assertEquals(listed.blockedByCount, 2);
    assertEquals(listed.id, idB);
    assertEquals(search.items.find((i: Obj) => i.key === "EE-1").blockedByCount, 0);

    // EE-19: blocked by EE-1 (in scope, done) and by ZOO-8 (out of scope: no item, unknown status)
    const res = await app.api(`/app/etl/work-items/${idB}`, { token: viewer });
    assertEquals(res.status, 200);
    const item = await res.json();
    assertEquals([item.key, item.externalId, item.integrationId, item.active], ["EE-19", b.id, integrationId, true]);
    assertEquals(item.status.category, "Done");
    const done = { name: "已完成", category: "Done" };
    assertEquals(item.links, [
      {
        linkId: "70001",
        type: blocker.name,
        direction: "inward",
        relation: blocker.inward,
        linkedKey: "EE-1",
        linkedExternalId: a.id,
        linkedItemId: idA,
        linkedStatus: done,
      },
      {
        linkId: "70003",
        type: blocker.name,
        direction: "inward",
        relation: blocker.inward,
        linkedKey: "ZOO-8",
        linkedExternalId: "13999002",
        linkedItemId: null,
        linkedStatus: null,
      },
    ]);
    assertEquals(item.blockedBy, {
      total: 2,
      notDone: 1,
      items: [
        { key: "EE-1", externalId: a.id, itemId: idA, done: true },
        { key: "ZOO-8", externalId: "13999002", itemId: null, done: null },
      ],
    });

    // EE-1 sees the same blocker link from its side, and its clone link; nothing blocks it
    const first = await (await app.api(`/app/etl/work-items/${idA}`, { token: viewer })).json();
    assertEquals(
      first.links.map((l: Obj) => [l.linkId, l.direction, l.relation, l.linkedKey, l.linkedItemId]),
      // by type name: Blocker, then Cloners
      [["70001", "outward", blocker.outward, "EE-19", idB], ["70002", "outward", cloners.outward, "ZOO-7", null]],
    );
    assertEquals(first.blockedBy, { total: 0, notDone: 0, items: [] });

    // another tenant: the item does not exist for it, its list is empty; bad input is a 4xx naming the field
    const foreign = await app.api(`/app/etl/work-items/${idB}`, { token: outsider });
    assertEquals(foreign.status, 404);
    await foreign.body?.cancel();
    assertEquals((await (await app.api("/app/etl/work-items", { token: outsider })).json()).total, 0);
    const unknown = await app.api("/app/etl/work-items/2147483647", { token: viewer });
    assertEquals(unknown.status, 404);
    await unknown.body?.cancel();
    for (const [query, field] of [["integrationId=x", "integrationId"], ["limit=0", "limit"], ["key=EE-1", "key"]]) {
      const bad = await app.api(`/app/etl/work-items?${query}`, { token: viewer });
      assertEquals(bad.status, 400, query);
      assert(JSON.stringify(await bad.json()).includes(field), query);
    }
  } finally {
    await app.close();
    await jira.close();
  }
});
