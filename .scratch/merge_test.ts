import { Hono } from "hono";
import { matchedRoutes } from "hono/route";
Deno.test("m", async () => {
  const inner = new Hono();
  inner.get("/", (c) => c.json(matchedRoutes(c).map((r) => [r.method, r.path])));
  inner.get("/:id", (c) => c.json(matchedRoutes(c).map((r) => [r.method, r.path])));
  const mid = new Hono();
  mid.use("*", async (_c, next) => { await next(); });
  mid.route("/jobs", inner);
  const app = new Hono();
  app.route("/app/etl", mid);
  console.log(await (await app.request("/app/etl/jobs")).text());
  console.log(await (await app.request("/app/etl/jobs/")).text());
  console.log(await (await app.request("/app/etl/jobs/3")).text());
});
