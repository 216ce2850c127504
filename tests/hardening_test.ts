// Input hardening and the one-time-password flow over real HTTP: out-of-range ids, NUL characters, oversized
// bodies, no-store caching, and a first-start admin who must change the password before doing anything else.
import { assert, assertEquals, assertMatch } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp, TEST_PASSWORD, type TestApp } from "./support/app.ts";
import { createUser } from "../server/auth/users.ts";

const kind = primaryKind();

async function withApp(fn: (app: TestApp) => Promise<void>) {
  const app = await startTestApp(kind);
  try {
    await fn(app);
  } finally {
    await app.close();
  }
}

Deno.test(`hardening[${kind}]: bad ids, NUL characters and huge bodies are 4xx, never 500`, () =>
  withApp(async (app) => {
    const t = await app.tenant("A");
    const token = await app.login((await app.user(t, "admin")).email);
    for (const path of ["/app/etl/jobs/9999999999", "/app/etl/jobs/3000000000/runs", "/app/etl/integrations/0"]) {
      const res = await app.api(path, { token });
      assertEquals(res.status, 404, path);
      await res.body?.cancel();
    }
    const nul = await app.api("/app/etl/me/theme", { method: "PUT", token, body: { theme: "dark\u0000" } });
    assertEquals(nul.status, 400);
    assertEquals((await nul.json()).error.fields[0].field, "theme");
    const huge = await fetch(app.url + "/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "a@b.test", password: "x".repeat(64 * 1024) }),
    });
    assertEquals(huge.status, 413);
    await huge.body?.cancel();
    const me = await app.api("/app/etl/me", { token });
    assertEquals(me.headers.get("cache-control"), "no-store");
    await me.body?.cancel();
  }));

Deno.test(`hardening[${kind}]: a one-time password must be changed before anything else`, () =>
  withApp(async (app) => {
    const t = await app.tenant("A");
    await createUser(app.db, {
      tenantId: t,
      email: "first@a.test",
      role: "admin",
      password: TEST_PASSWORD,
      mustChange: true,
      iterations: 1000,
    });
    const login = await app.api("/auth/login", { body: { email: "first@a.test", password: TEST_PASSWORD } });
    const body = await login.json();
    assertEquals(body.mustChangePassword, true);
    assertEquals(login.headers.get("cache-control"), "no-store");
    const token = body.token;
    assertEquals((await app.api("/app/etl/me", { token })).status, 200);
    const jobs = await app.api("/app/etl/jobs", { token });
    assertEquals(jobs.status, 403);
    assertEquals((await jobs.json()).error.code, "password_change_required");
    const page = await fetch(app.url + "/", { headers: { authorization: `Bearer ${token}` }, redirect: "manual" });
    await page.body?.cancel();

    const wrong = await app.api("/auth/password", {
      token,
      body: { currentPassword: "nope", newPassword: "a-new-long-password" },
    });
    assertEquals(wrong.status, 400);
    assertEquals((await wrong.json()).error.fields[0].field, "currentPassword");
    const short = await app.api("/auth/password", {
      token,
      body: { currentPassword: TEST_PASSWORD, newPassword: "x" },
    });
    assertEquals((await short.json()).error.fields[0].field, "newPassword");
    const changed = await app.api("/auth/password", {
      token,
      body: { currentPassword: TEST_PASSWORD, newPassword: "a-new-long-password" },
    });
    assertEquals(changed.status, 200);
    const fresh = (await changed.json()).token;
    assertEquals((await app.api("/app/etl/me", { token })).status, 401, "the old token is revoked");
    assertEquals((await app.api("/app/etl/jobs", { token: fresh })).status, 200);
    assertEquals(await app.login("first@a.test", "a-new-long-password").then((t) => typeof t), "string");
  }));

Deno.test(`hardening[${kind}]: form login errors travel as codes, not as text from the URL`, () =>
  withApp(async (app) => {
    const res = await fetch(app.url + "/auth/login", {
      method: "POST",
      body: new URLSearchParams({ email: "ghost@a.test", password: "nope" }),
      redirect: "manual",
    });
    await res.body?.cancel();
    assertMatch(res.headers.get("location")!, /error=invalid_credentials/);
    assert(!res.headers.get("location")!.includes("wrong"));
  }));
