// Raw retention (issue #10 §5): a re-sync leaves old raw pages whose records all have newer copies; pruning removes
// exactly those (and nothing inside the window), and a re-transform from what is left loads the same content.
import { assert, assertEquals } from "../support/assert.ts";
import { contentDigest, describeDifference } from "../support/content_hash.ts";
import { pruneRawPages, rawDataSize } from "../../engine/raw_retention.ts";
import { count, waitForRun } from "./support/harness.ts";
import { SMALL, withPipeline } from "./support/pipeline.ts";

Deno.test("raw retention: prune keeps the latest copy of every record; a re-transform after it loads the same", () =>
  withPipeline("db", { source: SMALL, job: { settings: { pageSize: 100 } } }, async ({ db, engine, job }) => {
    const sync = async () => {
      const { runId } = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
      await waitForRun(db, runId, "FINISHED", 60_000);
    };
    await sync();
    await sync(); // groups are read in full again: the first run's group pages now hold only older copies
    const pages = await count(db, "SELECT 1 FROM raw_extraction_data WHERE tenant_id = $1", [job.tenantId]);
    const before = await rawDataSize(db, job.tenantId);
    assertEquals(before.pages, pages);
    assert(before.bytes > 0);

    assertEquals(await pruneRawPages(db, { retentionDays: 14, tenantId: job.tenantId }), 0, "all inside the window");
    await db.query("UPDATE raw_extraction_data SET created_at = now() - interval '30 days' WHERE tenant_id = $1", [
      job.tenantId,
    ]);
    const [{ n: firstGroupPages }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM raw_extraction_data WHERE tenant_id = $1 AND step = 'synthetic_groups'
         AND run_id = (SELECT min(run_id) FROM raw_extraction_data WHERE tenant_id = $1)`,
      [job.tenantId],
    );
    assert(firstGroupPages > 0);
    const pruned = await pruneRawPages(db, { retentionDays: 14, tenantId: job.tenantId, batchSize: 2 });
    assertEquals(pruned, firstGroupPages, "exactly the pages whose every record has a newer copy");
    assertEquals((await rawDataSize(db, job.tenantId)).pages, pages - pruned);
    assertEquals(await pruneRawPages(db, { retentionDays: 14, tenantId: job.tenantId }), 0, "nothing more to prune");

    // the embed stage is not under test: vectors of the wiped rows would differ by row identity
    const digest = () => contentDigest(db, { skipTables: ["qdrant_vectors", "vector_points", "vector_failures"] });
    const loaded = await digest();
    // wipe what was loaded, then rebuild it from the raw pages that are left
    await db.query("DELETE FROM synthetic_items WHERE tenant_id = $1", [job.tenantId]);
    await db.query("DELETE FROM synthetic_groups WHERE tenant_id = $1", [job.tenantId]);
    const { runId } = await engine.startRetransform({ tenantId: job.tenantId, integrationId: job.integrationId });
    await waitForRun(db, runId, "FINISHED", 60_000);
    const rebuilt = await digest();
    assert(rebuilt.hash === loaded.hash, describeDifference(loaded, rebuilt));
    assertEquals(rebuilt.tables.synthetic_items.rows, 600);
  }));
