import { assert, assertEquals, assertNotEquals, assertRejects } from "../../tests/support/assert.ts";
import { withTestDb } from "../../tests/support/db.ts";
import { HashingEmbedder } from "./embedder.ts";
import { collectionName, pointId, uuidV5 } from "./ids.ts";
import { DbVectorStore } from "./store.ts";
import { indexDocs } from "./indexer.ts";

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

Deno.test("uuidV5 matches the RFC 9562 example and is deterministic", () => {
  // RFC 9562 appendix A.4: DNS namespace, "www.example.com".
  assertEquals(
    uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
    "2ed6657d-e927-568b-95e1-2665a8aea6a2",
  );
  assertEquals(pointId(1, "work_items", 7), pointId(1, "work_items", 7));
  assertNotEquals(pointId(1, "work_items", 7), pointId(2, "work_items", 7));
  assertEquals(collectionName(3, "prs"), "tenant_3_prs");
});

Deno.test("hashing embedder: unit vectors, deterministic, shared words score higher", async () => {
  const e = new HashingEmbedder(256);
  assertEquals(e.id, "lexical-hash-256");
  assertEquals(e.kind, "lexical");
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

Deno.test("indexDocs writes points and bridge rows, skips unchanged text, and search finds them", async () => {
  await withTestDb("pglite", async (db) => {
    const [{ id: tenantId }] = await db.query<{ id: number }>("INSERT INTO tenants (name) VALUES ('v') RETURNING id");
    const deps = { embedder: new HashingEmbedder(64), vectorStore: new DbVectorStore() };
    const docs = [
      { table: "work_items", id: 1, text: "payment gateway returns error 502" },
      { table: "work_items", id: 2, text: "dark mode colours in settings page" },
      { table: "work_items", id: 3, text: "   " },
    ];
    assertEquals(await db.transaction((tx) => indexDocs(deps, tx, { tenantId, integrationId: null, docs })), 2);
    assertEquals(await db.transaction((tx) => indexDocs(deps, tx, { tenantId, integrationId: null, docs })), 0);
    const changed = [{ ...docs[1], text: "dark mode colours in the profile page" }];
    assertEquals(
      await db.transaction((tx) => indexDocs(deps, tx, { tenantId, integrationId: null, docs: changed })),
      1,
    );
    const bridge = await db.query<{ record_id: number; point_id: string; embedder: string }>(
      "SELECT record_id, point_id::text AS point_id, embedder FROM qdrant_vectors ORDER BY record_id",
    );
    assertEquals(bridge.map((b) => b.record_id), [1, 2]);
    assertEquals(bridge[0].point_id, pointId(tenantId, "work_items", 1));
    assertEquals(bridge[0].embedder, "lexical-hash-64");
    const [query] = await deps.embedder.embed(["gateway error 502"]);
    const hits = await deps.vectorStore.search(db, tenantId, collectionName(tenantId, "work_items"), query, 2);
    assertEquals(hits.length, 2);
    assertEquals(hits[0].payload.recordId, 1);
    assert(hits[0].score > hits[1].score);
  });
});
