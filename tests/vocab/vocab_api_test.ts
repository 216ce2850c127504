// /app/etl/hierarchies, /wits, /workflows, /statuses and the vocabulary copy over real HTTP and a real database:
// CRUD, each 409 with its dependents, reassign, the single commitment point, paging and filters, another tenant's
// ids → 404 and viewer/user writes → 403. Every response is also checked against its declared contract.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { addSourceRows, jiraIntegrationOf } from "./support.ts";

const kind = primaryKind();

interface World {
  app: TestApp;
  tenantId: number;
  integrationId: number;
  admin: string;
  user: string;
  viewer: string;
  outsider: string;
  otherIntegrationId: number;
}

async function world(): Promise<World> {
  const app = await startTestApp(kind);
  const tenantId = await app.tenant("Acme");
  const other = await app.tenant("Other");
  const integrationId = await jiraIntegrationOf(app.db, tenantId);
  await addSourceRows(app.db, { tenantId, integrationId }, {
    statuses: [["Backlog", "To Do"], ["In Progress", "In Progress"], ["Inbox", "To Do"], ["Parked", "To Do"], [
      "Done",
      "Done",
    ]],
    types: ["Story", "Bug", "Epic", "Widget", "Gadget"],
    items: [["Story", "Backlog", 3], ["Bug", "In Progress", 2], ["Widget", "Inbox", 4], ["Gadget", "Parked", 1]],
  });
  return {
    app,
    tenantId,
    integrationId,
    admin: await app.login((await app.user(tenantId, "admin")).email),
    user: await app.login((await app.user(tenantId, "user")).email),
    viewer: await app.login((await app.user(tenantId, "viewer")).email),
    outsider: await app.login((await app.user(other, "admin")).email),
    otherIntegrationId: await jiraIntegrationOf(app.db, other),
  };
}

async function call(w: World, path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const res = await w.app.api(path, { token: w.admin, ...init });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Writes refused to viewers and users (403), another tenant's ids → 404. */
async function assertGuarded(w: World, method: string, path: string, body: unknown, foreignPath?: string) {
  for (const token of [w.viewer, w.user]) {
    assertEquals((await call(w, path, { method, token, body })).status, 403, `${method} ${path} as non-admin`);
  }
  if (foreignPath) {
    const res = await call(w, foreignPath, { method, token: w.outsider, body });
    assertEquals(res.status, 404, `${method} ${foreignPath} from another tenant: ${JSON.stringify(res.body)}`);
  }
}

Deno.test(`vocabulary api[${kind}]: hierarchy levels`, async () => {
  const w = await world();
  try {
    const base = `/app/etl/hierarchies?integrationId=${w.integrationId}`;
    const all = await call(w, base, { token: w.viewer });
    assertEquals(all.status, 200);
    assertEquals(all.body.items.map((l: { number: number }) => l.number), [4, 3, 2, 1, 0, -1]);
    const story = all.body.items.find((l: { name: string }) => l.name === "Story");
    assertEquals([story.types, story.workItems], [6, 5], "Story level: six types; Story 3 + Bug 2 work items");
    const paged = await call(w, `${base}&limit=2&offset=2`, { token: w.viewer });
    assertEquals([paged.body.total, paged.body.items.map((l: { number: number }) => l.number)], [6, [2, 1]]);
    assertEquals((await call(w, `${base}&q=chunk`)).body.items.map((l: { name: string }) => l.name), ["Epic", "Story"]);
    assertEquals((await call(w, `/app/etl/hierarchies?integrationId=${w.otherIntegrationId}`)).body.total, 0);

    const created = await call(w, "/app/etl/hierarchies", {
      body: { integrationId: w.integrationId, number: 5, name: "Portfolio", description: "top" },
    });
    assertEquals([created.status, created.body.number, created.body.types], [201, 5, 0]);
    const dup = await call(w, "/app/etl/hierarchies", {
      body: { integrationId: w.integrationId, number: 5, name: "X" },
    });
    assertEquals([dup.status, dup.body.error.fields[0].field], [400, "number"]);
    const foreign = await call(w, "/app/etl/hierarchies", {
      body: { integrationId: w.otherIntegrationId, number: 9, name: "X" },
    });
    assertEquals([foreign.status, foreign.body.error.fields[0].field], [404, "integrationId"]);
    const renamed = await call(w, `/app/etl/hierarchies/${created.body.id}`, {
      method: "PATCH",
      body: { name: "Portfolio Epic" },
    });
    assertEquals([renamed.body.name, renamed.body.description], ["Portfolio Epic", "top"]);
    // the level number is edited too; another level's number is refused naming the field, its own is fine
    const taken = await call(w, `/app/etl/hierarchies/${created.body.id}`, { method: "PATCH", body: { number: 4 } });
    assertEquals([taken.status, taken.body.error.fields[0].field], [400, "number"]);
    const renumbered = await call(w, `/app/etl/hierarchies/${created.body.id}`, {
      method: "PATCH",
      body: { number: 7 },
    });
    assertEquals([renumbered.status, renumbered.body.number, renumbered.body.name], [200, 7, "Portfolio Epic"]);
    const same = await call(w, `/app/etl/hierarchies/${created.body.id}`, { method: "PATCH", body: { number: 7 } });
    assertEquals(same.status, 200);
    const bad = await call(w, `/app/etl/hierarchies/${created.body.id}`, { method: "PATCH", body: { number: 1.5 } });
    assertEquals([bad.status, bad.body.error.fields[0].field], [400, "number"]);
    // admins racing for one number: one wins, every other answer names the field (not a bare 409 or a 500)
    const racers = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      call(w, "/app/etl/hierarchies", {
        body: { integrationId: w.integrationId, number: 11, name: `Racer ${i}` },
      })));
    assertEquals(racers.map((r) => r.status).sort(), [201, 400, 400, 400, 400, 400, 400, 400]);
    assert(racers.every((r) => r.status === 201 || r.body.error.fields[0].field === "number"));
    const winner = racers.find((r) => r.status === 201)!.body.id;
    const renumbers = await Promise.all(
      [created.body.id, winner].map((levelId) =>
        call(w, `/app/etl/hierarchies/${levelId}`, { method: "PATCH", body: { number: 12 } })
      ),
    );
    assertEquals(renumbers.map((r) => r.status).sort(), [200, 400]);
    if (renumbers[0].status === 200) {
      const back = await call(w, `/app/etl/hierarchies/${created.body.id}`, { method: "PATCH", body: { number: 7 } });
      assertEquals(back.status, 200);
    }
    assertEquals((await call(w, `/app/etl/hierarchies/${winner}`, { method: "DELETE" })).status, 200);

    // reorder: the new level moves to the bottom, the numbers stay in place
    const ids = [...all.body.items.map((l: { id: number }) => l.id), created.body.id];
    const order = await call(w, "/app/etl/hierarchies/order", {
      method: "PUT",
      body: { integrationId: w.integrationId, ids },
    });
    assertEquals(order.status, 200);
    assertEquals(order.body.map((l: { name: string; number: number }) => [l.name, l.number]).slice(-2), [
      ["Sub-task", 0],
      ["Portfolio Epic", -1],
    ]);
    const partial = await call(w, "/app/etl/hierarchies/order", {
      method: "PUT",
      body: { integrationId: w.integrationId, ids: ids.slice(1) },
    });
    assertEquals([partial.status, partial.body.error.fields[0].field], [400, "ids"]);

    // Story (now number 1) is used by five types: 409 listing them, reassign, then delete
    const refused = await call(w, `/app/etl/hierarchies/${story.id}`, { method: "DELETE" });
    assertEquals([refused.status, refused.body.error.code], [409, "level_in_use"]);
    assertEquals(refused.body.error.dependents.map((t: { name: string }) => t.name), [
      "Bug",
      "Incident",
      "Spike",
      "Story",
      "Task",
      "Tech Enhancement",
    ]);
    const deps = await call(w, `/app/etl/hierarchies/${story.id}/dependents`, { token: w.viewer });
    assert(deps.body.targets.some((t: { id: number }) => t.id === created.body.id));
    assertEquals(deps.body.types.find((t: { name: string }) => t.name === "Story").workItems, 3);
    const self = await call(w, `/app/etl/hierarchies/${story.id}/reassign`, { body: { targetId: story.id } });
    assertEquals([self.status, self.body.error.fields[0].field], [400, "targetId"]);
    const moved = await call(w, `/app/etl/hierarchies/${story.id}/reassign`, { body: { targetId: created.body.id } });
    assertEquals(moved.body.moved, refused.body.error.dependents.length);
    assertEquals((await call(w, `/app/etl/hierarchies/${story.id}`, { method: "DELETE" })).status, 200);
    const [{ n }] = await w.app.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM wits_mappings WHERE wits_hierarchy_id = $1",
      [created.body.id],
    );
    assert(n >= 5, "the mappings moved with their types");

    const id = created.body.id;
    await assertGuarded(w, "POST", "/app/etl/hierarchies", { integrationId: w.integrationId, number: 7, name: "Y" });
    await assertGuarded(w, "PATCH", `/app/etl/hierarchies/${id}`, { name: "Z" }, `/app/etl/hierarchies/${id}`);
    await assertGuarded(w, "DELETE", `/app/etl/hierarchies/${id}`, undefined, `/app/etl/hierarchies/${id}`);
    await assertGuarded(
      w,
      "POST",
      `/app/etl/hierarchies/${id}/reassign`,
      { targetId: id },
      `/app/etl/hierarchies/${id}/reassign`,
    );
    await assertGuarded(w, "PUT", "/app/etl/hierarchies/order", { integrationId: w.integrationId, ids: [id] });
    assertEquals((await call(w, `/app/etl/hierarchies/${id}/dependents`, { token: w.outsider })).status, 404);
  } finally {
    await w.app.close();
  }
});

Deno.test(`vocabulary api[${kind}]: work item types and source type mappings`, async () => {
  const w = await world();
  try {
    const list = await call(w, `/app/etl/wits?integrationId=${w.integrationId}&limit=200`, { token: w.viewer });
    assertEquals(list.body.total, 13, "the 13 seeded normalized types");
    const story = list.body.items.find((t: { name: string }) => t.name === "Story");
    assertEquals([story.sources, story.workItems, story.level.number], [["Story", "User Story"], 3, 0]);
    const searched = await call(w, `/app/etl/wits?integrationId=${w.integrationId}&q=devops`);
    assertEquals(searched.body.items.map((t: { name: string }) => t.name), ["Tech Enhancement"]);
    const level = await call(w, `/app/etl/wits?levelId=${story.level.id}&limit=1`);
    assertEquals([level.body.total > 1, level.body.items.length], [true, 1]);

    const unmapped = await call(w, `/app/etl/wits/sources?integrationId=${w.integrationId}&mapped=false`);
    assertEquals(unmapped.body.items.map((s: { name: string; workItems: number }) => [s.name, s.workItems]), [
      ["Widget", 4],
      ["Gadget", 1],
    ]);
    const sources = await call(w, `/app/etl/wits/sources?integrationId=${w.integrationId}`);
    assertEquals(sources.body.items.slice(0, 2).map((s: { type: unknown }) => s.type), [null, null], "unmapped first");

    const created = await call(w, "/app/etl/wits", {
      body: { integrationId: w.integrationId, name: "Thing", levelId: story.level.id, sources: ["widget"] },
    });
    assertEquals([created.status, created.body.sources, created.body.workItems], [201, ["widget"], 4]);
    const dupName = await call(w, "/app/etl/wits", {
      body: { integrationId: w.integrationId, name: "story", levelId: story.level.id },
    });
    assertEquals([dupName.status, dupName.body.error.fields[0].field], [400, "name"]);
    const badLevel = await call(w, "/app/etl/wits", {
      body: { integrationId: w.integrationId, name: "Y", levelId: 2_000_000 },
    });
    assertEquals([badLevel.status, badLevel.body.error.fields[0].field], [400, "levelId"]);

    // bulk mapping: one call maps two names; unknown names are mapped ahead of the sync
    const bulk = await call(w, "/app/etl/wits/mappings", {
      method: "PUT",
      body: { integrationId: w.integrationId, sources: ["GADGET", "Future Type"], witTypeId: created.body.id },
    });
    assertEquals([bulk.status, bulk.body.sources], [200, 1]);
    assertEquals((await call(w, `/app/etl/wits/sources?integrationId=${w.integrationId}&mapped=false`)).body.total, 0);
    const thing = (await call(w, `/app/etl/wits?integrationId=${w.integrationId}&q=thing`)).body.items[0];
    assertEquals([thing.sources, thing.workItems], [["Future Type", "GADGET", "widget"], 5]);

    const renamed = await call(w, `/app/etl/wits/${thing.id}`, { method: "PATCH", body: { name: "Doohickey" } });
    assertEquals(renamed.body.name, "Doohickey");
    const [{ witTo }] = await w.app.db.query<{ witTo: string }>(
      `SELECT wit_to AS "witTo" FROM wits_mappings WHERE wit_type_id = $1 LIMIT 1`,
      [thing.id],
    );
    assertEquals(witTo, "Doohickey", "mappings carry the new name");

    const refused = await call(w, `/app/etl/wits/${thing.id}`, { method: "DELETE" });
    assertEquals([refused.status, refused.body.error.code, refused.body.error.dependents.length], [
      409,
      "type_in_use",
      3,
    ]);
    const moved = await call(w, `/app/etl/wits/${thing.id}/reassign`, { body: { targetId: story.id } });
    assertEquals(moved.body.moved, 3);
    assertEquals((await call(w, `/app/etl/wits/${thing.id}`, { method: "DELETE" })).status, 200);
    const storyNow = (await call(w, `/app/etl/wits?integrationId=${w.integrationId}&q=widget`)).body.items[0];
    assertEquals([storyNow.name, storyNow.workItems], ["Story", 8]);
    const unmap = await call(w, "/app/etl/wits/mappings", {
      method: "PUT",
      body: { integrationId: w.integrationId, sources: ["Widget"], witTypeId: null },
    });
    assertEquals(unmap.body.sources, 1);

    const id = story.id;
    const body = { integrationId: w.integrationId, sources: ["Bug"], witTypeId: id };
    await assertGuarded(w, "PUT", "/app/etl/wits/mappings", body);
    const foreignMap = await call(w, "/app/etl/wits/mappings", { method: "PUT", token: w.outsider, body });
    assertEquals(foreignMap.status, 404);
    const crossType = await call(w, "/app/etl/wits/mappings", {
      method: "PUT",
      token: w.outsider,
      body: { ...body, integrationId: w.otherIntegrationId },
    });
    assertEquals([crossType.status, crossType.body.error.fields[0].field], [400, "witTypeId"]);
    await assertGuarded(w, "PATCH", `/app/etl/wits/${id}`, { name: "Z" }, `/app/etl/wits/${id}`);
    await assertGuarded(w, "DELETE", `/app/etl/wits/${id}`, undefined, `/app/etl/wits/${id}`);
    await assertGuarded(w, "POST", `/app/etl/wits/${id}/reassign`, { targetId: id }, `/app/etl/wits/${id}/reassign`);
    assertEquals(
      (await call(w, `/app/etl/wits?integrationId=${w.integrationId}`, { token: w.outsider })).body.total,
      0,
    );
  } finally {
    await w.app.close();
  }
});

Deno.test(`vocabulary api[${kind}]: workflow steps and the single commitment point`, async () => {
  const w = await world();
  try {
    const base = `/app/etl/workflows?integrationId=${w.integrationId}`;
    const all = (await call(w, base, { token: w.viewer })).body;
    assertEquals(all.total, 12);
    assertEquals(
      all.items.filter((s: { commitmentPoint: boolean }) => s.commitmentPoint).map((s: { name: string }) => s.name),
      ["To Do"],
    );
    assertEquals(all.items.at(-1).number, null, "Discarded last, without a number");
    const waiting = await call(w, `${base}&category=Waiting`);
    assertEquals(waiting.body.items.map((s: { name: string }) => s.name), [
      "Ready for Story Testing",
      "Ready for Acceptance",
      "Ready for Prod",
    ]);
    const bad = await call(w, `${base}&category=Blocked`);
    assertEquals([bad.status, bad.body.error.fields[0].field], [400, "query.category"]);

    const created = await call(w, "/app/etl/workflows", {
      body: { integrationId: w.integrationId, name: "Verified", category: "Done" },
    });
    assertEquals([created.status, created.body.number, created.body.commitmentPoint], [201, 12, false]);
    const inProgress = all.items.find((s: { name: string }) => s.name === "In Progress");
    const todo = all.items.find((s: { name: string }) => s.name === "To Do");
    const moved = await call(w, `/app/etl/workflows/${inProgress.id}`, {
      method: "PATCH",
      body: { commitmentPoint: true },
    });
    assertEquals(moved.body.commitmentPoint, true);
    const points = (await call(w, base)).body.items.filter((s: { commitmentPoint: boolean }) => s.commitmentPoint);
    assertEquals(points.map((s: { name: string }) => s.name), ["In Progress"], "exactly one commitment point");
    const off = await call(w, `/app/etl/workflows/${inProgress.id}`, {
      method: "PATCH",
      body: { commitmentPoint: false },
    });
    assertEquals([off.status, off.body.error.fields[0].field], [400, "commitmentPoint"]);
    const discard = await call(w, `/app/etl/workflows/${inProgress.id}`, {
      method: "PATCH",
      body: { category: "Discarded" },
    });
    assertEquals([discard.status, discard.body.error.fields[0].field], [400, "category"]);
    const delPoint = await call(w, `/app/etl/workflows/${created.body.id}`, {
      method: "PATCH",
      body: { commitmentPoint: true },
    });
    assertEquals(delPoint.status, 200);
    const refusedPoint = await call(w, `/app/etl/workflows/${created.body.id}`, { method: "DELETE" });
    assertEquals([refusedPoint.status, refusedPoint.body.error.code], [409, "commitment_point"]);
    await call(w, `/app/etl/workflows/${todo.id}`, { method: "PATCH", body: { commitmentPoint: true } });

    // To Do has four status names mapped: 409 lists them, reassign, delete; the numbers close the gap
    const backlog = all.items.find((s: { name: string }) => s.name === "Backlog");
    const refused = await call(w, `/app/etl/workflows/${backlog.id}`, { method: "DELETE" });
    assertEquals([refused.status, refused.body.error.code], [409, "step_in_use"]);
    assertEquals(refused.body.error.dependents.map((m: { name: string }) => m.name), [
      "Backlog",
      "Created",
      "New",
      "Open",
    ]);
    const deps = await call(w, `/app/etl/workflows/${backlog.id}/dependents`, { token: w.viewer });
    assertEquals([deps.body.mappings.length, deps.body.workItems], [4, 3]);
    const reassigned = await call(w, `/app/etl/workflows/${backlog.id}/reassign`, { body: { targetId: todo.id } });
    assertEquals(reassigned.body.moved, 4);
    assertEquals((await call(w, `/app/etl/workflows/${backlog.id}`, { method: "DELETE" })).status, 200);
    const after = (await call(w, base)).body.items;
    assertEquals(
      after.filter((s: { number: number | null }) => s.number !== null).map((s: { number: number }) => s.number),
      [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        11,
      ],
    );
    assertEquals(after.find((s: { name: string }) => s.name === "To Do").workItems, 3, "Backlog's items moved along");

    const numbered = after.filter((s: { number: number | null }) => s.number !== null).map((s: { id: number }) => s.id);
    const reversed = await call(w, "/app/etl/workflows/order", {
      method: "PUT",
      body: { integrationId: w.integrationId, ids: [...numbered].reverse() },
    });
    assertEquals(reversed.body[0].name, "Verified");
    assertEquals(reversed.body.at(-1).name, "Discarded");

    const id = created.body.id;
    await assertGuarded(w, "POST", "/app/etl/workflows", {
      integrationId: w.integrationId,
      name: "Q",
      category: "Done",
    });
    await assertGuarded(w, "PATCH", `/app/etl/workflows/${id}`, { name: "Z" }, `/app/etl/workflows/${id}`);
    await assertGuarded(w, "DELETE", `/app/etl/workflows/${id}`, undefined, `/app/etl/workflows/${id}`);
    await assertGuarded(
      w,
      "POST",
      `/app/etl/workflows/${id}/reassign`,
      { targetId: id },
      `/app/etl/workflows/${id}/reassign`,
    );
    await assertGuarded(w, "PUT", "/app/etl/workflows/order", { integrationId: w.integrationId, ids: [id] });
    const foreignOrder = await call(w, "/app/etl/workflows/order", {
      method: "PUT",
      token: w.outsider,
      body: { integrationId: w.integrationId, ids: [id] },
    });
    assertEquals(foreignOrder.status, 404);
  } finally {
    await w.app.close();
  }
});

Deno.test(`vocabulary api[${kind}]: source statuses, bulk mapping, copy and a new integration's vocabulary`, async () => {
  const w = await world();
  try {
    const base = `/app/etl/statuses?integrationId=${w.integrationId}`;
    const all = (await call(w, base, { token: w.viewer })).body;
    assertEquals(all.items.map((s: { name: string; step: unknown }) => [s.name, s.step === null]), [
      ["Inbox", true],
      ["Parked", true],
      ["Backlog", false],
      ["In Progress", false],
      ["Done", false],
    ]);
    assertEquals(all.items[0].workItems, 4);
    const nul = await call(w, `${base}&q=In%00box`, { token: w.viewer });
    assertEquals([nul.status, nul.body.error.fields[0].field], [400, "query.q"], "U+0000 never reaches PostgreSQL");
    const steps = (await call(w, `/app/etl/workflows?integrationId=${w.integrationId}`)).body.items;
    const refinement = steps.find((s: { name: string }) => s.name === "Refinement");
    const mapped = await call(w, "/app/etl/statuses/mappings", {
      method: "PUT",
      body: { integrationId: w.integrationId, names: ["inbox", "PARKED"], workflowId: refinement.id },
    });
    assertEquals([mapped.status, mapped.body.sources], [200, 2]);
    assertEquals((await call(w, `${base}&mapped=false`)).body.total, 0);
    const onStep = await call(w, `${base}&workflowId=${refinement.id}`);
    assertEquals(onStep.body.items.map((s: { name: string }) => s.name), ["Inbox", "Parked"]);

    const mappings = await call(w, `/app/etl/statuses/mappings?integrationId=${w.integrationId}&limit=5&offset=5`);
    assertEquals([mappings.body.total, mappings.body.items.length], [115, 5]);
    const searched = await call(w, `/app/etl/statuses/mappings?integrationId=${w.integrationId}&q=parked`);
    const parked = searched.body.items[0];
    assertEquals([parked.name, parked.step.name], ["PARKED", "Refinement"]);
    assertEquals((await call(w, `/app/etl/statuses/mappings/${parked.id}`, { method: "DELETE" })).status, 200);
    assertEquals((await call(w, `${base}&mapped=false`)).body.items.map((s: { name: string }) => s.name), ["Parked"]);
    const badStep = await call(w, "/app/etl/statuses/mappings", {
      method: "PUT",
      body: { integrationId: w.integrationId, names: ["Parked"], workflowId: 2_000_000 },
    });
    assertEquals([badStep.status, badStep.body.error.fields[0].field], [400, "workflowId"]);
    const empty = await call(w, "/app/etl/statuses/mappings", {
      method: "PUT",
      body: { integrationId: w.integrationId, names: [], workflowId: null },
    });
    assertEquals([empty.status, empty.body.error.fields[0].field], [400, "names"]);
    const body = { integrationId: w.integrationId, names: ["Parked"], workflowId: refinement.id };
    await assertGuarded(w, "PUT", "/app/etl/statuses/mappings", body);
    assertEquals((await call(w, "/app/etl/statuses/mappings", { method: "PUT", token: w.outsider, body })).status, 404);
    const someId = mappings.body.items[0].id;
    await assertGuarded(
      w,
      "DELETE",
      `/app/etl/statuses/mappings/${someId}`,
      undefined,
      `/app/etl/statuses/mappings/${someId}`,
    );
    assertEquals((await call(w, base, { token: w.outsider })).body.total, 0);

    // a Jira integration created through the API has its own copy of the default vocabulary
    const created = await call(w, "/app/etl/integrations", { body: { provider: "jira", name: "Jira Two" } });
    assertEquals(created.status, 201, JSON.stringify(created.body));
    const second = created.body.id;
    const ownSteps = (await call(w, `/app/etl/workflows?integrationId=${second}`)).body;
    assertEquals(
      [ownSteps.total, ownSteps.items.filter((s: { commitmentPoint: boolean }) => s.commitmentPoint).length],
      [12, 1],
    );
    assertEquals((await call(w, `/app/etl/statuses/mappings?integrationId=${second}`)).body.total, 113);
    assertEquals((await call(w, `/app/etl/wits?integrationId=${second}`)).body.total, 13);

    // copy: the second integration gets the first one's vocabulary (with Inbox on Refinement)
    const copy = await call(w, `/app/etl/integrations/${second}/vocabulary`, {
      body: { fromIntegrationId: w.integrationId },
    });
    assertEquals(copy.status, 200, JSON.stringify(copy.body));
    assertEquals(copy.body, { levels: 6, types: 13, steps: 12, statusMappings: 114 });
    const inbox = await call(w, `/app/etl/statuses/mappings?integrationId=${second}&q=inbox`);
    assertEquals(inbox.body.items.map((m: { name: string; step: { name: string } }) => [m.name, m.step.name]), [[
      "inbox",
      "Refinement",
    ]]);
    const self = await call(w, `/app/etl/integrations/${second}/vocabulary`, { body: { fromIntegrationId: second } });
    assertEquals([self.status, self.body.error.fields[0].field], [400, "fromIntegrationId"]);
    const foreignSource = await call(w, `/app/etl/integrations/${second}/vocabulary`, {
      body: { fromIntegrationId: w.otherIntegrationId },
    });
    assertEquals([foreignSource.status, foreignSource.body.error.fields[0].field], [404, "fromIntegrationId"]);
    await assertGuarded(
      w,
      "POST",
      `/app/etl/integrations/${second}/vocabulary`,
      { fromIntegrationId: w.integrationId },
      `/app/etl/integrations/${second}/vocabulary`,
    );
  } finally {
    await w.app.close();
  }
});
