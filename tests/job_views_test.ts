// The job cards (GET /app/etl/jobs) and the home page come from memory (server/cache/tenant_views.ts); these tests
// prove a change is never hidden by it: a write through the API shows on the very next read, a write made behind the
// server's back (plain SQL, as another instance, the engine or the CLI would) shows once its notification arrives,
// and one tenant's change leaves another tenant's cached views alone.
import { assert, assertEquals } from "./support/assert.ts";
import { type AdapterKind, adapterKinds } from "./support/db.ts";
import { startTestApp, type TestApp } from "./support/app.ts";
import { SESSION_COOKIE } from "../server/auth/middleware.ts";
import { tenantViews } from "../server/cache/tenant_views.ts";
import { setupIslands } from "../server/islands/mod.ts";

interface Card {
  id: number;
  name: string;
  active: boolean;
  scheduleIntervalMinutes: number;
  integration: { name: string };
}

async function withApp(kind: AdapterKind, fn: (app: TestApp) => Promise<void>) {
  await setupIslands(); // the home page renders through the islands runtime
  const app = await startTestApp(kind);
  try {
    await fn(app);
  } finally {
    await app.close();
  }
}

const cards = async (app: TestApp, token: string): Promise<Card[]> => {
  const res = await app.api("/app/etl/jobs", { token });
  assertEquals(res.status, 200);
  return await res.json();
};

const home = async (app: TestApp, token: string): Promise<string> => {
  const res = await app.api("/", { headers: { cookie: `${SESSION_COOKIE}=${token}` } });
  assertEquals(res.status, 200);
  return await res.text();
};

/** The interval the home page's Jira card shows. */
const jiraInterval = (html: string) => /data-job-name="Jira"[^]*?Interval: ([^<]+)</.exec(html)?.[1];

/** Reads until `check` holds (a notification crosses a connection on PostgreSQL); fails after 5 s. */
async function eventually(read: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 5_000;
  while (!await read()) {
    if (Date.now() > deadline) throw new Error(`not visible after 5 s: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const kind of adapterKinds()) {
  Deno.test(`job views[${kind}]: an API change shows on the very next read of the cards and the home page`, () =>
    withApp(kind, async (app) => {
      const t = await app.tenant("Acme");
      const admin = await app.login((await app.user(t, "admin")).email);
      assert(await tenantViews(app.db).subscribed, "changes are followed");
      const before = await cards(app, admin);
      const jira = before.find((j) => j.name === "Jira")!;
      assertEquals(jiraInterval(await home(app, admin)), "1h");
      // read twice more so both views are certainly served from memory before the change
      assertEquals(await cards(app, admin), before);
      await home(app, admin);

      const changed = await app.api(`/app/etl/jobs/${jira.id}/settings`, {
        token: admin,
        body: { scheduleIntervalMinutes: 45, retryIntervalMinutes: 10 },
      });
      assertEquals(changed.status, 200, await changed.text());
      const after = await cards(app, admin);
      assertEquals(after.find((j) => j.id === jira.id)!.scheduleIntervalMinutes, 45);
      assertEquals(jiraInterval(await home(app, admin)), "45m", "the home page's Jira card");

      const off = await app.api(`/app/etl/jobs/${jira.id}/toggle`, { token: admin, body: { active: false } });
      assertEquals(off.status, 200, await off.text());
      assertEquals((await cards(app, admin)).find((j) => j.id === jira.id)!.active, false);
    }));

  Deno.test(`job views[${kind}]: a change behind the server's back shows once notified; other tenants keep theirs`, () =>
    withApp(kind, async (app) => {
      const a = await app.tenant("Acme");
      const b = await app.tenant("Globex");
      const adminA = await app.login((await app.user(a, "admin")).email);
      const adminB = await app.login((await app.user(b, "admin")).email);
      assert(await tenantViews(app.db).subscribed, "changes are followed");
      const jobsA = await cards(app, adminA);
      const jobsB = await cards(app, adminB);
      await home(app, adminA);
      const jiraA = jobsA.find((j) => j.name === "Jira")!;
      const jiraB = jobsB.find((j) => j.name === "Jira")!;

      // tenant B's cached cards must survive tenant A's changes: mark B's entry by renaming B's job in SQL with
      // the trigger's notification suppressed — only a fresh read could see that name
      await app.db.transaction(async (tx) => {
        await tx.query("ALTER TABLE etl_jobs DISABLE TRIGGER etl_jobs_view_change");
        await tx.query("UPDATE etl_jobs SET name = 'Jira (unannounced)' WHERE id = $1", [jiraB.id]);
        await tx.query("ALTER TABLE etl_jobs ENABLE TRIGGER etl_jobs_view_change");
      });

      // plain SQL, as the engine or another instance would write: a job, its integration, a run and its stage
      await app.db.query("UPDATE etl_jobs SET name = 'Jira Cloud' WHERE id = $1", [jiraA.id]);
      await eventually(
        async () => (await cards(app, adminA)).some((j) => j.name === "Jira Cloud"),
        "renamed job in the cards",
      );
      await eventually(async () => (await home(app, adminA)).includes("Jira Cloud"), "renamed job on the home page");
      await app.db.query("UPDATE integrations SET name = 'Acme Jira' WHERE tenant_id = $1 AND provider = 'jira'", [a]);
      await eventually(
        async () => (await cards(app, adminA)).some((j) => j.integration.name === "Acme Jira"),
        "renamed integration",
      );
      const [run] = await app.db.query<{ id: number }>(
        `INSERT INTO etl_runs (tenant_id, job_id, token, trigger) VALUES ($1, $2, gen_random_uuid(), 'manual')
         RETURNING id`,
        [a, jiraA.id],
      );
      await app.db.query("UPDATE etl_jobs SET status = 'RUNNING', current_run_id = $2 WHERE id = $1", [
        jiraA.id,
        run.id,
      ]);
      await eventually(async () => {
        const card = (await (await app.api(`/app/etl/jobs`, { token: adminA })).json() as Array<
          { id: number; status: string; currentRun: { id: number } | null }
        >).find((j) => j.id === jiraA.id);
        return card?.status === "RUNNING" && card.currentRun?.id === run.id;
      }, "running job");
      await app.db.query(
        `INSERT INTO etl_run_stages (run_id, tenant_id, step, stage, expected, done, records)
         VALUES ($1, $2, 'issues', 'extract', 3, 1, 100)`,
        [run.id, a],
      );
      await eventually(async () => {
        const card = (await (await app.api(`/app/etl/jobs`, { token: adminA })).json() as Array<
          { id: number; currentRun: { stages: Array<{ records: number }> } | null }
        >).find((j) => j.id === jiraA.id);
        return card?.currentRun?.stages[0]?.records === 100;
      }, "stage progress");

      // none of A's changes concerned B: B's cards still come from memory (without the unannounced rename)
      assertEquals((await cards(app, adminB)).find((j) => j.id === jiraB.id)!.name, "Jira");
      // and B's own announced change reaches B
      await app.db.query("UPDATE etl_jobs SET active = NOT active WHERE id = $1", [jiraB.id]);
      await eventually(
        async () => (await cards(app, adminB)).find((j) => j.id === jiraB.id)!.name === "Jira (unannounced)",
        "tenant B's change",
      );
    }));
}
