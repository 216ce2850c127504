// The response contract check fails loudly on every kind of drift between a handler and its declaration, and the
// undeclared-route finder catches a route added the old way.
import { Hono } from "hono";
import { z } from "zod";
import { assert, assertEquals } from "../../tests/support/assert.ts";
import type { AppEnv, AuthUser } from "../context.ts";
import { onError } from "../http_errors.ts";
import { apiRouter } from "./route.ts";
import { contractCheck, type ContractViolation, undeclaredRoutes } from "./contract.ts";

function appAnswering(body: () => unknown, status = 200, violations: ContractViolation[] = []) {
  const r = apiRouter("/app/etl/contract-probe", "probe");
  r.route({
    method: "get",
    path: "/",
    summary: "probe",
    responses: {
      200: { description: "ok", schema: z.object({ id: z.number().int(), name: z.string().nullable() }) },
      204: { description: "nothing" },
    },
  }, (c) => (status === 204 ? c.body(null, 204) : c.json(body() as object, status as 200)));
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use("*", contractCheck((v) => violations.push(v)));
  app.use("*", async (c, next) => {
    c.set("auth", { role: "admin" } as AuthUser);
    await next();
  });
  app.route("/app/etl/contract-probe", r.app);
  return app;
}

async function problemOf(body: unknown, status = 200) {
  const violations: ContractViolation[] = [];
  const res = await appAnswering(() => body, status, violations).request("/app/etl/contract-probe");
  const text = await res.text();
  return { status: res.status, text, problem: violations[0]?.problem as string | undefined };
}

Deno.test("contract: a response true to its declaration passes untouched", async () => {
  assertEquals(await problemOf({ id: 1, name: null }), {
    status: 200,
    text: '{"id":1,"name":null}',
    problem: undefined,
  });
  assertEquals((await problemOf(undefined, 204)).problem, undefined);
});

Deno.test("contract: extra, missing and mistyped keys, undeclared statuses and bodies are violations (500)", async () => {
  const extra = await problemOf({ id: 1, name: "a", secret: "x" });
  assertEquals(extra.status, 500);
  assertEquals(extra.problem, "secret: sent but not declared");
  assert(extra.text.includes("contract_violation") && !extra.text.includes('"x"'), "the original body is replaced");
  assert((await problemOf({ id: 1 })).problem?.startsWith("name:"));
  assert((await problemOf({ id: "1", name: "a" })).problem?.startsWith("id:"));
  assertEquals((await problemOf({ id: 1, name: "a" }, 201)).problem, "status 201 is not declared");
  // implicit error answers are declared for every route, with the shared error body
  assertEquals((await problemOf({ error: { code: "bad", message: "m" } }, 400)).problem, undefined);
  assert((await problemOf({ message: "m" }, 400)).problem?.startsWith("error:"));
});

Deno.test("contract: a route added the old way is found as undeclared", () => {
  const app = appAnswering(() => ({}));
  assertEquals(undeclaredRoutes(app, ["/app/etl"]), []);
  app.get("/app/etl/legacy", (c) => c.text("old"));
  app.use("/app/etl/*", async (_c, next) => await next());
  assertEquals(undeclaredRoutes(app, ["/app/etl"]), ["GET /app/etl/legacy"]);
});
