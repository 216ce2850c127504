// The VectorStore conformance suite: the same steps run against every adapter (pgvector, the exact database mode,
// Qdrant through its double), so they agree on ids, ordering, tenant filtering, deletes and counts.
import type { VectorStore } from "./store.ts";
import { DimensionMismatchError, payloadOf } from "./store.ts";
import { pointId } from "./ids.ts";
import { assert, assertEquals, assertRejects } from "../../tests/support/assert.ts";

export interface StoreFixture {
  store: VectorStore;
  /** Two tenants that exist (database stores keep a foreign key to tenants). */
  tenants: [number, number];
  integrationId: number | null;
}

const DIMS = 4;
const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

export async function runStoreConformance(t: Deno.TestContext, fx: StoreFixture): Promise<void> {
  const { store, tenants: [a, b], integrationId } = fx;
  const name = "sluice_conformance_test-model_4";
  const point = (tenant: number, id: number, v: number[]) => ({
    id: pointId(tenant, "work_items", id),
    vector: unit(v),
    payload: payloadOf(tenant, integrationId, "work_items", id),
  });
  await store.ready();

  await t.step("a collection is created once and refuses another dimension", async () => {
    await store.ensureCollection({ name, dimensions: DIMS });
    await store.ensureCollection({ name, dimensions: DIMS });
    const state = await store.collection(name);
    assertEquals([state.exists, state.dimensions, state.points], [true, DIMS, 0]);
    assertEquals((await store.collection("sluice_missing_x_4")).exists, false);
    const err = await assertRejects(() => store.ensureCollection({ name, dimensions: 8 }), "not 8");
    assert(err instanceof DimensionMismatchError);
  });

  await t.step("upsert is idempotent by id and counts per tenant", async () => {
    await store.upsert(name, [point(a, 1, [1, 0, 0, 0]), point(a, 2, [0.9, 0.1, 0, 0]), point(a, 3, [0, 0, 1, 0])]);
    await store.upsert(name, [point(a, 1, [1, 0, 0, 0]), point(b, 1, [1, 0, 0, 0]), point(b, 4, [0.95, 0, 0.05, 0])]);
    assertEquals(await store.count(name, { tenantId: a }), 3);
    assertEquals(await store.count(name, { tenantId: b }), 2);
    assertEquals((await store.collection(name)).points, 5);
    if (integrationId !== null) {
      assertEquals(await store.count(name, { tenantId: a, integrationId }), 3);
      assertEquals(await store.count(name, { tenantId: a, integrationId: integrationId + 1000 }), 0);
    }
  });

  await t.step("query returns the tenant's nearest points best first, with cosine scores and payloads", async () => {
    const hits = await store.query(name, unit([1, 0, 0, 0]), { tenantId: a }, 10);
    assertEquals(hits.map((h) => h.payload.record_id), [1, 2, 3]);
    assert(Math.abs(hits[0].score - 1) < 1e-3, `identical vector scores 1 (${hits[0].score})`);
    assert(hits[0].score > hits[1].score && hits[1].score > hits[2].score);
    assert(Math.abs(hits[2].score) < 1e-3, "orthogonal vector scores 0");
    assertEquals(hits[0].id, pointId(a, "work_items", 1));
    assertEquals(hits[0].payload, payloadOf(a, integrationId, "work_items", 1));
    assertEquals((await store.query(name, unit([1, 0, 0, 0]), { tenantId: a }, 2)).length, 2);
  });

  await t.step("another tenant's points never come back, however close they are", async () => {
    const hits = await store.query(name, unit([0.95, 0, 0.05, 0]), { tenantId: a }, 10);
    assert(hits.every((h) => h.payload.tenant === String(a)), JSON.stringify(hits));
    const theirs = await store.query(name, unit([0, 0, 1, 0]), { tenantId: b }, 10);
    assertEquals(theirs.map((h) => h.payload.record_id).sort(), [1, 4]);
  });

  await t.step("point ids page through one tenant", async () => {
    const ids: string[] = [];
    for await (const page of store.pointIds(name, { tenantId: a })) ids.push(...page);
    assertEquals(ids.sort(), [1, 2, 3].map((i) => pointId(a, "work_items", i)).sort());
  });

  await t.step("delete by id and by tenant filter", async () => {
    await store.deletePoints(name, [pointId(a, "work_items", 2), pointId(a, "work_items", 99)]);
    assertEquals(await store.count(name, { tenantId: a }), 2);
    const hits = await store.query(name, unit([1, 0, 0, 0]), { tenantId: a }, 10);
    assertEquals(hits.map((h) => h.payload.record_id), [1, 3]);
    await store.deleteWhere(name, { tenantId: b });
    assertEquals(await store.count(name, { tenantId: b }), 0);
    assertEquals(await store.count(name, { tenantId: a }), 2);
  });

  await t.step("a wrongly sized vector is refused, not stored", async () => {
    await assertRejects(() => store.upsert(name, [{ ...point(a, 5, [1, 0, 0, 0]), vector: [1, 0, 0] }]));
    assertEquals(await store.count(name, { tenantId: a }), 2);
  });

  await t.step("recreate empties the collection", async () => {
    await store.recreateCollection({ name, dimensions: DIMS });
    assertEquals(await store.count(name, { tenantId: a }), 0);
    assertEquals((await store.collection(name)).points, 0);
  });

  await t.step("health is a real round trip with latency", async () => {
    const h = await store.health();
    assert(h.ok, h.detail);
    assert(h.latencyMs >= 0);
  });
}
