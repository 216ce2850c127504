// /healthz: the process answers. /readyz: the database is reachable, every migration is applied, and each
// configured service (e.g. the broker) answers — what a load balancer or compose healthcheck should wait for.
import { Hono } from "hono";
import type { AppEnv } from "../server/context.ts";
import { pendingMigrations } from "../db/migrate.ts";

export function healthRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const deps = c.get("deps");
    const checks: Record<string, string> = {};
    let ready = true;
    try {
      await deps.db.query("SELECT 1");
      const pending = await pendingMigrations(deps.db);
      checks.database = "ok";
      checks.migrations = pending === 0 ? "ok" : `${pending} pending`;
      if (pending > 0) ready = false;
    } catch (e) {
      checks.database = `unreachable: ${(e as Error).message}`;
      ready = false;
    }
    for (const probe of deps.readiness ?? []) {
      try {
        await probe.check();
        checks[probe.name] = "ok";
      } catch (e) {
        checks[probe.name] = `unreachable: ${(e as Error).message}`;
        ready = false;
      }
    }
    return c.json({ status: ready ? "ready" : "not ready", checks }, ready ? 200 : 503);
  });
  return app;
}
