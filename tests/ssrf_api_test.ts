// Internal-network probing through the API (issue #10 §4): with a new install's defaults, a tenant admin's
// connection test against loopback answers "blocked" without sending a byte to it; with the operator's allowance the
// same test reaches the (loopback) fake. Failures show the status and a generic reason, never the answering body.
// /readyz names the dependency that is down, never its address.
import { assert, assertEquals } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp, type TestApp } from "./support/app.ts";
import { startFakeJira } from "./fakes/jira/mod.ts";

const kind = primaryKind();

async function withApp(env: Record<string, string>, fn: (app: TestApp, admin: string) => Promise<void>) {
  const app = await startTestApp(kind, {
    env,
    extend: (deps) => {
      deps.readiness = [{
        name: "broker",
        check: () => Promise.reject(new Error("connect ECONNREFUSED 10.20.30.40:5672")),
      }];
    },
  });
  try {
    const tenantId = await app.tenant("Acme");
    await fn(app, await app.login((await app.user(tenantId, "admin")).email));
  } finally {
    await app.close();
  }
}

Deno.test(`ssrf api[${kind}]: a connection test to loopback is refused by default and allowed by the operator`, async () => {
  const jira = await startFakeJira({ permissions: ["BROWSE_PROJECTS"] });
  const test = (app: TestApp, admin: string, baseUrl: string) =>
    app.api("/app/etl/providers/jira/test", {
      token: admin,
      body: { baseUrl, settings: {}, credentials: jira.basicAuth },
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  try {
    // a new install: SLUICE_ALLOW_PRIVATE_SOURCES unset
    await withApp({ SLUICE_ALLOW_PRIVATE_SOURCES: "" }, async (app, admin) => {
      const port = new URL(jira.url).port;
      for (const target of [jira.url, `http://localhost:${port}`, `http://[::ffff:127.0.0.1]:${port}`]) {
        const { status, body } = await test(app, admin, target);
        assertEquals(status, 200, target);
        assertEquals([body.ok, body.kind], [false, "blocked"], `${target}: ${JSON.stringify(body)}`);
        assert(/loopback address/.test(body.error), body.error);
      }
      assertEquals(jira.count("/myself"), 0, "nothing reached the fake");
    });
    // an allow-list naming the loopback range
    await withApp(
      { SLUICE_ALLOW_PRIVATE_SOURCES: "", SLUICE_PRIVATE_SOURCE_ALLOWLIST: "127.0.0.0/8" },
      async (app, a) => {
        const { body } = await test(app, a, jira.url);
        assertEquals([body.ok, body.user.displayName], [true, "Sluice Bot"]);
      },
    );
    await withApp({ SLUICE_ALLOW_PRIVATE_SOURCES: "true" }, async (app, admin) => {
      const { body } = await test(app, admin, jira.url);
      assertEquals(body.ok, true, JSON.stringify(body));
      // a non-source answer (some internal service): the status and a generic reason, never its body
      const other = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen() {} },
        () => new Response("internal-secret-banner", { status: 418 }),
      );
      try {
        const odd = await test(app, admin, `http://127.0.0.1:${other.addr.port}`);
        assertEquals(odd.body.ok, false);
        assert(!JSON.stringify(odd.body).includes("internal-secret-banner"), JSON.stringify(odd.body));
        assert(/418/.test(odd.body.error) && /418/.test(odd.body.detail), JSON.stringify(odd.body));
      } finally {
        await other.shutdown();
      }
    });
  } finally {
    await jira.close();
  }
});

Deno.test(`ssrf api[${kind}]: /readyz says which dependency is down without its address`, async () => {
  await withApp({}, async (app) => {
    const res = await fetch(`${app.url}/readyz`);
    assertEquals(res.status, 503);
    const body = await res.json();
    assertEquals(body.checks.broker, "unreachable");
    assert(!JSON.stringify(body).includes("10.20.30.40"), JSON.stringify(body));
  });
});

Deno.test("ssrf config: a bad allow-list entry or allowance value stops startup naming the variable", async () => {
  const { parseConfig } = await import("../server/config.ts");
  const error = (env: Record<string, string>) => {
    try {
      parseConfig(env);
    } catch (e) {
      return (e as Error).message;
    }
    return "";
  };
  assert(/SLUICE_PRIVATE_SOURCE_ALLOWLIST: .*not: 10\.0\.0\.0\/99/.test(error({
    SLUICE_PRIVATE_SOURCE_ALLOWLIST: "jira.corp, 10.0.0.0/99",
  })));
  assert(/SLUICE_ALLOW_PRIVATE_SOURCES: expected true or false/.test(error({ SLUICE_ALLOW_PRIVATE_SOURCES: "yes" })));
  const defaults = parseConfig({});
  assertEquals([defaults.SLUICE_ALLOW_PRIVATE_SOURCES, defaults.SLUICE_PRIVATE_SOURCE_ALLOWLIST], [false, []]);
});
