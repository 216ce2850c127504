// The vectors API over real HTTP, with the Qdrant double as the store and the lexical embedder: health is a real
// round trip, per-kind figures explain pending/failed/orphaned, search is tenant-filtered inside the store query
// (another tenant's identical record never comes back), re-embedding and orphan removal run in the background with
// progress over the live WebSocket, recreate shows what it loses and needs the name typed back; roles and bad input
// are refused with the field named.
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { startFakeQdrant } from "../fakes/qdrant/server.ts";
import { HashingEmbedder } from "../../engine/vectors/lexical_embedder.ts";
import { QdrantStore } from "../../engine/vectors/qdrant_store.ts";
import { addVectorServices, type TestVectors } from "./support.ts";
import { waitFor } from "../engine/support/harness.ts";
import type { Db } from "../../db/port.ts";

const kind = primaryKind();

async function addItems(db: Db, tenantId: number, items: Array<[string, string]>): Promise<number[]> {
  const [{ id: integrationId }] = await db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
    [tenantId],
  );
  const ids: number[] = [];
  for (const [key, summary] of items) {
    const [{ id }] = await db.query<{ id: number }>(
      `INSERT INTO work_items (tenant_id, integration_id, external_id, key, summary, labels)
       VALUES ($1, $2, $3, $4, $5, '{web}') RETURNING id`,
      [tenantId, integrationId, `x-${key}`, key, summary],
    );
    ids.push(Number(id));
  }
  return ids;
}

function socket(app: TestApp, token: string) {
  const frames: Array<{ type: string; progress?: { state: string; kind: string; done: number; total: number } }> = [];
  const DenoWebSocket = WebSocket as unknown as new (url: string, o: { headers: Record<string, string> }) => WebSocket;
  const ws = new DenoWebSocket(`${app.url.replace("http", "ws")}/app/etl/ws?topics=vectors`, {
    headers: { authorization: `Bearer ${token}` },
  });
  ws.onmessage = (e) => frames.push(JSON.parse(e.data));
  const opened = new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("socket failed"));
  });
  const closed = new Promise<void>((r) => ws.onclose = () => r());
  return { frames, opened, close: () => (ws.close(), closed) };
}

Deno.test(`vectors API [${kind}]: health, figures, tenant-filtered search, background tasks with live progress`, async () => {
  const qdrant = startFakeQdrant();
  const embedder = new HashingEmbedder(64);
  const vectorStore = new QdrantStore({ url: qdrant.url });
  let vectors: TestVectors | undefined;
  const app = await startTestApp(kind, {
    extend: async (deps) => {
      vectors = await addVectorServices(deps, embedder, vectorStore);
    },
  });
  const maintenance = () => vectors!.maintenance;
  try {
    const a = await app.tenant("A");
    const b = await app.tenant("B");
    const adminA = await app.login((await app.user(a, "admin")).email);
    const userA = await app.login((await app.user(a, "user")).email);
    const viewerA = await app.login((await app.user(a, "viewer")).email);
    const adminB = await app.login((await app.user(b, "admin")).email);
    const idsA = await addItems(app.db, a, [
      ["A-1", "Checkout page crashes when paying with a gift card"],
      ["A-2", "Dark mode colours are unreadable in settings"],
      ["A-3", "Export the quarterly report as CSV"],
    ]);
    const idsB = await addItems(app.db, b, [["B-1", "Checkout page crashes when paying with a gift card"]]);

    // nothing embedded yet: everything is pending, the collection does not exist
    const first = await (await app.api("/app/etl/qdrant", { token: viewerA })).json();
    assertEquals(first.store.kind, "qdrant");
    assertEquals(first.store.health.ok, true);
    assertEquals(first.store.health.version, "Qdrant 1.15.4");
    assert(first.store.health.latencyMs >= 0);
    assertEquals(first.embedder, { model: "lexical-hash-64", kind: "lexical", dimensions: 64 });
    const wi = first.kinds.find((k: { kind: string }) => k.kind === "work_items");
    assertEquals([wi.rows, wi.vectors, wi.bridge, wi.pending, wi.collectionExists], [3, 0, 0, 3, false]);
    assertStringIncludes(wi.explanation.join(" "), "3 not embedded yet");

    // re-embed through the API; the progress arrives over the job cards' WebSocket
    const live = socket(app, userA);
    await live.opened;
    const started = await app.api("/app/etl/qdrant/kinds/work_items/reembed", { token: userA, method: "POST" });
    assertEquals(started.status, 202);
    assertEquals((await started.json()).task.state, "running");
    await waitFor(
      "the re-embed to finish",
      () => Promise.resolve(live.frames.some((f) => f.type === "vector" && f.progress?.state === "finished")),
    );
    const done = live.frames.filter((f) => f.type === "vector").at(-1)!.progress!;
    assertEquals([done.kind, done.done, done.total], ["work_items", 3, 3]);
    assertEquals(live.frames[0].type, "vectors", "a snapshot first");
    await live.close();
    const bStarted = await app.api("/app/etl/qdrant/kinds/work_items/reembed", { token: adminB, method: "POST" });
    assertEquals(bStarted.status, 202);
    await maintenance().idle();

    const after = (await (await app.api("/app/etl/qdrant", { token: viewerA })).json()).kinds[0];
    assertEquals([after.rows, after.vectors, after.bridge, after.pending, after.orphanedRows], [3, 3, 3, 0, 0]);
    assertEquals(after.explanation, []);

    // search: best match first, scores, links; tenant B's identical record never comes back
    const res = await app.api(`/app/etl/search?q=${encodeURIComponent("checkout gift card crash")}`, {
      token: viewerA,
    });
    assertEquals(res.status, 200);
    const found = await res.json();
    assertEquals(found.lexical, true);
    assertEquals(found.results[0].recordId, idsA[0]);
    assertEquals(found.results[0].kind, "work_items");
    assertStringIncludes(found.results[0].title, "A-1 Checkout page crashes");
    assert(found.results[0].score > found.results[1].score);
    assert(found.results.every((r: { recordId: number }) => idsA.includes(r.recordId)), "only tenant A's records");
    assert(!found.results.some((r: { recordId: number }) => r.recordId === idsB[0]));
    const queries = qdrant.requests.filter((r) => r.operation === "query_points");
    assert(queries.length > 0);
    for (const q of queries) {
      const must = (q.body as { filter: { must: Array<{ key: string; match: { value: string } }> } }).filter.must;
      assert(must.some((m) => m.key === "tenant"), "the tenant filter is inside the store query");
    }
    const bFound = await (await app.api("/app/etl/search?q=checkout&kind=work_items", { token: adminB })).json();
    assertEquals(bFound.results.map((r: { recordId: number }) => r.recordId), [idsB[0]]);

    // orphans: a record deactivated behind the bridge's back, then removed in the background
    await app.db.query("UPDATE work_items SET active = false WHERE id = $1", [idsA[2]]);
    const orphaned = (await (await app.api("/app/etl/qdrant", { token: viewerA })).json()).kinds[0];
    assertEquals([orphaned.rows, orphaned.orphanedRows], [2, 1]);
    assertStringIncludes(orphaned.explanation.join(" "), "1 vectors belong to records that are gone or inactive");
    assertEquals(
      (await app.api("/app/etl/qdrant/kinds/work_items/orphans", { token: adminA, method: "POST" })).status,
      202,
    );
    await maintenance().idle();
    const cleaned = (await (await app.api("/app/etl/qdrant", { token: viewerA })).json()).kinds[0];
    assertEquals([cleaned.vectors, cleaned.bridge, cleaned.orphanedRows], [2, 2, 0]);

    // recreate: the preview says what goes. B shares the collection with A and is not the operator: only B's points
    // go, by filter; A (the first tenant's admin operates the instance) drops and recreates the whole collection
    const preview = await (await app.api("/app/etl/qdrant/collections/work_items", { token: adminB })).json();
    assertEquals([preview.tenantPoints, preview.otherTenantsPoints, preview.scope], [1, 2, "tenant"]);
    const wrongName = await app.api("/app/etl/qdrant/collections/work_items", {
      token: adminA,
      body: { action: "recreate", confirm: "nope" },
    });
    assertEquals(wrongName.status, 400);
    assertEquals((await wrongName.json()).error.fields[0].field, "confirm");
    const deletesBefore = qdrant.requests.filter((r) => r.operation === "delete_points").length;
    const tenantOnly = await app.api("/app/etl/qdrant/collections/work_items", {
      token: adminB,
      body: { action: "recreate", confirm: preview.collection },
    });
    assertEquals(tenantOnly.status, 202);
    const byFilter = qdrant.requests.filter((r) => r.operation === "delete_points").slice(deletesBefore);
    assertEquals(
      (byFilter[0].body as { filter: { must: Array<{ match: { value: string } }> } }).filter.must[0].match.value,
      String(b),
      "deleted by the tenant filter",
    );
    await maintenance().idle();
    assertEquals(await vectorStore.count(preview.collection, { tenantId: a }), 2, "A's vectors untouched");
    assertEquals(await vectorStore.count(preview.collection, { tenantId: b }), 1, "B's re-embedded");
    const whole = await (await app.api("/app/etl/qdrant/collections/work_items", { token: adminA })).json();
    assertEquals(whole.scope, "collection");
    const recreated = await app.api("/app/etl/qdrant/collections/work_items", {
      token: adminA,
      body: { action: "recreate", confirm: whole.collection },
    });
    assertEquals(recreated.status, 202);
    await maintenance().idle();
    const rebuilt = (await (await app.api("/app/etl/qdrant", { token: viewerA })).json()).kinds[0];
    assertEquals([rebuilt.vectors, rebuilt.bridge, rebuilt.pending], [2, 2, 0], "A's records embedded again");
    assertEquals(await vectorStore.count(whole.collection, { tenantId: b }), 1, "and B's, whose points went too");

    // roles and bad input
    const forbidden = [
      await app.api("/app/etl/qdrant/kinds/work_items/reembed", { token: viewerA, method: "POST" }),
      await app.api("/app/etl/qdrant/collections/work_items", { token: userA, body: { action: "create" } }),
      await app.api("/app/etl/qdrant/collections/work_items", { token: viewerA }),
    ];
    assertEquals(forbidden.map((r) => r.status), [403, 403, 403]);
    const bad = [
      await app.api("/app/etl/search", { token: viewerA }),
      await app.api("/app/etl/search?q=x&kind=sprints", { token: viewerA }),
      await app.api("/app/etl/search?q=x&limit=0", { token: viewerA }),
      await app.api("/app/etl/search?q=...", { token: viewerA }),
      await app.api("/app/etl/qdrant/collections/work_items", { token: adminA, body: { action: "drop" } }),
    ];
    assertEquals(bad.map((r) => r.status), [400, 400, 400, 400, 400]);
    const fields = await Promise.all(bad.map(async (r) => (await r.json()).error.fields?.[0]?.field));
    assertEquals(fields, ["query.q", "query.kind", "query.limit", "q", "action"]);
    assertEquals(
      (await app.api("/app/etl/qdrant/kinds/sprints/reembed", { token: adminA, method: "POST" })).status,
      404,
    );

    // the store down: health says so (a real call), the page still answers
    qdrant.down = true;
    const down = await (await app.api("/app/etl/qdrant", { token: viewerA })).json();
    assertEquals(down.store.health.ok, false);
    assertStringIncludes(down.store.health.detail, "503");
    assertEquals(qdrant.rejected, []);
  } finally {
    await vectors?.stop();
    await app.close();
    await qdrant.close();
  }
});
