// The input layer over real HTTP: each bad input that used to answer 500 (issue #10 §3) is now a 4xx naming the
// field — deeply nested JSON on every JSON route, oversized bodies, ids ≥ 2^31 in query and body, fractional
// limits — plus the deliberate handling of undeclared and repeated query parameters and non-JSON bodies.
import { assert, assertEquals } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp, type TestApp } from "./support/app.ts";
import { z } from "zod";
import { declaredRoutes, type RouteDoc } from "../server/api/route.ts";
import { DEFAULT_BODY_LIMIT } from "../server/http_errors.ts";

const kind = primaryKind();

async function withAdmin(fn: (app: TestApp, token: string, tenantId: number) => Promise<void>) {
  const app = await startTestApp(kind);
  try {
    const tenantId = await app.tenant("A");
    const token = await app.login((await app.user(tenantId, "admin")).email);
    await fn(app, token, tenantId);
  } finally {
    await app.close();
  }
}

function send(app: TestApp, method: string, path: string, token: string, body?: string, type = "application/json") {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = type;
  return fetch(app.url + path, { method, headers, body });
}

async function errorOf(res: Response) {
  const body = await res.json();
  return {
    status: res.status,
    code: body.error.code,
    fields: (body.error.fields ?? []).map((f: { field: string }) => f.field),
  };
}

/** The route's path with every path and declared query value set to 1, so only the body can be at fault. */
function concrete(route: RouteDoc) {
  const query = route.spec.query instanceof z.ZodObject ? Object.keys(route.spec.query.shape) : [];
  // a path value the route accepts: "1" for ids, the first option of an enum (e.g. a record kind)
  const params = route.spec.params instanceof z.ZodObject ? route.spec.params.shape as Record<string, z.ZodType> : {};
  const value = (name: string) => {
    const schema = params[name];
    return schema instanceof z.ZodEnum ? String(schema.options[0]) : "1";
  };
  return route.path.replace(/:([a-zA-Z]+)/g, (_m, name) => value(name)) +
    (query.length ? `?${query.map((k) => `${k}=1`).join("&")}` : "");
}

Deno.test(`input[${kind}]: JSON nested 7,000 deep is a 400 naming (body) on every JSON route`, () =>
  withAdmin(async (app, token) => {
    const jsonRoutes = declaredRoutes().filter((r) => r.spec.body);
    assert(jsonRoutes.some((r) => r.path === "/auth/password"), "the password route takes JSON");
    assert(jsonRoutes.length >= 12, `expected every JSON route, got ${jsonRoutes.length}`);
    for (
      const bodyText of [
        "[".repeat(7000),
        "[".repeat(7000) + "]".repeat(7000),
        '{"a":'.repeat(7000) + "1" + "}".repeat(7000),
      ]
    ) {
      for (const route of jsonRoutes) {
        const res = await send(app, route.method.toUpperCase(), concrete(route), token, bodyText);
        const err = await errorOf(res);
        // a route with a smaller limit than this body refuses it by size first
        const expected = bodyText.length > (route.spec.bodyLimit ?? DEFAULT_BODY_LIMIT) ? 413 : 400;
        assertEquals([err.status, err.fields], [expected, ["(body)"]], `${route.method} ${route.path}`);
      }
    }
    // nesting inside strings is text, not depth
    const quoted = await send(app, "PUT", "/app/etl/me/theme", token, JSON.stringify({ theme: "[".repeat(500) }));
    assertEquals((await errorOf(quoted)).fields, ["theme"]);
  }));

Deno.test(`input[${kind}]: bodies over a route's limit are 413 before parsing; wrong content types 415`, () =>
  withAdmin(async (app, token) => {
    const big = JSON.stringify({ theme: "dark", pad: "x".repeat(600 * 1024) });
    const theme = await errorOf(await send(app, "PUT", "/app/etl/me/theme", token, big));
    assertEquals([theme.status, theme.code], [413, "payload_too_large"]);
    // no Content-Length: the limit holds while the body streams in
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 100; i++) controller.enqueue(new TextEncoder().encode(" ".repeat(8 * 1024)));
        controller.close();
      },
    });
    const chunked = await fetch(app.url + "/app/etl/me/theme", {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: stream,
    });
    assertEquals(chunked.status, 413);
    await chunked.body?.cancel();
    const text = await errorOf(await send(app, "PUT", "/app/etl/me/theme", token, "theme=dark", "text/plain"));
    assertEquals([text.status, text.code, text.fields], [415, "unsupported_media_type", ["(body)"]]);
    const binary = await errorOf(await send(app, "PUT", "/app/etl/me/theme", token, "\xff\xfe", "application/json"));
    assertEquals(binary.status, 400);
    const ok = await send(app, "PUT", "/app/etl/me/theme", token, JSON.stringify({ theme: "dark" }));
    assertEquals(ok.status, 200);
    await ok.body?.cancel();
  }));

Deno.test(`input[${kind}]: ids of 2^31 and more in query or body are 400 naming the field`, () =>
  withAdmin(async (app, token, tenantId) => {
    const [jira] = await app.db.query<{ id: number }>(
      "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
      [tenantId],
    );
    for (
      const [method, path] of [
        ["GET", "/app/etl/unmapped?integrationId=2147483648"],
        ["GET", "/app/etl/custom-fields?integrationId=2147483648"],
        ["GET", "/app/etl/custom-fields/mappings?integrationId=2147483648"],
        ["GET", "/app/etl/custom-fields/mappings?integrationId=99999999999999999999"],
        ["GET", "/app/etl/unmapped?integrationId=-1"],
      ]
    ) {
      const err = await errorOf(await send(app, method, path, token));
      assertEquals([err.status, err.fields], [400, ["query.integrationId"]], path);
    }
    const put = await send(
      app,
      "PUT",
      "/app/etl/custom-fields/mappings?integrationId=2147483648",
      token,
      JSON.stringify({ mappings: {} }),
    );
    assertEquals((await errorOf(put)).fields, ["query.integrationId"]);
    const inBody = await send(
      app,
      "PUT",
      `/app/etl/custom-fields/mappings?integrationId=${jira.id}`,
      token,
      JSON.stringify({ mappings: { sprints: 2147483648, team: 1.5 } }),
    );
    assertEquals((await errorOf(inBody)).fields.sort(), ["mappings.sprints", "mappings.team"]);
    const bigPath = await send(app, "GET", "/app/etl/integrations/2147483648", token);
    assertEquals(bigPath.status, 404);
    await bigPath.body?.cancel();
  }));

Deno.test(`input[${kind}]: limit=1.5 and other bad query values are 400; unknown and repeated parameters too`, () =>
  withAdmin(async (app, token) => {
    const [job] = await (await send(app, "GET", "/app/etl/jobs", token)).json();
    for (const query of ["limit=1.5", "limit=0", "limit=201", "limit=1e2", "limit=%00", "limit="]) {
      const err = await errorOf(await send(app, "GET", `/app/etl/jobs/${job.id}/runs?${query}`, token));
      assertEquals([err.status, err.fields], [400, ["query.limit"]], query);
    }
    const unknown = await errorOf(await send(app, "GET", "/app/etl/jobs?limit=5", token));
    assertEquals([unknown.status, unknown.fields], [400, ["query.limit"]]);
    const repeated = await errorOf(await send(app, "GET", `/app/etl/jobs/${job.id}/runs?limit=1&limit=2`, token));
    assertEquals([repeated.status, repeated.fields], [400, ["query.limit"]]);
    const typo = await errorOf(await send(app, "GET", "/app/etl/unmapped?integrationID=1", token));
    assertEquals(typo.fields, ["query.integrationID"]);
    const runs = await send(app, "GET", `/app/etl/jobs/${job.id}/runs?limit=5`, token);
    assertEquals(runs.status, 200);
    assertEquals(await runs.json(), []);
  }));

Deno.test(`input[${kind}]: the login form is answered with a redirect even when its input is refused`, () =>
  withAdmin(async (app) => {
    const res = await fetch(app.url + "/auth/login", {
      method: "POST",
      body: new URLSearchParams({ email: "not-an-address", password: "x" }),
      redirect: "manual",
    });
    await res.body?.cancel();
    assertEquals(res.status, 303);
    assertEquals(res.headers.get("location"), "/login?error=validation_failed");
    const json = await errorOf(
      await fetch(app.url + "/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "a@b.test", password: 5 }),
      }),
    );
    assertEquals([json.status, json.fields], [400, ["password"]]);
  }));
