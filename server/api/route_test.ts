// The route declaration validates path, query and body before the handler runs, checks the role, and records the
// route (with its full path) for the OpenAPI document.
import { z } from "zod";
import { Hono } from "hono";
import { assertEquals } from "../../tests/support/assert.ts";
import type { AppEnv, AuthUser } from "../context.ts";
import { type ApiError, onError } from "../http_errors.ts";
import { apiRouter, declaredRoutes, operationIdOf, validateQuery } from "./route.ts";
import { idParams, pageQuery } from "./schemas.ts";

function appWith(role: AuthUser["role"]) {
  const r = apiRouter("/app/etl/things", "things");
  r.route({
    method: "put",
    path: "/:id",
    summary: "change a thing",
    roles: ["admin"],
    params: idParams,
    query: z.object(pageQuery(10, 20)),
    body: z.object({ name: z.string().min(1) }).strict(),
    responses: { 200: { description: "ok" } },
  }, (c, { params, query, body }) => c.json({ id: params.id, limit: query.limit, name: body.name }));
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use("*", async (c, next) => {
    c.set("auth", { role } as AuthUser);
    await next();
  });
  app.route("/app/etl/things", r.app);
  return app;
}

const put = (app: Hono<AppEnv>, path: string, body: unknown) =>
  app.request(path, { method: "PUT", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

Deno.test("route: valid input reaches the handler already parsed", async () => {
  const res = await put(appWith("admin"), "/app/etl/things/7?limit=3", { name: "x" });
  assertEquals(res.status, 200);
  assertEquals(await res.json(), { id: 7, limit: 3, name: "x" });
  const dflt = await put(appWith("admin"), "/app/etl/things/7", { name: "x" });
  assertEquals((await dflt.json()).limit, 10);
});

Deno.test("route: every bad value is a 4xx naming it, never a 500", async () => {
  const app = appWith("admin");
  for (const id of ["0", "2147483648", "1.5", "abc", "-1"]) {
    assertEquals((await put(app, `/app/etl/things/${id}`, { name: "x" })).status, 404, id);
  }
  const q = await put(app, "/app/etl/things/1?limit=1.5", { name: "x" });
  assertEquals(q.status, 400);
  assertEquals((await q.json()).error.fields[0].field, "query.limit");
  const big = await put(app, "/app/etl/things/1?limit=21", { name: "x" });
  assertEquals(big.status, 400);
  const b = await put(app, "/app/etl/things/1", { name: "", extra: 1 });
  assertEquals(b.status, 400);
  assertEquals((await b.json()).error.fields.map((f: { field: string }) => f.field).sort(), ["(body)", "name"]);
});

Deno.test("route: roles are checked before anything else", async () => {
  const res = await put(appWith("viewer"), "/app/etl/things/1", { name: "x" });
  assertEquals(res.status, 403);
});

Deno.test("route: declared routes are recorded with their full path", () => {
  appWith("admin");
  const doc = declaredRoutes().find((r) => r.path === "/app/etl/things/:id" && r.method === "put");
  assertEquals(doc?.tag, "things");
  assertEquals(doc?.spec.summary, "change a thing");
});

Deno.test("route: undeclared and repeated query parameters are refused by name; ids for the document", () => {
  const query = z.object(pageQuery(10, 20));
  const refused = (url: string, schema: z.ZodType | undefined = query) => {
    try {
      validateQuery(schema, url);
    } catch (e) {
      return (e as ApiError).fields?.map((f) => `${f.field}: ${f.message}`) ?? [];
    }
    return [];
  };
  assertEquals(validateQuery(query, "http://x/a?limit=3"), { limit: 3, offset: 0 });
  assertEquals(refused("http://x/a?limit=3&sort=name"), ["query.sort: unknown parameter"]);
  assertEquals(refused("http://x/a?limit=3&limit=4"), ["query.limit: given more than once; give it once"]);
  assertEquals(refused("http://x/a?x=1"), ["query.x: unknown parameter"]);
  assertEquals(validateQuery(undefined, "http://x/a"), undefined);
  assertEquals(refused("http://x/a?any=1", undefined), ["query.any: unknown parameter"], "no schema: no parameters");
  assertEquals(operationIdOf("get", "/app/etl/jobs/:id/runs"), "getJobsByIdRuns");
  assertEquals(operationIdOf("post", "/app/etl/custom-fields/mappings"), "postCustomFieldsMappings");
  assertEquals(operationIdOf("get", "/healthz"), "getHealthz");
});

Deno.test("route: a query or path value holding U+0000 is a 400 naming it, before the handler runs", async () => {
  const r = apiRouter("/app/etl/named", "things");
  let reached = 0;
  r.route({
    method: "get",
    path: "/:name",
    summary: "a thing by name",
    params: z.object({ name: z.string() }),
    query: z.object({ q: z.string().optional() }),
    responses: { 200: { description: "ok" } },
  }, (c) => c.json({ reached: ++reached }));
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.route("/app/etl/named", r.app);
  const fieldsOf = async (path: string) => {
    const res = await app.request(path);
    assertEquals(res.status, 400, path);
    return (await res.json()).error.fields.map((f: { field: string; message: string }) => `${f.field}: ${f.message}`);
  };
  assertEquals(await fieldsOf("/app/etl/named/a?q=x%00y"), ["query.q: must not contain NUL characters"]);
  assertEquals(await fieldsOf("/app/etl/named/a?%00=1"), ["query.\u0000: must not contain NUL characters"]);
  assertEquals(await fieldsOf("/app/etl/named/a%00b"), ["params.name: must not contain NUL characters"]);
  assertEquals(reached, 0);
  assertEquals((await app.request("/app/etl/named/ab?q=xy")).status, 200);
});
