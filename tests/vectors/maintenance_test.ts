// Background vector work on embedded PGlite with pgvector: changing the embedder (a new model) re-embeds every
// record at the next start, with progress, into the new model's collection, and removes the old points; the pull
// request text comes from the prs/prs_commits tables; a failed record is retried and cleared.
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { withTestDb } from "../support/db.ts";
import { createTenant } from "../../db/seed.ts";
import { HashingEmbedder } from "../../engine/vectors/lexical_embedder.ts";
import { DatabaseVectorStore } from "../../engine/vectors/db_store.ts";
import { VectorMaintenance, type VectorProgress } from "../../engine/vectors/maintenance.ts";
import { collectionFor } from "../../engine/vectors/store.ts";
import { prTexts } from "../../engine/vectors/texts/prs.ts";
import { recordFailures } from "../../engine/vectors/indexer.ts";
import { kindStats } from "../../engine/vectors/stats.ts";

Deno.test("vectors maintenance [pglite]: a model change re-embeds in the background with progress", async () => {
  await withTestDb("pglite", async (db) => {
    const tenantId = await createTenant(db, "M");
    const [{ id: gh }] = await db.query<{ id: number }>(
      "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'github'",
      [tenantId],
    );
    const [{ id: repo }] = await db.query<{ id: number }>(
      `INSERT INTO repositories (tenant_id, integration_id, external_id, name, full_name)
       VALUES ($1, $2, 'r1', 'api', 'acme/api') RETURNING id`,
      [tenantId, gh],
    );
    for (let n = 1; n <= 300; n++) {
      await db.query(
        `INSERT INTO prs (tenant_id, integration_id, external_id, repository_id, number, title, body, state)
         VALUES ($1, $2, $3, $4, $5, $6, 'Body text', 'MERGED')`,
        [tenantId, gh, `pr${n}`, repo, n, `Change number ${n}`],
      );
    }
    const [{ id: pr1 }] = await db.query<{ id: number }>("SELECT id FROM prs WHERE number = 1");
    await db.query(
      `INSERT INTO prs_commits (tenant_id, integration_id, pr_id, external_id, message, committed_at) VALUES
       ($1, $2, $3, 'c2', 'Second commit', '2024-01-02'), ($1, $2, $3, 'c1', 'First commit\n\nbody', '2024-01-01'),
       ($1, $2, $3, 'c3', 'Merge branch ''main'' into x', '2024-01-03')`,
      [tenantId, gh, pr1],
    );
    const [doc] = await prTexts(db, tenantId, [pr1]);
    assertEquals(
      doc.text,
      "Pull Request: acme/api#1 Title: Change number 1 State: MERGED Commits: First commit; Second commit " +
        "Description: Body text",
    );
    assertEquals(doc.integrationId, gh);

    const store = new DatabaseVectorStore(db);
    const old = new VectorMaintenance(db, { embedder: new HashingEmbedder(32), vectorStore: store });
    assertEquals(await old.backfillPending(), 1, "the pending pull requests are embedded at start");
    const oldCollection = collectionFor("prs", "lexical-hash-32", 32);
    assertEquals(await store.count(oldCollection, { tenantId }), 300);
    assertEquals(await old.backfillPending(), 0, "nothing pending any more");

    const embedder = new HashingEmbedder(48);
    const next = new VectorMaintenance(db, { embedder, vectorStore: store });
    const seen: VectorProgress[] = [];
    next.onProgress((p) => seen.push(p));
    assertEquals((await kindStats(db, { embedder, vectorStore: store }, tenantId))[1].otherModel, 300);
    assertEquals(await next.backfillPending(), 1);
    const newCollection = collectionFor("prs", "lexical-hash-48", 48);
    assertEquals(await store.count(newCollection, { tenantId }), 300);
    assertEquals(await store.count(oldCollection, { tenantId }), 0, "the old model's points are gone");
    assertEquals(seen[0].state, "running");
    assert(seen.filter((p) => p.state === "running").length >= 3, "progress per chunk");
    const last = seen.at(-1)!;
    assertEquals([last.state, last.done, last.total, last.changed], ["finished", 300, 300, 300]);
    const bridge = await db.query<{ embedder: string; store: string; dimensions: number }>(
      "SELECT DISTINCT embedder, store, dimensions FROM qdrant_vectors",
    );
    assertEquals(bridge, [{ embedder: "lexical-hash-48", store: "pgvector", dimensions: 48 }]);

    // a record whose batch failed is retried and its failure cleared
    await recordFailures(db, tenantId, "prs", [pr1], "lexical-hash-48", "server error", new Date());
    assertEquals((await kindStats(db, { embedder, vectorStore: store }, tenantId))[1].failed, 1);
    await next.retryFailures(tenantId);
    await next.idle();
    assertEquals((await kindStats(db, { embedder, vectorStore: store }, tenantId))[1].failed, 0);
    assertStringIncludes(JSON.stringify(next.tasks(tenantId)), "finished");
    await old.close();
    await next.close();
  });
});
