// Vectors end to end: a Jira sync through the real engine (database queue, fake Jira over HTTP) with the
// OpenAI-compatible embedder double and the Qdrant double fills the work-item collection; an edited issue changes
// exactly one vector; an issue deleted in Jira loses its point at the next sync (census of the scope); and an
// embedder outage fails the run with the reason on the job, stores no vector (zero or otherwise) and counts the
// records as failed — the next sync after the outage embeds them.
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { createEngine } from "../../engine/engine.ts";
import { OPEN_ADDRESSES } from "../../engine/http/address_guard.ts";
import { FAST_HTTP, mapCustomFields, withJira } from "../jira/support.ts";
import { openQueue, waitFor, waitForRun } from "../engine/support/harness.ts";
import { VectorMaintenance } from "../../engine/vectors/maintenance.ts";
import { startFakeQdrant } from "../fakes/qdrant/server.ts";
import { startFakeEmbeddings } from "../fakes/embeddings/server.ts";
import { OpenAiEmbedder } from "../../engine/vectors/openai_embedder.ts";
import { QdrantStore } from "../../engine/vectors/qdrant_store.ts";
import { collectionFor } from "../../engine/vectors/store.ts";
import { pointId } from "../../engine/vectors/ids.ts";
import { kindStats } from "../../engine/vectors/stats.ts";

const kind = primaryKind();
const FAST = { pacer: false as const, backoffBaseMs: 1, backoffMaxMs: 5, maxWaitMs: 2_000 };

Deno.test(`vectors end to end [${kind}]: Jira sync → embeddings → Qdrant; edit, delete, outage`, () =>
  withJira(kind, {}, async ({ db, jira, tenantId, integrationId, credentials }) => {
    const qdrant = startFakeQdrant({ apiKey: "qdrant-key" });
    const embeddings = startFakeEmbeddings({ dimensions: 48 });
    const q = await openQueue("db", db, { maxAttempts: 2 });
    const embedder = new OpenAiEmbedder({
      url: embeddings.url,
      model: "text-embedding-3-small",
      apiKey: embeddings.apiKey,
      http: FAST,
    });
    const vectorStore = new QdrantStore({ url: qdrant.url, apiKey: "qdrant-key" });
    const deps = { embedder, vectorStore };
    await mapCustomFields(db, tenantId, integrationId, { sprints: "customfield_10020" });
    await db.query("UPDATE integrations SET credentials_enc = 'sealed-in-test' WHERE id = $1", [integrationId]);
    const [{ id: jobId }] = await db.query<{ id: number }>(
      "SELECT id FROM etl_jobs WHERE tenant_id = $1 AND integration_id = $2",
      [tenantId, integrationId],
    );
    const engine = createEngine({
      addressGuard: OPEN_ADDRESSES,
      db,
      queue: q.queue,
      connectors: [createJiraConnector({ http: FAST_HTTP })],
      openCredentials: () => Promise.resolve(credentials),
      embedder,
      vectorStore,
    });
    const maintenance = new VectorMaintenance(db, deps);
    const unfollow = maintenance.followRuns(engine.events);
    const collection = collectionFor("work_items", "text-embedding-3-small", 48);
    const points = () => [...(qdrant.collections.get(collection)?.points.values() ?? [])];
    const idOf = async (key: string) =>
      (await db.query<{ id: number }>("SELECT id FROM work_items WHERE tenant_id = $1 AND key = $2", [tenantId, key]))[
        0
      ]
        .id;
    try {
      await engine.startWorkers();
      // 1. a full sync fills the collection: one point per work item, tenant and integration in the payload
      const first = await engine.startRun({ tenantId, jobId });
      await waitForRun(db, first.runId, "FINISHED", 90_000);
      const [{ n: items }] = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM work_items WHERE tenant_id = $1 AND active",
        [tenantId],
      );
      assert(items > 10);
      assertEquals(points().length, items);
      assertEquals(await vectorStore.count(collection, { tenantId }), items);
      assert(
        points().every((p) => p.payload.tenant === String(tenantId) && p.payload.integration_id === integrationId),
      );
      assertEquals(qdrant.collections.get(collection)!.payloadSchema.tenant.params, {
        type: "keyword",
        is_tenant: true,
      });
      const [stats] = await kindStats(db, deps, tenantId);
      assertEquals([stats.rows, stats.vectors, stats.bridge, stats.pending, stats.failed], [items, items, items, 0, 0]);
      const before = new Map(points().map((p) => [String(p.id), p.vector.join()]));
      const embeddedBefore = embeddings.embedded.length;

      // 2. one edited issue → exactly one vector changes, nothing else is re-embedded
      const at = Date.now() - 120_000;
      jira.updateIssue("EE-5", { at, fields: { summary: "Checkout freezes when the cart holds a gift card" } });
      const second = await engine.startRun({ tenantId, jobId });
      await waitForRun(db, second.runId, "FINISHED", 90_000);
      assertEquals(embeddings.embedded.length - embeddedBefore, 1, "only the edited issue was embedded");
      assertStringIncludes(embeddings.embedded.at(-1)!, "Checkout freezes when the cart holds a gift card");
      const edited = pointId(tenantId, "work_items", await idOf("EE-5"));
      const changed = points().filter((p) => before.get(String(p.id)) !== p.vector.join()).map((p) => String(p.id));
      assertEquals(changed, [edited]);
      const editedVector = points().find((p) => String(p.id) === edited)!.vector.join();

      // 3. an issue deleted in Jira: deactivated by the next sync's census, its point deleted
      const [{ key: victim }] = await db.query<{ key: string }>(
        "SELECT key FROM work_items WHERE tenant_id = $1 AND key <> 'EE-5' ORDER BY key LIMIT 1",
        [tenantId],
      );
      const deletedId = await idOf(victim);
      assert(jira.deleteIssue(victim));
      const third = await engine.startRun({ tenantId, jobId });
      await waitForRun(db, third.runId, "FINISHED", 90_000);
      const [{ active }] = await db.query<{ active: boolean }>("SELECT active FROM work_items WHERE id = $1", [
        deletedId,
      ]);
      assertEquals(active, false);
      assertEquals(points().some((p) => String(p.id) === pointId(tenantId, "work_items", deletedId)), false);
      assertEquals(points().length, items - 1);
      assertEquals((await db.query("SELECT 1 FROM qdrant_vectors WHERE record_id = $1", [deletedId])).length, 0);

      // 4. embedder outage: the run fails with the reason, no vector is written, the records count as failed
      embeddings.outage = { kind: "status", status: 500 };
      jira.updateIssue("EE-5", { at: Date.now() - 60_000, fields: { summary: "Outage-era edit of the checkout bug" } });
      const fourth = await engine.startRun({ tenantId, jobId });
      const failed = await waitForRun(db, fourth.runId, "FAILED", 90_000);
      assertStringIncludes(String(failed.error), "embed of step");
      assertStringIncludes(String(failed.error), "500");
      const [job] = await db.query<{ status: string; error: string }>(
        "SELECT status, error FROM etl_jobs WHERE id = $1",
        [
          jobId,
        ],
      );
      assertEquals(job.status, "FAILED");
      assertStringIncludes(job.error, "server error");
      assertEquals(points().length, items - 1, "no point added or replaced");
      assert(points().every((p) => p.vector.some((x) => x !== 0)), "no zero vector anywhere");
      assertEquals(points().find((p) => String(p.id) === edited)!.vector.join(), editedVector, "old vector kept");
      const failures = await db.query<{ record_id: number; error: string }>(
        "SELECT record_id, error FROM vector_failures WHERE tenant_id = $1",
        [tenantId],
      );
      assertEquals(failures.map((f) => Number(f.record_id)), [await idOf("EE-5")]);
      assertEquals((await kindStats(db, deps, tenantId))[0].failed, 1);

      // …and once the embedder is back, the next finished sync retries the failed record and clears the failure
      embeddings.outage = null;
      const fifth = await engine.startRun({ tenantId, jobId });
      await waitForRun(db, fifth.runId, "FINISHED", 90_000);
      await waitFor(
        "the failed record's retry",
        () => Promise.resolve(maintenance.tasks(tenantId).some((t) => t.state === "finished")),
      );
      await maintenance.idle();
      assertStringIncludes(embeddings.embedded.at(-1)!, "Outage-era edit of the checkout bug");
      assertEquals((await kindStats(db, deps, tenantId))[0].failed, 0);
      assertEquals(qdrant.rejected, []);
      assertEquals(qdrant.internalErrors, []);
      assert(qdrant.requests.filter((r) => r.operation === "upsert_points").every((r) => r.wait === "true"));
    } finally {
      unfollow();
      await maintenance.close();
      await engine.close();
      await q.close();
      await qdrant.close();
      await embeddings.close();
    }
  }));
