import { assertEquals } from "../tests/support/assert.ts";
import { adapterKinds, withTestDb } from "../tests/support/db.ts";
import { createTenant } from "./seed.ts";
import { STATUS_MAPPINGS, WIT_MAPPINGS } from "./seed_data.ts";

for (const kind of adapterKinds()) {
  Deno.test(`seed[${kind}]: a new tenant gets the default vocabulary, integrations and jobs`, () =>
    withTestDb(kind, async (db) => {
      const t = await createTenant(db, "Acme");
      const count = async (table: string) =>
        (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [t]))[0].n;

      const integrations = await db.query<{ provider: string; active: boolean; credentials_enc: string | null }>(
        "SELECT provider, active, credentials_enc FROM integrations WHERE tenant_id = $1 ORDER BY provider",
        [t],
      );
      assertEquals(integrations.map((i) => i.provider), ["ad", "fabric", "github", "jira"]);
      assertEquals(integrations.every((i) => !i.active && i.credentials_enc === null), true);

      assertEquals(await count("wits_hierarchies"), 6);
      assertEquals(await count("wits_mappings"), WIT_MAPPINGS.reduce((n, [, , f]) => n + f.length, 0));
      assertEquals(await count("workflows"), 12);
      const statusCount = Object.values(STATUS_MAPPINGS).reduce((n, f) => n + f.length, 0);
      assertEquals(await count("statuses_mappings"), statusCount);
      assertEquals(statusCount, 113, "the study's 113 status mappings");

      const commitment = await db.query<{ step_name: string }>(
        "SELECT step_name FROM workflows WHERE tenant_id = $1 AND is_commitment_point",
        [t],
      );
      assertEquals(commitment.map((r) => r.step_name), ["To Do"]);

      const resolved = await db.query<{ status_to: string; status_category: string; step: string }>(
        `SELECT m.status_to, m.status_category, w.step_name AS step FROM statuses_mappings m
           JOIN workflows w ON w.id = m.workflow_id WHERE m.tenant_id = $1 AND m.status_from = 'Resolved'`,
        [t],
      );
      assertEquals(resolved, [{ status_to: "Ready for Prod", status_category: "Waiting", step: "Ready for Prod" }]);

      const feature = await db.query<{ wit_to: string; level_number: number }>(
        `SELECT m.wit_to, h.level_number FROM wits_mappings m JOIN wits_hierarchies h ON h.id = m.wits_hierarchy_id
          WHERE m.tenant_id = $1 AND lower(m.wit_from) = 'feature'`,
        [t],
      );
      assertEquals(feature, [{ wit_to: "Epic", level_number: 1 }]);

      const jobs = await db.query<
        {
          name: string;
          job_type: string;
          active: boolean;
          schedule_interval_minutes: number;
          retry_interval_minutes: number;
          steps: Array<{ key: string }>;
          status: string;
        }
      >(
        `SELECT name, job_type, active, schedule_interval_minutes, retry_interval_minutes, steps, status
           FROM etl_jobs WHERE tenant_id = $1 ORDER BY id`,
        [t],
      );
      assertEquals(
        jobs.map((j) => [j.name, j.job_type, j.active, j.schedule_interval_minutes, j.retry_interval_minutes]),
        [
          ["Jira", "jira", true, 60, 15],
          ["GitHub", "github", true, 60, 15],
          ["Fabric", "fabric", false, 1440, 15],
          ["AD", "ad", false, 720, 15],
        ],
      );
      assertEquals(jobs[0].steps.length, 5);
      assertEquals(jobs[1].steps.map((s) => s.key), [
        "github_repositories",
        "github_prs_commits_reviews_comments",
        "github_pr_links",
      ]);
      assertEquals(jobs.every((j) => j.status === "READY"), true);
    }));

  Deno.test(`seed[${kind}]: seeding twice changes nothing and tenants are independent`, () =>
    withTestDb(kind, async (db) => {
      const a = await createTenant(db, "A");
      const snapshot = async () =>
        (await db.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM statuses_mappings) + (SELECT count(*) FROM etl_jobs) +
                  (SELECT count(*) FROM wits_mappings) + (SELECT count(*) FROM integrations) AS n`,
        ))[0].n;
      const before = await snapshot();
      assertEquals(await createTenant(db, "A"), a);
      assertEquals(await snapshot(), before);
      await createTenant(db, "B");
      assertEquals(await snapshot(), before * 2);
    }));
}
