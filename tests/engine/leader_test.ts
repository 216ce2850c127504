// The orchestrator's leader lock across two real processes sharing one database: only the holder acts (starts
// the due jobs, each exactly once); the other only becomes leader after the first one exits.
import { assert, assertEquals } from "../support/assert.ts";
import { createTestDb, needsPostgres } from "../support/db.ts";
import { SyntheticSource } from "../../engine/connectors/synthetic/source.ts";
import { openQueue, queueKinds, seedSyntheticJob } from "./support/harness.ts";
import { spawnChild } from "./support/children.ts";

interface Tick {
  leader: boolean;
  started: number[];
}

const ticks = (lines: Array<Record<string, unknown>>) => lines.filter((l) => "tick" in l).map((l) => l.tick as Tick);

for (const kind of queueKinds()) {
  Deno.test(needsPostgres(`leader [${kind}]: of two orchestrator processes only the lock holder acts`), async () => {
    const testDb = await createTestDb("postgres");
    const db = testDb.db;
    const source = new SyntheticSource({ items: 10 });
    const q = await openQueue(kind, db);
    try {
      const first = await seedSyntheticJob(db, source);
      const jobs = [
        first.jobId,
        (await seedSyntheticJob(db, source, { tenantId: first.tenantId })).jobId,
        (await seedSyntheticJob(db, source, { tenantId: first.tenantId })).jobId,
      ];
      await db.query("UPDATE etl_jobs SET next_run_at = now() - interval '1 minute'");
      const env = {
        CHILD_MODE: "leader",
        DATABASE_URL: testDb.url!,
        QUEUE_KIND: kind,
        QUEUE_PREFIX: q.prefix,
        TICK_MS: "100",
      };
      // Each process runs until the test has seen what it waits for (no fixed durations: a loaded machine starts a
      // child slowly), then stops when its stop file appears.
      const dir = await Deno.makeTempDir();
      const stopA = `${dir}/a`, stopB = `${dir}/b`;
      const until = async (what: string, ok: () => boolean) => {
        for (const deadline = Date.now() + 60_000; !ok();) {
          if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const a = spawnChild({ ...env, STOP_FILE: stopA });
      await a.ready;
      await until("the first process ticked 5 times", () => ticks(a.lines).length >= 5);
      const b = spawnChild({ ...env, STOP_FILE: stopB });
      await b.ready;
      await until("the second process ticked 3 times", () => ticks(b.lines).length >= 3);
      await Deno.writeTextFile(stopA, "");
      const statusA = await a.process.status;
      await until("the second process led 3 times", () => ticks(b.lines).filter((t) => t.leader).length >= 3);
      await Deno.writeTextFile(stopB, "");
      const statusB = await b.process.status;
      await Promise.all([a.done, b.done]);
      await Deno.remove(dir, { recursive: true });
      assert(statusA.success && statusB.success, "both children exited cleanly");

      const ta = ticks(a.lines);
      const tb = ticks(b.lines);
      assert(ta.length >= 5 && ta.every((t) => t.leader), "the first process led for its whole life");
      assertEquals(ta.flatMap((t) => t.started).sort(), [...jobs].sort(), "the leader started every due job once");
      assertEquals(tb.flatMap((t) => t.started), [], "the follower started nothing");
      const firstLead = tb.findIndex((t) => t.leader);
      assert(firstLead > 0, "the second process followed at first");
      assert(tb.slice(firstLead).every((t) => t.leader), "and led once the first had released the lock");
      const runs = await db.query<{ job_id: number; n: number }>(
        "SELECT job_id, count(*)::int AS n FROM etl_runs GROUP BY job_id ORDER BY job_id",
      );
      assertEquals(runs, jobs.map((id) => ({ job_id: id, n: 1 })));
    } finally {
      await q.close();
      await source.close();
      await testDb.close();
    }
  });
}
