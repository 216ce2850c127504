// Jobs API over real HTTP: cards, toggle with the integration rule, interval validation, run history, roles and
// tenant isolation. (Run-now and force-pending against the real engine are in tests/engine/.)
import { assert, assertEquals } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp, type TestApp } from "./support/app.ts";
import { nextRunAfterChange } from "../db/jobs.ts";

const kind = primaryKind();

async function setup(app: TestApp) {
  const t = await app.tenant("Acme");
  const admin = await app.login((await app.user(t, "admin")).email);
  const viewer = await app.login((await app.user(t, "viewer")).email);
  const user = await app.login((await app.user(t, "user")).email);
  const jobs = await (await app.api("/app/etl/jobs", { token: admin })).json();
  const jira = jobs.find((j: { name: string }) => j.name === "Jira");
  return { t, admin, viewer, user, jobs, jira };
}

async function withApp(fn: (app: TestApp) => Promise<void>) {
  const app = await startTestApp(kind);
  try {
    await fn(app);
  } finally {
    await app.close();
  }
}

Deno.test(`jobs[${kind}]: the seeded cards are listed with their integration and steps`, () =>
  withApp(async (app) => {
    const { jobs, jira, viewer } = await setup(app);
    assertEquals(jobs.map((j: { name: string }) => j.name), ["GitHub", "Jira", "AD", "Fabric"]);
    assertEquals(jira.integration.provider, "jira");
    assertEquals(jira.integration.active, false);
    assertEquals(jira.steps.length, 5);
    assertEquals(jira.status, "READY");
    assertEquals(jira.currentRun, null);
    const one = await app.api(`/app/etl/jobs/${jira.id}`, { token: viewer });
    assertEquals((await one.json()).name, "Jira");
    assertEquals(await (await app.api(`/app/etl/jobs/${jira.id}/runs`, { token: viewer })).json(), []);
  }));

Deno.test(`jobs[${kind}]: activating a job under an inactive integration is a 409 the UI can act on`, () =>
  withApp(async (app) => {
    const { admin, jobs } = await setup(app);
    const fabric = jobs.find((j: { name: string }) => j.name === "Fabric");
    const refused = await app.api(`/app/etl/jobs/${fabric.id}/toggle`, { token: admin, body: { active: true } });
    assertEquals(refused.status, 409);
    const body = await refused.json();
    assertEquals(body.error.code, "integration_inactive");
    assertEquals(body.error.integrationId, fabric.integration.id);
    const notReady = await app.api(`/app/etl/jobs/${fabric.id}/toggle`, {
      token: admin,
      body: { active: true, activateIntegration: true },
    });
    assertEquals(notReady.status, 400, "an integration without base URL or credentials is not switched on");
    assertEquals((await notReady.json()).error.code, "not_ready");
    const jira = jobs.find((j: { name: string }) => j.name === "Jira");
    await app.api(`/app/etl/jobs/${jira.id}/toggle`, { token: admin, body: { active: false } }).then((r) =>
      r.body?.cancel()
    );
    const configured = await app.api(`/app/etl/integrations/${jira.integration.id}`, {
      method: "PUT",
      token: admin,
      body: {
        baseUrl: "https://acme.atlassian.net",
        settings: { projectKeys: ["ACME"] },
        credentials: { kind: "basic", email: "bot@acme.test", token: "t0ken" },
      },
    });
    assertEquals(configured.status, 200, await configured.text());
    const both = await app.api(`/app/etl/jobs/${jira.id}/toggle`, {
      token: admin,
      body: { active: true, activateIntegration: true },
    });
    assertEquals(both.status, 200);
    const card = await both.json();
    assertEquals([card.active, card.integration.active], [true, true]);
    assert(new Date(card.nextRunAt).getTime() > Date.now() + 59 * 60_000, "first run one schedule away");
    const off = await (await app.api(`/app/etl/jobs/${jira.id}/toggle`, { token: admin, body: { active: false } }))
      .json();
    assertEquals([off.active, off.nextRunAt], [false, null]);
  }));

Deno.test(`jobs[${kind}]: interval settings are validated field by field`, () =>
  withApp(async (app) => {
    const { admin, jira } = await setup(app);
    const post = (body: unknown) => app.api(`/app/etl/jobs/${jira.id}/settings`, { token: admin, body });
    const cases: Array<[unknown, string, string]> = [
      [{ scheduleIntervalMinutes: 0, retryIntervalMinutes: 1 }, "scheduleIntervalMinutes", "at least 1"],
      [{ scheduleIntervalMinutes: 60, retryIntervalMinutes: 60 }, "retryIntervalMinutes", "shorter"],
      [{ scheduleIntervalMinutes: 60, retryIntervalMinutes: 0.5 }, "retryIntervalMinutes", "whole"],
      [{ scheduleIntervalMinutes: "60", retryIntervalMinutes: 5 }, "scheduleIntervalMinutes", "number"],
      [{ retryIntervalMinutes: 5 }, "scheduleIntervalMinutes", "number"],
    ];
    for (const [body, field, hint] of cases) {
      const res = await post(body);
      assertEquals(res.status, 400, JSON.stringify(body));
      const err = (await res.json()).error;
      const f = err.fields.find((x: { field: string }) => x.field === field);
      assert(f && f.message.includes(hint), `${JSON.stringify(body)} → ${JSON.stringify(err)}`);
    }
    const ok = await post({ scheduleIntervalMinutes: 240, retryIntervalMinutes: 30 });
    assertEquals(ok.status, 200);
    const card = await ok.json();
    assertEquals([card.scheduleIntervalMinutes, card.retryIntervalMinutes], [240, 30]);
  }));

Deno.test(`jobs[${kind}]: roles and tenants are enforced`, () =>
  withApp(async (app) => {
    const { viewer, user, jira } = await setup(app);
    const other = await app.login((await app.user(await app.tenant("Other"), "admin")).email);
    for (const token of [viewer, user]) {
      assertEquals((await app.api(`/app/etl/jobs/${jira.id}/toggle`, { token, body: { active: false } })).status, 403);
      assertEquals(
        (await app.api(`/app/etl/jobs/${jira.id}/settings`, {
          token,
          body: { scheduleIntervalMinutes: 60, retryIntervalMinutes: 5 },
        })).status,
        403,
      );
      assertEquals((await app.api(`/app/etl/jobs/${jira.id}/force-pending`, { token, body: {} })).status, 403);
    }
    assertEquals((await app.api(`/app/etl/jobs/${jira.id}/run`, { token: viewer, body: {} })).status, 403);
    assertEquals((await app.api(`/app/etl/jobs/${jira.id}`, { token: other })).status, 404);
    assertEquals((await app.api(`/app/etl/jobs/${jira.id}/runs`, { token: other })).status, 404);
    assertEquals(
      (await app.api(`/app/etl/jobs/${jira.id}/toggle`, { token: other, body: { active: false } })).status,
      404,
    );
    assertEquals((await app.api(`/app/etl/jobs/${jira.id}/run`, { token: other, body: {} })).status, 404);
    assertEquals((await app.api(`/app/etl/jobs/999999`, { token: viewer })).status, 404);
  }));

Deno.test("jobs: next run after a change follows the timing rules", () => {
  const now = new Date("2026-01-01T12:00:00Z");
  const base = {
    active: true,
    retry_count: 0,
    schedule_interval_minutes: 60,
    retry_interval_minutes: 15,
    last_run_started_at: null,
    last_run_finished_at: null,
  };
  assertEquals(nextRunAfterChange({ ...base, status: "RUNNING" }, now), null);
  assertEquals(nextRunAfterChange({ ...base, status: "READY" }, now)!.toISOString(), "2026-01-01T13:00:00.000Z");
  const finished = new Date("2026-01-01T11:30:00Z");
  assertEquals(
    nextRunAfterChange(
      { ...base, status: "FAILED", last_run_finished_at: finished, last_run_started_at: finished },
      now,
    )!
      .toISOString(),
    "2026-01-01T12:00:00.000Z",
    "11:30 + 15 min is past, so now",
  );
  assertEquals(
    nextRunAfterChange(
      { ...base, status: "FINISHED", last_run_finished_at: finished, last_run_started_at: finished },
      now,
    )!
      .toISOString(),
    "2026-01-01T12:30:00.000Z",
  );
});
