// Qdrant faults: a 5xx on an upsert fails that embed batch, the queue redelivers it and the run still finishes with
// every vector (points are idempotent by id); a Qdrant that stays down fails the run with an error naming Qdrant,
// the operation and the status. Errors from the store say which call failed.
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { count, waitForRun } from "../engine/support/harness.ts";
import { withPipeline } from "../engine/support/pipeline.ts";
import { startFakeQdrant } from "../fakes/qdrant/server.ts";
import { QdrantStore } from "../../engine/vectors/qdrant_store.ts";
import { HashingEmbedder } from "../../engine/vectors/lexical_embedder.ts";
import { collectionFor } from "../../engine/vectors/store.ts";
import { assertRejects } from "../support/assert.ts";

Deno.test("qdrant faults: a transient 500 is retried by redelivery; an outage fails the run naming Qdrant", async () => {
  const qdrant = startFakeQdrant();
  try {
    const vectorStore = new QdrantStore({ url: qdrant.url });
    const embedder = new HashingEmbedder(32);
    const err = await assertRejects(() => vectorStore.count("missing_collection", { tenantId: 1 }));
    assertStringIncludes(err.message, "Qdrant at 127.0.0.1");
    assertStringIncludes(err.message, "count of missing_collection failed (404)");

    await withPipeline("db", { source: { groups: 2, items: 300 }, engine: { embedder, vectorStore } }, async (p) => {
      qdrant.faults.push({ operation: "upsert_points", status: 500, times: 2 });
      const first = await p.engine.startRun({ tenantId: p.job.tenantId, jobId: p.job.jobId });
      await waitForRun(p.db, first.runId, "FINISHED", 60_000);
      const collection = collectionFor("synthetic_items", "lexical-hash-32", 32);
      assertEquals(await vectorStore.count(collection, { tenantId: p.job.tenantId }), 300);
      assertEquals(qdrant.requests.filter((r) => r.operation === "upsert_points" && r.status === 500).length, 2);
      assert(p.events.some((e) => e.type === "stage.error" && e.stage === "embed" && e.willRetry));

      // Qdrant down for good: every attempt fails, the run fails with the reason
      p.source.touch([0, 1, 2], new Date(Date.now() - 1000));
      qdrant.down = true;
      const second = await p.engine.startRun({ tenantId: p.job.tenantId, jobId: p.job.jobId });
      const failed = await waitForRun(p.db, second.runId, "FAILED", 60_000);
      qdrant.down = false;
      assertStringIncludes(String(failed.error), "embed of step");
      assertStringIncludes(String(failed.error), "Qdrant at 127.0.0.1");
      assertStringIncludes(String(failed.error), "503");
      assertEquals(qdrant.rejected, []);
      assertEquals(await count(p.db, "SELECT 1 FROM vector_failures WHERE tenant_id = $1", [p.job.tenantId]), 3);
    });
  } finally {
    await qdrant.close();
  }
});
