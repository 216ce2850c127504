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

Deno.test("raw retention: source snapshots without an id (project statuses, sprint reports, dev panels) are pruned once read again", () =>
  withPipeline("db", { source: SMALL }, async ({ db, job }) => {
    const page = async (kind: string, records: unknown[], daysAgo: number) => {
      const [{ id }] = await db.query<{ id: number }>(
        `INSERT INTO raw_extraction_data (tenant_id, integration_id, step, kind, record_count, payload, created_at)
         VALUES ($1, $2, 'jira_metadata', $3, $4, $5::jsonb, now() - $6 * interval '1 day') RETURNING id`,
        [job.tenantId, job.integrationId, kind, records.length, JSON.stringify(records), daysAgo],
      );
      return Number(id);
    };
    const statuses = (key: string) => ({ projectKey: key, issueTypes: [] });
    const report = (boardId: number, sprintId: number) => ({ boardId, sprintId, report: {} });
    const panel = (issueId: string, applicationType: string) => ({ issueId, applicationType, detail: {} });
    const oldStatuses = await page("jira_statuses", [statuses("OPS"), statuses("WEB")], 40);
    const oldReports = await page("jira_sprint_reports", [report(1, 10), report(1, 11)], 40);
    const oldPanels = await page("jira_dev_status", [panel("100", "GitHub"), panel("100", "bitbucket")], 40);
    // read again later: every statuses and report record, only one of the two dev panels
    await page("jira_statuses", [statuses("OPS"), statuses("WEB")], 20);
    await page("jira_sprint_reports", [report(1, 10)], 20);
    await page("jira_sprint_reports", [report(1, 11)], 20);
    await page("jira_dev_status", [panel("100", "GitHub")], 20);

    assertEquals(await pruneRawPages(db, { retentionDays: 14, tenantId: job.tenantId }), 2);
    const left = (await db.query<{ id: number }>(
      "SELECT id FROM raw_extraction_data WHERE id = ANY($1::bigint[]) ORDER BY id",
      [[oldStatuses, oldReports, oldPanels]],
    )).map((r) => Number(r.id));
    assertEquals(left, [oldPanels], "a page is kept while one of its records has no newer copy");
  }));
