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
    assertEquals(fabric.figures, []);
    assert(fabric.notConfigured.includes("no credentials"), fabric.notConfigured);
    const ad = await (await app.api(`/app/etl/jobs/${byName.AD}/details`, { token })).json();
    assertEquals(ad.figures.map((f: { key: string }) => f.key), ["users"]);
    const [foreign] = await app.db.query<{ id: number }>("SELECT id FROM etl_jobs WHERE tenant_id = $1 LIMIT 1", [
      other,
    ]);
    const hidden = await app.api(`/app/etl/jobs/${foreign.id}/details`, { token });
    assertEquals(hidden.status, 404);
    assertEquals((await hidden.json()).error.code, "not_found");
    assertEquals((await app.api(`/app/etl/jobs/${byName.AD}/details`)).status, 401);
  }));
