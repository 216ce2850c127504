// /app/etl/integrations over real HTTP: create/update with provider-validated settings (400 naming fields),
// write-only credentials, delete/toggle refused with 409 while jobs use the integration, activation readiness, and
// the connection test against a fake Jira (success and each kind of failure, never a 500).
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { startFakeJira } from "../fakes/jira/mod.ts";

const kind = primaryKind();

async function withApp(fn: (app: TestApp, admin: string, tenantId: number) => Promise<void>) {
  const app = await startTestApp(kind, { env: { LOG_LEVEL: "error" } });
  try {
    const tenantId = await app.tenant("Acme");
    const admin = await app.login((await app.user(tenantId, "admin")).email);
    await fn(app, admin, tenantId);
  } finally {
    await app.close();
  }
}

const fieldsOf = async (res: Response) =>
  ((await res.json()).error.fields as { field: string }[]).map((f) => f.field).sort();

async function seededId(app: TestApp, tenantId: number, provider: string) {
  const [row] = await app.db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = $2",
    [tenantId, provider],
  );
  return row.id;
}

Deno.test(`integrations api[${kind}]: create validates provider settings and never returns credentials`, () =>
  withApp(async (app, admin, tenantId) => {
    const secret = "ATATT3x-create-secret";
    const res = await app.api("/app/etl/integrations", {
      token: admin,
      body: {
        provider: "jira",
        name: "Jira DC",
        baseUrl: "https://jira.acme.test",
        settings: { authKind: "basic", projectKeys: ["OPS", "WEB"], baseJql: "issuetype != Epic", overlapMinutes: 10 },
        credentials: { kind: "basic", email: "bot@acme.test", token: secret },
      },
    });
    const text = await res.text();
    assertEquals(res.status, 201, text);
    assert(!text.includes(secret), "credentials are write-only");
    const created = JSON.parse(text);
    assertEquals(created.hasCredentials, true);
    assertEquals(created.settings.projectKeys, ["OPS", "WEB"]);
    assertEquals(created.settings.overlapMinutes, 10);
    assertEquals(created.settings.apiVersion, "3", "defaults are applied and stored");
    assertEquals(created.active, false);
    const [job] = await app.db.query<{ name: string; active: boolean; job_type: string; steps: unknown[] }>(
      "SELECT name, active, job_type, steps FROM etl_jobs WHERE tenant_id = $1 AND integration_id = $2",
      [tenantId, created.id],
    );
    assertEquals([job.name, job.active, job.job_type, job.steps.length], ["Jira DC", false, "jira", 5]);

    const bad = await app.api("/app/etl/integrations", {
      token: admin,
      body: {
        provider: "jira",
        name: "Broken",
        baseUrl: "ftp://jira.acme.test",
        settings: {
          projectKeys: ["ok", "not a key"],
          overlapMinutes: -1,
          baseJql: "project = X ORDER BY key",
          extra: 1,
        },
        credentials: { kind: "basic", email: "nope" },
      },
    });
    assertEquals(bad.status, 400);
    const badFields = await fieldsOf(bad);
    assertEquals(badFields, ["baseUrl"], "the body schema fails first, naming the field");
    const badSettings = await app.api("/app/etl/integrations", {
      token: admin,
      body: {
        provider: "jira",
        name: "Broken",
        settings: {
          projectKeys: ["ok", "not a key"],
          overlapMinutes: -1,
          baseJql: "project = X ORDER BY key",
          extra: 1,
        },
        credentials: { kind: "basic", email: "nope" },
      },
    });
    assertEquals(badSettings.status, 400);
    assertEquals(await fieldsOf(badSettings), [
      "credentials.email",
      "credentials.token",
      "settings",
      "settings.baseJql",
      "settings.overlapMinutes",
      "settings.projectKeys.1",
    ]);
    const mismatch = await app.api("/app/etl/integrations", {
      token: admin,
      body: { provider: "jira", name: "Mismatch", settings: { authKind: "bearer" }, credentials: secretBasic() },
    });
    assertEquals(await fieldsOf(mismatch), ["credentials.kind"]);
    const taken = await app.api("/app/etl/integrations", { token: admin, body: { provider: "jira", name: "jira dc" } });
    assertEquals(taken.status, 409);
    // the seeded Fabric job is called "Fabric": a new integration of that name would clash with its job
    const jobName = await app.api("/app/etl/integrations", {
      token: admin,
      body: { provider: "fabric", name: "Fabric" },
    });
    assertEquals(jobName.status, 409);
    assertEquals(await fieldsOf(jobName), ["name"]);
    const github = await app.api("/app/etl/integrations", {
      token: admin,
      body: { provider: "github", name: "GH", settings: { organization: "-bad-", repositoryFilter: ["api-*"] } },
    });
    assertEquals(await fieldsOf(github), ["settings.organization"]);
    const notReady = await app.api("/app/etl/integrations", {
      token: admin,
      body: { provider: "jira", name: "Eager", active: true, settings: {} },
    });
    assertEquals(notReady.status, 400);
    assertEquals(await fieldsOf(notReady), ["baseUrl", "credentials", "settings.projectKeys"]);
  }));

function secretBasic() {
  return { kind: "basic", email: "bot@acme.test", token: "tok" };
}

Deno.test(`integrations api[${kind}]: only admins write; update re-validates settings; other tenants see 404`, () =>
  withApp(async (app, admin, tenantId) => {
    const id = await seededId(app, tenantId, "jira");
    const viewer = await app.login((await app.user(tenantId, "viewer")).email);
    const user = await app.login((await app.user(tenantId, "user")).email);
    assertEquals((await app.api("/app/etl/integrations", { token: viewer })).status, 200);
    for (const token of [viewer, user]) {
      assertEquals(
        (await app.api(`/app/etl/integrations/${id}`, { method: "PUT", token, body: { name: "X" } })).status,
        403,
      );
      assertEquals(
        (await app.api("/app/etl/integrations", { token, body: { provider: "jira", name: "X" } })).status,
        403,
      );
      assertEquals((await app.api(`/app/etl/integrations/${id}`, { method: "DELETE", token })).status, 403);
    }
    const ok = await app.api(`/app/etl/integrations/${id}`, {
      method: "PUT",
      token: admin,
      body: { baseUrl: "https://acme.atlassian.net", settings: { projectKeys: ["OPS"], baseJql: 'labels = "a(b"' } },
    });
    assertEquals(ok.status, 200);
    assertEquals((await ok.json()).settings.projectKeys, ["OPS"]);
    const bad = await app.api(`/app/etl/integrations/${id}`, {
      method: "PUT",
      token: admin,
      body: { settings: { projectKeys: ["OPS"], baseJql: "(status = Done", pageSizes: { search: 0 } } },
    });
    assertEquals(await fieldsOf(bad), ["settings.baseJql", "settings.pageSizes.search"]);
    const activate = await app.api(`/app/etl/integrations/${id}`, {
      method: "PUT",
      token: admin,
      body: { active: true },
    });
    assertEquals(activate.status, 400, "no credentials yet");
    assertEquals(await fieldsOf(activate), ["credentials"]);
    const other = await app.tenant("Other");
    const otherAdmin = await app.login((await app.user(other, "admin")).email);
    assertEquals(
      (await app.api(`/app/etl/integrations/${id}`, { method: "PUT", token: otherAdmin, body: { name: "Y" } })).status,
      404,
    );
    assertEquals((await app.api(`/app/etl/integrations/${id}/test`, { token: otherAdmin, body: {} })).status, 404);
  }));

Deno.test(`integrations api[${kind}]: toggle and delete are refused with 409 while a job uses the integration`, () =>
  withApp(async (app, admin, tenantId) => {
    const id = await seededId(app, tenantId, "jira");
    await app.api(`/app/etl/integrations/${id}`, {
      method: "PUT",
      token: admin,
      body: { baseUrl: "https://acme.atlassian.net", settings: { projectKeys: ["OPS"] }, credentials: secretBasic() },
    });
    const on = await app.api(`/app/etl/integrations/${id}/toggle`, { token: admin, body: { active: true } });
    assertEquals(on.status, 200);
    assertEquals((await on.json()).active, true);
    const off = await app.api(`/app/etl/integrations/${id}/toggle`, { token: admin, body: { active: false } });
    assertEquals(off.status, 409);
    const body = await off.json();
    assertEquals(body.error.code, "integration_in_use");
    assertEquals(body.error.jobs.map((j: { name: string }) => j.name), ["Jira"]);
    assert(body.error.message.includes('"Jira"'), body.error.message);
    assertEquals((await app.api(`/app/etl/integrations/${id}`, { method: "DELETE", token: admin })).status, 409);
    const viaPut = await app.api(`/app/etl/integrations/${id}`, {
      method: "PUT",
      token: admin,
      body: { active: false },
    });
    assertEquals(viaPut.status, 409);
    const bad = await app.api(`/app/etl/integrations/${id}/toggle`, { token: admin, body: { active: "no" } });
    assertEquals(await fieldsOf(bad), ["active"]);

    await app.db.query("UPDATE etl_jobs SET active = false WHERE tenant_id = $1 AND integration_id = $2", [
      tenantId,
      id,
    ]);
    const off2 = await app.api(`/app/etl/integrations/${id}/toggle`, { token: admin, body: { active: false } });
    assertEquals(off2.status, 200);
    assertEquals((await off2.json()).active, false);
    const del = await app.api(`/app/etl/integrations/${id}`, { method: "DELETE", token: admin });
    assertEquals(del.status, 200);
    assertEquals((await app.api(`/app/etl/integrations/${id}`, { token: admin })).status, 404);
    const [{ n }] = await app.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM etl_jobs WHERE integration_id = $1",
      [id],
    );
    assertEquals(n, 0, "its (inactive) job went with it");
  }));

Deno.test(`integrations api[${kind}]: the connection test reports the Jira user or the exact failure`, async () => {
  const jira = await startFakeJira({ permissions: ["BROWSE_PROJECTS"] });
  try {
    await withApp(async (app, admin, tenantId) => {
      const id = await seededId(app, tenantId, "jira");
      const test = (body: unknown) => app.api(`/app/etl/integrations/${id}/test`, { token: admin, body });
      const none = await test({});
      assertEquals(none.status, 400, "no base URL and no credentials stored");
      await app.api(`/app/etl/integrations/${id}`, {
        method: "PUT",
        token: admin,
        body: { baseUrl: jira.url, credentials: jira.basicAuth },
      });
      const ok = await test({});
      assertEquals(ok.status, 200);
      const good = await ok.json();
      assertEquals([good.ok, good.user.displayName, good.user.timeZone], [true, "Sluice Bot", "UTC"]);
      assertEquals(good.permissions, { BROWSE_PROJECTS: true });
      assertEquals(jira.count("/myself"), 1);
      assertEquals(jira.count("/mypermissions"), 1);

      const wrong = await test({ credentials: { kind: "basic", email: jira.basicAuth.email, token: "wrong-token" } });
      assertEquals(wrong.status, 200);
      const failed = await wrong.json();
      assertEquals(failed.ok, false);
      assertEquals(failed.kind, "auth");
      assert(failed.error.includes("refused the credentials (HTTP 401)"), failed.error);
      assert(failed.detail.includes("401") && failed.detail.includes("/myself"), failed.detail);
      assert(!JSON.stringify(failed).includes("wrong-token"), "the token never appears in the answer");

      const bearer = await (await test({ credentials: jira.bearerAuth })).json();
      assertEquals(bearer.ok, true, "a Data Center style PAT works too");

      jira.config.permissions.delete("BROWSE_PROJECTS");
      const noPerm = await (await test({})).json();
      assertEquals([noPerm.ok, noPerm.kind, noPerm.permissions.BROWSE_PROJECTS], [false, "permission", false]);
      assert(noPerm.error.includes("Browse Projects"));

      // stored credentials are never sent to another URL than the saved one
      const elsewhere = await test({ baseUrl: "http://127.0.0.1:9" });
      assertEquals(elsewhere.status, 400);
      assertEquals((await elsewhere.json()).error.fields[0].field, "credentials");
      const moved = await app.api(`/app/etl/integrations/${id}`, {
        method: "PUT",
        token: admin,
        body: { baseUrl: "https://attacker.example" },
      });
      assertEquals(moved.status, 400, "changing baseUrl needs the credentials again");
      assertEquals((await moved.json()).error.fields[0].field, "credentials");
      const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (closed.addr as Deno.NetAddr).port;
      closed.close(); // nothing listens there any more
      const down = await (await test({ baseUrl: `http://127.0.0.1:${port}`, credentials: jira.basicAuth })).json();
      assertEquals([down.ok, down.kind], [false, "refused"]);
      assert(down.error.includes(`127.0.0.1:${port} refused the connection`), down.error);
      const nowhere = await (await test({ baseUrl: "http://no-such-host.invalid", credentials: jira.basicAuth }))
        .json();
      assertEquals([nowhere.ok, nowhere.kind], [false, "dns"]);
      assert(nowhere.error.includes("no-such-host.invalid could not be found"), nowhere.error);

      jira.inject({ kind: "html", status: 200 });
      const html = await (await test({})).json();
      assertEquals([html.ok, html.kind], [false, "wrong_product"]);
      assert(html.error.includes("sent a web page"), html.error);
      assert(html.detail.includes("HTML"), html.detail);
    });
  } finally {
    await jira.close();
  }
});
