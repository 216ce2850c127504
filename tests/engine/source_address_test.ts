// An engine built with no address policy (a new install's default) refuses a source on loopback: the run fails at
// once on its first request — no retries, no attempt budget spent, nothing sent to the source — naming the reason.
import { assert, assertEquals } from "../support/assert.ts";
import { createTestDb, primaryKind } from "../support/db.ts";
import { createEngine } from "../../engine/engine.ts";
import { createSyntheticConnector } from "../../engine/connectors/synthetic/connector.ts";
import { SyntheticSource } from "../../engine/connectors/synthetic/source.ts";
import { getRun, openQueue, seedSyntheticJob, waitFor } from "./support/harness.ts";

Deno.test(`source addresses [${primaryKind()}]: a sync against loopback fails at once with the default policy`, async () => {
  const t = await createTestDb(primaryKind());
  const source = new SyntheticSource({ groups: 2, items: 10 });
  const q = await openQueue("db", t.db, { maxAttempts: 5 });
  const engine = createEngine({ db: t.db, queue: q.queue, connectors: [createSyntheticConnector()] });
  try {
    await engine.startWorkers();
    const job = await seedSyntheticJob(t.db, source);
    const { runId } = await engine.startRun({ tenantId: job.tenantId, jobId: job.jobId });
    const run = await waitFor("the run to fail", async () => {
      const r = await getRun(t.db, runId);
      return r.status === "FAILED" ? r : undefined;
    }, 30_000);
    assert(/resolves to a loopback address|is a loopback address/.test(run.error ?? ""), run.error ?? "");
    assert(/not allowed as sources/.test(run.error ?? ""), run.error ?? "");
    assertEquals(source.requests(), 0, "nothing reached the source");
    assertEquals((await q.queue.stats()).extract.deadLettered, 0, "refused at once, not retried into a dead letter");
  } finally {
    await engine.close();
    await q.close();
    await source.close();
    await t.close();
  }
});
