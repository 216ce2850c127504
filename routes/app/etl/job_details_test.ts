// GET /app/etl/jobs/:id/details over real HTTP: provider figures counted from the integration's rows, last runs,
// not-configured reasons, no credentials in the answer, and tenant isolation.
import { assert, assertEquals } from "../../../tests/support/assert.ts";
import { primaryKind } from "../../../tests/support/db.ts";
import { startTestApp, type TestApp } from "../../../tests/support/app.ts";

const kind = primaryKind();

async function withApp(fn: (app: TestApp) => Promise<void>) {
  const app = await startTestApp(kind);
  try {
    await fn(app);
  } finally {
    await app.close();
  }
}

Deno.test(`job details[${kind}]: Jira figures count the integration's own rows; runs come newest first`, () =>
  withApp(async (app) => {
    const t = await app.tenant("Acme");
    const viewer = await app.login((await app.user(t, "viewer")).email);
    const [jira] = await app.db.query<{ id: number; integration_id: number }>(
      "SELECT id, integration_id FROM etl_jobs WHERE tenant_id = $1 AND job_type = 'jira'",
      [t],
    );
    for (const key of ["A", "B"]) {
      await app.db.query(
        "INSERT INTO projects (tenant_id, integration_id, external_id, key, name) VALUES ($1, $2, $3, $3, $3)",
        [t, jira.integration_id, key],
      );
    }
    await app.db.query(
      "INSERT INTO work_items (tenant_id, integration_id, external_id, key) VALUES ($1, $2, '10001', 'A-1')",
      [t, jira.integration_id],
    );
    await app.db.query("UPDATE integrations SET credentials_enc = 'sealed', settings = $2::jsonb WHERE id = $1", [
      jira.integration_id,
      { projects: ["A", "B"] },
    ]);
    for (const [minutesAgo, status] of [[90, "FINISHED"], [30, "FAILED"]] as const) {
      await app.db.query(
        `INSERT INTO etl_runs (tenant_id, job_id, token, trigger, status, started_at, finished_at, requests_made)
         VALUES ($1, $2, gen_random_uuid(), 'schedule', $3, now() - make_interval(mins => $4),
                 now() - make_interval(mins => $4) + interval '2 minutes', 7)`,
        [t, jira.id, status, minutesAgo],
      );
    }
    const res = await app.api(`/app/etl/jobs/${jira.id}/details`, { token: viewer });
    assertEquals(res.status, 200);
    const body = await res.json();
    const figures = Object.fromEntries(body.figures.map((f: { key: string; value: number }) => [f.key, f.value]));
    assertEquals(figures.projects, 2);
    assertEquals(figures.issues, 1);
    assertEquals(figures.changelogs, 0);
    assertEquals(body.integration.hasCredentials, true);
    assertEquals(body.integration.scope, [{ label: "Projects", value: "A, B" }]);
    assertEquals(body.notConfigured, null);
    assertEquals(body.runs.map((r: { status: string }) => r.status), ["FAILED", "FINISHED"]);
    assertEquals(body.lastRun.status, "FAILED");
    assertEquals(body.lastRun.durationMs, 120_000);
    assert(!JSON.stringify(body).includes("sealed"), "credentials never leave the server");
  }));

Deno.test(`job details[${kind}]: Fabric and AD say what is missing; other tenants' jobs are not found`, () =>
  withApp(async (app) => {
    const t = await app.tenant("Acme");
    const other = await app.tenant("Other");
    const token = await app.login((await app.user(t, "admin")).email);
    const jobs = await (await app.api("/app/etl/jobs", { token })).json();
    const byName = Object.fromEntries(jobs.map((j: { name: string; id: number }) => [j.name, j.id]));
    const fabric = await (await app.api(`/app/etl/jobs/${byName.Fabric}/details`, { token })).json();
    assertEquals(fabric.figures.map((f: { key: string; value: number }) => [f.key, f.value]), [["tables", 0], [
      "rows",
      0,
    ]]);
    assert(fabric.notConfigured.includes("no credentials"), fabric.notConfigured);
    const ad = await (await app.api(`/app/etl/jobs/${byName.AD}/details`, { token })).json();
    assertEquals(ad.figures.map((f: { key: string }) => f.key), [
      "users",
      "groups",
      "memberships",
      "linked",
      "unlinked",
    ]);
    const [foreign] = await app.db.query<{ id: number }>("SELECT id FROM etl_jobs WHERE tenant_id = $1 LIMIT 1", [
      other,
    ]);
    const hidden = await app.api(`/app/etl/jobs/${foreign.id}/details`, { token });
    assertEquals(hidden.status, 404);
    assertEquals((await hidden.json()).error.code, "not_found");
    assertEquals((await app.api(`/app/etl/jobs/${byName.AD}/details`)).status, 401);
  }));

Deno.test(`job details[${kind}]: GitHub figures count active rows and links; the last reported rate budgets`, () =>
  withApp(async (app) => {
    const t = await app.tenant("Acme");
    const viewer = await app.login((await app.user(t, "viewer")).email);
    const [gh] = await app.db.query<{ id: number; integration_id: number }>(
      "SELECT id, integration_id FROM etl_jobs WHERE tenant_id = $1 AND job_type = 'github'",
      [t],
    );
    const i = gh.integration_id;
    const [{ id: repo }] = await app.db.query<{ id: number }>(
      `INSERT INTO repositories (tenant_id, integration_id, external_id, name, full_name)
       VALUES ($1, $2, '77', 'api', 'acme/api') RETURNING id`,
      [t, i],
    );
    const [{ id: pr }] = await app.db.query<{ id: number }>(
      "INSERT INTO prs (tenant_id, integration_id, external_id, repository_id, number) VALUES ($1, $2, 'PR_1', $3, 1) RETURNING id",
      [t, i, repo],
    );
    await app.db.query(
      `INSERT INTO prs_commits (tenant_id, integration_id, pr_id, external_id, active)
       VALUES ($1, $2, $3, 'a', true), ($1, $2, $3, 'b', true), ($1, $2, $3, 'gone', false)`,
      [t, i, pr],
    );
    await app.db.query(
      `INSERT INTO source_rate_limits (tenant_id, integration_id, resource, limit_total, remaining, reset_at, last_cost)
       VALUES ($1, $2, 'graphql', 5000, 4991, '2026-12-02T10:00:00Z', 9), ($1, $2, 'core', 5000, 4998, NULL, NULL)`,
      [t, i],
    );
    await app.db.query("UPDATE integrations SET credentials_enc = 'sealed', settings = $2::jsonb WHERE id = $1", [
      i,
      { organization: "acme", repositoryFilter: ["api-*"] },
    ]);
    const body = await (await app.api(`/app/etl/jobs/${gh.id}/details`, { token: viewer })).json();
    const figures = Object.fromEntries(body.figures.map((f: { key: string; value: number }) => [f.key, f.value]));
    assertEquals([figures.repositories, figures.prs, figures.commits, figures.links], [1, 1, 2, 0]);
    assertEquals(body.integration.scope, [
      { label: "Organizations", value: "acme" },
      { label: "Repositories", value: "api-*" },
      { label: "Skipped", value: "archived and forks" },
    ]);
    assertEquals(
      body.rateBudgets.map((b: { resource: string; remaining: number; lastCost: number | null }) => [
        b.resource,
        b.remaining,
        b.lastCost,
      ]),
      [["core", 4998, null], ["graphql", 4991, 9]],
    );
    assertEquals(body.rateBudgets[1].resetAt, "2026-12-02T10:00:00.000Z");
  }));
