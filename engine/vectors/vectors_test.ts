import { assert, assertEquals, assertNotEquals, assertRejects } from "../../tests/support/assert.ts";
import { withTestDb } from "../../tests/support/db.ts";
import { createTenant } from "../../db/seed.ts";
import { HashingEmbedder } from "./lexical_embedder.ts";
import { pointId, uuidV5 } from "./ids.ts";
import { DatabaseVectorStore } from "./db_store.ts";
import { indexRecords } from "./indexer.ts";
import { collectionFor } from "./store.ts";
import { unitVector } from "./embedder.ts";

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

Deno.test("uuidV5 matches the RFC 9562 example and is deterministic; collections name kind, model and size", () => {
  // RFC 9562 appendix A.4: DNS namespace, "www.example.com".
  assertEquals(
    uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
    "2ed6657d-e927-568b-95e1-2665a8aea6a2",
  );
  assertEquals(pointId(1, "work_items", 7), pointId(1, "work_items", 7));
  assertNotEquals(pointId(1, "work_items", 7), pointId(2, "work_items", 7));
  assertEquals(collectionFor("prs", "text-embedding-3-small", 1536), "sluice_prs_text-embedding-3-small_1536");
  assertEquals(
    collectionFor("work_items", "nomic/Embed Text:v1.5", 768),
    "sluice_work_items_nomic-embed-text-v1-5_768",
  );
});

Deno.test("unit vectors: scaled to length 1; zero and non-finite vectors refused", () => {
  assertEquals(unitVector([3, 4], "v"), [0.6, 0.8]);
  let zero = "";
  try {
    unitVector([0, 0, 0], "v");
  } catch (e) {
    zero = (e as Error).message;
  }
  assert(zero.includes("zero vector"), zero);
  let nan = "";
  try {
    unitVector([1, NaN], "v");
  } catch (e) {
    nan = (e as Error).message;
  }
  assert(nan.includes("not a finite number"), nan);
});

Deno.test("hashing embedder: unit vectors, deterministic, shared words score higher", async () => {
  const e = new HashingEmbedder(256);
  assertEquals([e.id, e.kind, await e.ready()], ["lexical-hash-256", "lexical", 256]);
  const [a, a2, b, c] = await e.embed([
    "Login page times out for SSO users",
    "Login page times out for SSO users",
    "SSO login times out on the login page",
    "Quarterly budget spreadsheet export",
  ]);
  assertEquals(a.length, 256);
  assert(Math.abs(dot(a, a) - 1) < 1e-9, "unit length");
  assertEquals(a, a2);
  assert(dot(a, b) > 0.5, `similar texts score high (${dot(a, b)})`);
  assert(Math.abs(dot(a, c)) < 0.3, `unrelated texts score low (${dot(a, c)})`);
  await assertRejects(() => e.embed(["  ...  "]), "without words");
});

Deno.test("indexRecords: points and bridge rows, unchanged text skipped, gone records lose their point", async () => {
  await withTestDb("pglite", async (db) => {
    const tenantId = await createTenant(db, "V");
    const deps = { embedder: new HashingEmbedder(64), vectorStore: new DatabaseVectorStore(db) };
    const docs = [
      { table: "work_items", id: 1, text: "payment gateway returns error 502" },
      { table: "work_items", id: 2, text: "dark mode colours in settings page" },
      { table: "work_items", id: 3, text: "   " },
    ];
    const req = { tenantId, table: "work_items", ids: [1, 2, 3], docs, integrationId: null };
    assertEquals(await indexRecords(db, deps, req), { written: 2, deleted: 0 });
    assertEquals(await indexRecords(db, deps, req), { written: 0, deleted: 0 });
    assertEquals(await indexRecords(db, deps, { ...req, force: true }), { written: 2, deleted: 0 });
    const changed = [docs[0], { ...docs[1], text: "dark mode colours in the profile page" }];
    assertEquals(await indexRecords(db, deps, { ...req, docs: changed }), { written: 1, deleted: 0 });
    const bridge = await db.query<{ record_id: number; point_id: string; embedder: string; store: string }>(
      "SELECT record_id, point_id::text AS point_id, embedder, store FROM qdrant_vectors ORDER BY record_id",
    );
    assertEquals(bridge.map((b) => [b.record_id, b.embedder, b.store]), [
      [1, "lexical-hash-64", "pgvector"],
      [2, "lexical-hash-64", "pgvector"],
    ]);
    assertEquals(bridge[0].point_id, pointId(tenantId, "work_items", 1));
    const collection = collectionFor("work_items", "lexical-hash-64", 64);
    const [query] = await deps.embedder.embed(["gateway error 502"]);
    const hits = await deps.vectorStore.query(collection, query, { tenantId }, 2);
    assertEquals(hits.map((h) => h.payload.record_id), [1, 2]);
    assert(hits[0].score > hits[1].score);
    // record 1 deleted (no doc any more): its point and bridge row go
    assertEquals(await indexRecords(db, deps, { ...req, ids: [1], docs: [] }), { written: 0, deleted: 1 });
    assertEquals(await deps.vectorStore.count(collection, { tenantId }), 1);
    assertEquals((await db.query("SELECT 1 FROM qdrant_vectors")).length, 1);
    // a new model: a new collection; the old point is removed as the new one is written
    const other = { ...deps, embedder: new HashingEmbedder(32) };
    assertEquals(await indexRecords(db, other, { ...req, ids: [2], docs: [changed[1]] }), { written: 1, deleted: 0 });
    assertEquals(await deps.vectorStore.count(collection, { tenantId }), 0);
    assertEquals(await other.vectorStore.count(collectionFor("work_items", "lexical-hash-32", 32), { tenantId }), 1);
  });
});
