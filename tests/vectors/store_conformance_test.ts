// Every VectorStore adapter passes the same conformance suite: pgvector in embedded PGlite, the database store on
// the real PostgreSQL (exact mode here, where the server has no pgvector; pgvector mode where it has), and Qdrant
// through the Qdrant double (which validates every request against Qdrant's OpenAPI).
import { assertEquals } from "../support/assert.ts";
import { needsPostgres, withTestDb } from "../support/db.ts";
import { createTenant } from "../../db/seed.ts";
import type { Db } from "../../db/port.ts";
import { DatabaseVectorStore } from "../../engine/vectors/db_store.ts";
import { QdrantStore } from "../../engine/vectors/qdrant_store.ts";
import { runStoreConformance } from "../../engine/vectors/store_conformance.ts";
import { startFakeQdrant } from "../fakes/qdrant/server.ts";
import { setLogLevel } from "../../lib/log.ts";

setLogLevel("error");

async function fixture(db: Db) {
  const a = await createTenant(db, "Conformance A");
  const b = await createTenant(db, "Conformance B");
  const [{ id }] = await db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
    [a],
  );
  return { tenants: [a, b] as [number, number], integrationId: id };
}

Deno.test("vector store conformance [pgvector on PGlite]", async (t) => {
  await withTestDb("pglite", async (db) => {
    const store = new DatabaseVectorStore(db, { requirePgvector: true });
    await runStoreConformance(t, { store, ...await fixture(db) });
    assertEquals(store.kind, "pgvector");
  });
});

Deno.test("vector store conformance [pgvector on PGlite, HNSW index from the first point]", async (t) => {
  await withTestDb("pglite", async (db) => {
    const store = new DatabaseVectorStore(db, { requirePgvector: true, indexThreshold: 0 });
    await runStoreConformance(t, { store, ...await fixture(db) });
    const [{ n }] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'vector_points' AND indexdef LIKE '%hnsw%'",
    );
    assertEquals(n, 1, "the collection got its HNSW index");
  });
});

Deno.test(needsPostgres("vector store conformance [database store on PostgreSQL]"), async (t) => {
  await withTestDb("postgres", async (db) => {
    const store = new DatabaseVectorStore(db);
    await runStoreConformance(t, { store, ...await fixture(db) });
  });
});

Deno.test("vector store conformance [Qdrant double]", async (t) => {
  const qdrant = startFakeQdrant({ apiKey: "qdrant-test-key" });
  try {
    const store = new QdrantStore({ url: qdrant.url, apiKey: "qdrant-test-key" });
    await runStoreConformance(t, { store, tenants: [11, 12], integrationId: 5 });
    assertEquals(qdrant.rejected, [], "every request matched Qdrant's OpenAPI");
    assertEquals(qdrant.internalErrors, []);
    const writes = qdrant.requests.filter((r) => ["upsert_points", "delete_points"].includes(r.operation));
    assertEquals(writes.every((r) => r.wait === "true"), true, "every write waits for the server to apply it");
    const index = [...qdrant.collections.values()][0].payloadSchema;
    assertEquals(index.tenant, { data_type: "keyword", params: { type: "keyword", is_tenant: true } });
  } finally {
    await qdrant.close();
  }
});
