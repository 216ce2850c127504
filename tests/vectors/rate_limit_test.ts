// The embedder's budget gone for longer than the client waits: the embed stage hands its batches back and parks
// the run as RATE_LIMITED (nothing stored, nothing zeroed); when the resume time comes the orchestrator resumes the
// run, the handed-back batches are published again, and the run finishes with every vector written.
import { assert, assertEquals } from "../support/assert.ts";
import { count, getRun, waitFor, waitForRun } from "../engine/support/harness.ts";
import { withPipeline } from "../engine/support/pipeline.ts";
import { startFakeEmbeddings } from "../fakes/embeddings/server.ts";
import { OpenAiEmbedder } from "../../engine/vectors/openai_embedder.ts";

Deno.test("embed stage: an exhausted embedder budget parks the run; resuming finishes it", async () => {
  const fake = startFakeEmbeddings({ dimensions: 32 });
  try {
    const embedder = new OpenAiEmbedder({
      url: fake.url,
      model: "m",
      apiKey: fake.apiKey,
      http: { pacer: false, backoffBaseMs: 1, backoffMaxMs: 5, maxWaitMs: 100 },
    });
    fake.outage = { kind: "status", status: 429, retryAfterSeconds: 2 };
    await withPipeline(
      "db",
      { source: { groups: 2, items: 250 }, engine: { embedder } },
      async ({ db, engine, job }) => {
        const started = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
        const parked = await waitForRun(db, started.runId, "RATE_LIMITED", 30_000);
        assert(parked.resume_at && new Date(parked.resume_at).getTime() > Date.now() - 5_000);
        const [jobRow] = await db.query<{ status: string }>("SELECT status FROM etl_jobs WHERE id = $1", [job.jobId]);
        assertEquals(jobRow.status, "RATE_LIMITED");
        assertEquals(await count(db, "SELECT 1 FROM qdrant_vectors WHERE tenant_id = $1", [job.tenantId]), 0);
        // transform keeps going while parked; every embed batch is handed back, none dead-lettered
        await waitFor("the handed-back embed batches", async () =>
          (await count(
            db,
            `SELECT 1 FROM etl_run_batches WHERE run_id = $1 AND embed_work IS NOT NULL AND embed_published_at IS NULL
             AND embedded_at IS NULL`,
            [started.runId],
          )) >= 1);
        fake.outage = null;
        const resumeAt = new Date((await getRun(db, started.runId)).resume_at!);
        const report = await engine.orchestrator.tick(new Date(resumeAt.getTime() + 1000));
        assertEquals(report.resumed, [started.runId]);
        const finished = await waitForRun(db, started.runId, "FINISHED", 60_000);
        assertEquals(finished.status, "FINISHED");
        assertEquals(await count(db, "SELECT 1 FROM qdrant_vectors WHERE tenant_id = $1", [job.tenantId]), 250);
        assert(fake.requests.some((r) => r.status === 429) && fake.requests.at(-1)!.status === 200);
      },
    );
  } finally {
    await fake.close();
  }
});
