// The OpenAPI contract of the real app: every route Hono serves under /app/etl, /auth and the health and metrics
// paths is declared and in the document (a route added the old way fails here), the document is well-formed
// (unique operation ids, path parameters declared, every $ref resolves), and it is served to signed-in users only.
// That every JSON response the API tests see matches its declared schema is checked in every API test
// (tests/support/app.ts).
import { assert, assertEquals } from "./support/assert.ts";
import { primaryKind } from "./support/db.ts";
import { startTestApp } from "./support/app.ts";
import { createApp } from "../server/app.ts";
import type { AppDeps } from "../server/context.ts";
import { declaredRoutes } from "../server/api/route.ts";
import { undeclaredRoutes } from "../server/api/contract.ts";
import { buildOpenApi, openApiPath } from "../server/api/openapi.ts";
import { setupIslands } from "../server/islands/mod.ts";

const kind = primaryKind();
const PREFIXES = ["/app/etl", "/auth", "/healthz", "/readyz", "/metrics"];

Deno.test("openapi: every route the app serves under the API prefixes is declared and documented", () => {
  const app = createApp({ services: {} } as unknown as AppDeps);
  assertEquals(undeclaredRoutes(app, PREFIXES), []);
  const doc = buildOpenApi(declaredRoutes(), "test");
  const served = app.routes
    .filter((r) => r.method !== "ALL" && PREFIXES.some((p) => r.path === p || r.path.startsWith(`${p}/`)))
    .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`);
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
  for (const route of served) assert(documented.includes(route), `${route} is missing from the document`);
  assert(served.length >= 30, `the whole API is served (${served.length} routes)`);
});

Deno.test("openapi: the document is well-formed", () => {
  createApp({ services: {} } as unknown as AppDeps);
  const doc = buildOpenApi(declaredRoutes(), "test");
  assertEquals(doc.openapi, "3.1.0");
  const ids: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [method, op] of Object.entries(ops)) {
      ids.push(op!.operationId);
      const declared = (op!.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name).sort();
      assertEquals(declared, names, `${method} ${path}: path parameters`);
      assert(op!.tags.length === 1 && op!.summary, `${method} ${path}: tag and summary`);
      for (const [status, response] of Object.entries(op!.responses)) {
        assert(/^[1-5]\d\d$/.test(status) && response.description, `${method} ${path} ${status}`);
      }
      if (!path.startsWith("/auth/login") && !["/healthz", "/readyz"].includes(path)) {
        assert(op!.responses["401"] || op!.security?.length === 0, `${method} ${path}: 401 documented`);
      }
    }
  }
  assertEquals(new Set(ids).size, ids.length, "operation ids are unique");
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
  for (const ref of refs) assert(doc.components.schemas[ref], `$ref ${ref} resolves`);
  assert(!JSON.stringify(doc).includes("#/$defs/"), "no dangling local $defs");
  const runs = doc.paths["/app/etl/jobs/{id}/runs"].get!;
  const limit = runs.parameters!.find((p) => p.name === "limit")!;
  assertEquals([limit.in, limit.required, limit.schema.default], ["query", false, "20"], "query from the input side");
  assertEquals(doc.paths["/auth/login"].post!.security, [], "sign-in needs no session");
  assertEquals(doc.paths["/app/etl/queues"].get!["x-roles"], ["admin"]);
  assert(doc.paths["/auth/login"].post!.requestBody!.content["application/x-www-form-urlencoded"], "form login");
});

Deno.test(`openapi[${kind}]: served to signed-in users, matching the declarations`, async () => {
  await setupIslands(); // the /api page renders through the islands runtime
  const app = await startTestApp(kind);
  try {
    const anonymous = await app.api("/app/etl/openapi.json");
    assertEquals(anonymous.status, 401);
    await anonymous.body?.cancel();
    const token = await app.login((await app.user(await app.tenant("A"), "viewer")).email);
    const res = await app.api("/app/etl/openapi.json", { token });
    assertEquals(res.status, 200);
    const doc = await res.json();
    assertEquals(doc, JSON.parse(JSON.stringify(buildOpenApi(declaredRoutes(), doc.info.version))));
    const page = await fetch(`${app.url}/api`, { headers: { authorization: `Bearer ${token}` } });
    const html = await page.text();
    assertEquals(page.status, 200);
    assert(html.includes("/app/etl/jobs/{id}/runs") && html.includes('id="getJobsByIdRuns"'), "the page lists it");
    const away = await fetch(`${app.url}/api`, { redirect: "manual" });
    await away.body?.cancel();
    assertEquals([away.status, away.headers.get("location")], [303, "/login?next=%2Fapi"]);
  } finally {
    await app.close();
  }
});
