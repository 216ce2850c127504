// Login, logout, token verification, roles, tenancy, CSRF and credential handling over real HTTP.
import { SignJWT } from "jose";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp, TEST_PASSWORD, type TestApp } from "./support/app.ts";
import { signSession } from "../server/auth/jwt.ts";
import { decryptSecret } from "../server/secrets.ts";
import { setLogSink } from "../lib/log.ts";

const kind = primaryKind();

async function withApp(fn: (app: TestApp) => Promise<void>, env?: Record<string, string>) {
  const app = await startTestApp(kind, { env });
  try {
    await fn(app);
  } finally {
    await app.close();
  }
}

async function jiraId(app: TestApp, tenantId: number) {
  const [row] = await app.db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
    [tenantId],
  );
  return row.id;
}

Deno.test(`auth[${kind}]: JSON login returns a Bearer token and sets a hardened cookie`, () =>
  withApp(async (app) => {
    const t = await app.tenant("Acme");
    const u = await app.user(t, "admin");
    const res = await app.api("/auth/login", { body: { email: u.email.toUpperCase(), password: TEST_PASSWORD } });
    assertEquals(res.status, 200);
    const body = await res.json();
    assertEquals(body.tokenType, "Bearer");
    assertEquals(body.user.role, "admin");
    const cookie = res.headers.get("set-cookie")!;
    assertMatch(cookie, /^sluice_session=/);
    assertMatch(cookie, /HttpOnly/);
    assertMatch(cookie, /SameSite=Strict/);
    assert(!/Secure/.test(cookie), "no Secure flag on plain http");
    const me = await app.api("/app/etl/me", { token: body.token });
    assertEquals((await me.json()).email, u.email);
    const viaCookie = await app.api("/app/etl/me", { headers: { cookie: cookie.split(";")[0] } });
    assertEquals(viaCookie.status, 200);
  }));

Deno.test(`auth[${kind}]: cookie is Secure when the public URL is https`, () =>
  withApp(async (app) => {
    const u = await app.user(await app.tenant("Acme"), "user");
    const res = await app.api("/auth/login", { body: { email: u.email, password: TEST_PASSWORD } });
    assertMatch(res.headers.get("set-cookie")!, /Secure/);
  }, { PUBLIC_URL: "https://sluice.example.com" }));

Deno.test(`auth[${kind}]: bad logins are 401 with one message; missing fields are 400 naming them`, () =>
  withApp(async (app) => {
    const u = await app.user(await app.tenant("Acme"), "user");
    const wrong = await app.api("/auth/login", { body: { email: u.email, password: "nope" } });
    const unknown = await app.api("/auth/login", { body: { email: "ghost@x.test", password: "nope" } });
    assertEquals(wrong.status, 401);
    assertEquals(unknown.status, 401);
    assertEquals((await wrong.json()).error.message, (await unknown.json()).error.message);
    const missing = await app.api("/auth/login", { body: { email: "not-an-email" } });
    assertEquals(missing.status, 400);
    const fields = (await missing.json()).error.fields.map((f: { field: string }) => f.field).sort();
    assertEquals(fields, ["email", "password"]);
  }));

Deno.test(`auth[${kind}]: form login redirects to a safe next path; failures come back to the page`, () =>
  withApp(async (app) => {
    const u = await app.user(await app.tenant("Acme"), "user");
    const post = (fields: Record<string, string>) =>
      fetch(app.url + "/auth/login", { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
    const ok = await post({ email: u.email, password: TEST_PASSWORD, next: "/queues" });
    assertEquals(ok.status, 303);
    assertEquals(ok.headers.get("location"), "/queues");
    await ok.body?.cancel();
    const open = await post({ email: u.email, password: TEST_PASSWORD, next: "//evil.example/x" });
    assertEquals(open.headers.get("location"), "/");
    await open.body?.cancel();
    const bad = await post({ email: u.email, password: "nope" });
    assertMatch(bad.headers.get("location")!, /^\/login\?error=/);
    await bad.body?.cancel();
  }));

Deno.test(`auth[${kind}]: logout revokes every token issued before it`, () =>
  withApp(async (app) => {
    const u = await app.user(await app.tenant("Acme"), "user");
    const t1 = await app.login(u.email);
    const t2 = await app.login(u.email);
    const out = await app.api("/auth/logout", { method: "POST", token: t1 });
    assertEquals(out.status, 204);
    for (const t of [t1, t2]) assertEquals((await app.api("/app/etl/me", { token: t })).status, 401);
    await new Promise((r) => setTimeout(r, 5));
    const t3 = await app.login(u.email);
    assertEquals((await app.api("/app/etl/me", { token: t3 })).status, 200);
  }));

Deno.test(`auth[${kind}]: every forged or stale token is refused with 401`, () =>
  withApp(async (app) => {
    const t = await app.tenant("Acme");
    const other = await app.tenant("Other");
    const u = await app.user(t, "viewer");
    const good = await app.login(u.email);
    const [h, p, s] = good.split(".");
    const payload = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
    const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const key = app.deps.keys.jwt;
    const claims = { userId: u.id, tenantId: t, role: "viewer" as const, email: u.email };
    const cases: Record<string, string> = {
      "alg none": `${b64({ alg: "none", typ: "JWT" })}.${p}.`,
      "wrong key": await signSession(new TextEncoder().encode("another-secret-another-secret-12"), claims),
      "expired": await signSession(key, claims, Date.now() - 10 * 3600_000, 3600),
      "tampered role": `${h}.${b64({ ...payload, role: "admin" })}.${s}`,
      "tampered tenant": `${h}.${b64({ ...payload, tid: other })}.${s}`,
      "validly signed but wrong tenant": await signSession(key, { ...claims, tenantId: other }),
      "validly signed but escalated role": await signSession(key, { ...claims, role: "admin" }),
      "HS512 instead of HS256": await new SignJWT({ tid: t, role: "viewer", email: u.email, ims: Date.now() })
        .setProtectedHeader({ alg: "HS512" }).setSubject(String(u.id)).setIssuer("sluice").setAudience("sluice")
        .setIssuedAt().setExpirationTime("1h").sign(key),
      "garbage": "not.a.jwt",
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await app.api("/app/etl/me", { token });
      assertEquals(res.status, 401, name);
      assertEquals((await res.json()).error.code, "unauthorized", name);
    }
    assertEquals((await app.api("/app/etl/me", { headers: { authorization: "Token abc" } })).status, 401);
    assertEquals((await app.api("/app/etl/me")).status, 401);
    assertEquals((await app.api("/app/etl/me", { token: good })).status, 200);
  }));

Deno.test(`auth[${kind}]: throttling slows one account+IP without locking others out`, () =>
  withApp(async (app) => {
    const t = await app.tenant("Acme");
    const victim = await app.user(t, "user");
    const bystander = await app.user(t, "user");
    for (let i = 0; i < 5; i++) {
      assertEquals((await app.api("/auth/login", { body: { email: victim.email, password: "x" } })).status, 401);
    }
    await app.api("/auth/login", { body: { email: victim.email, password: "x" } }).then((r) => r.body?.cancel());
    const blocked = await app.api("/auth/login", { body: { email: victim.email, password: TEST_PASSWORD } });
    assertEquals(blocked.status, 429);
    assert(Number(blocked.headers.get("retry-after")) >= 1);
    assertEquals((await blocked.json()).error.code, "too_many_attempts");
    const other = await app.api("/auth/login", { body: { email: bystander.email, password: TEST_PASSWORD } });
    assertEquals(other.status, 200, "another account from the same address still signs in");
    await other.body?.cancel();
  }));

Deno.test(`auth[${kind}]: roles are enforced on the server and tenants cannot see each other`, () =>
  withApp(async (app) => {
    const a = await app.tenant("A");
    const b = await app.tenant("B");
    const aJira = await jiraId(app, a);
    const tokens = {
      admin: await app.login((await app.user(a, "admin")).email),
      user: await app.login((await app.user(a, "user")).email),
      viewer: await app.login((await app.user(a, "viewer")).email),
      otherAdmin: await app.login((await app.user(b, "admin")).email),
    };
    const put = (token: string, id = aJira) =>
      app.api(`/app/etl/integrations/${id}/credentials`, {
        method: "PUT",
        token,
        body: { kind: "bearer", token: "pat-123" },
      });
    assertEquals((await put(tokens.viewer)).status, 403);
    assertEquals((await put(tokens.user)).status, 403);
    assertEquals((await put(tokens.admin)).status, 200);
    assertEquals((await put(tokens.otherAdmin)).status, 404, "another tenant's id is simply not found");
    assertEquals((await app.api(`/app/etl/integrations/${aJira}`, { token: tokens.otherAdmin })).status, 404);
    const listB = await (await app.api("/app/etl/integrations", { token: tokens.otherAdmin })).json();
    assert(listB.every((i: { id: number }) => i.id !== aJira));
    assertEquals((await app.api(`/app/etl/integrations/${aJira}`, { token: tokens.viewer })).status, 200);
    assertEquals((await app.api(`/app/etl/integrations/abc`, { token: tokens.viewer })).status, 404);
  }));

Deno.test(`auth[${kind}]: cookie-authenticated writes from another site are refused`, () =>
  withApp(async (app) => {
    const a = await app.tenant("A");
    const admin = await app.user(a, "admin");
    const login = await app.api("/auth/login", { body: { email: admin.email, password: TEST_PASSWORD } });
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    await login.body?.cancel();
    const put = (headers: Record<string, string>) =>
      app.api(`/app/etl/me/theme`, { method: "PUT", body: { theme: "dark" }, headers: { cookie, ...headers } });
    assertEquals((await put({ origin: "https://evil.example" })).status, 403);
    assertEquals((await put({ "sec-fetch-site": "cross-site" })).status, 403);
    assertEquals((await put({ "sec-fetch-site": "same-origin" })).status, 200);
    assertEquals((await put({ origin: app.url })).status, 200);
    const crossLogin = await app.api("/auth/login", {
      body: { email: admin.email, password: TEST_PASSWORD },
      headers: { "sec-fetch-site": "cross-site" },
    });
    assertEquals(crossLogin.status, 403);
  }));

Deno.test(`auth[${kind}]: credentials are stored encrypted, never returned and never logged`, async () => {
  const lines: string[] = [];
  const restore = setLogSink((l) => lines.push(l));
  try {
    await withApp(async (app) => {
      const a = await app.tenant("A");
      const id = await jiraId(app, a);
      const token = await app.login((await app.user(a, "admin")).email);
      const secret = "ATATT3xFfGF0-super-secret-api-token";
      const res = await app.api(`/app/etl/integrations/${id}/credentials`, {
        method: "PUT",
        token,
        body: { kind: "basic", email: "bot@acme.test", token: secret },
      });
      const text = await res.text();
      assertEquals(res.status, 200);
      assert(!text.includes(secret) && !text.includes("credentials_enc"), text);
      assertEquals(JSON.parse(text).hasCredentials, true);
      for (const path of ["/app/etl/integrations", `/app/etl/integrations/${id}`]) {
        const body = await (await app.api(path, { token })).text();
        assert(!body.includes(secret) && !body.includes("v1:"), `${path} leaks credentials`);
      }
      const [row] = await app.db.query<{ credentials_enc: string }>(
        "SELECT credentials_enc FROM integrations WHERE id = $1",
        [id],
      );
      assert(!row.credentials_enc.includes(secret));
      assertEquals(await decryptSecret(app.deps.keys.data, a, row.credentials_enc), {
        kind: "basic",
        email: "bot@acme.test",
        token: secret,
      });
      const bad = await app.api(`/app/etl/integrations/${id}/credentials`, {
        method: "PUT",
        token,
        body: { kind: "basic", email: "nope" },
      });
      assertEquals(bad.status, 400);
      assertStringIncludes(await bad.text(), "email");
      const all = lines.join("\n");
      assert(!all.includes(secret) && !all.includes(token) && !all.includes("correct horse"), "secret in logs");
    }, { LOG_LEVEL: "debug" });
  } finally {
    restore();
  }
});
