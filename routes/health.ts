// /healthz: the process answers. /readyz: the database is reachable, every migration is applied, and each
// configured service (e.g. the broker) answers — what a load balancer or compose healthcheck should wait for.
import { z } from "zod";
import { pendingMigrations } from "../db/migrate.ts";
import { apiRouter } from "../server/api/route.ts";
import { log } from "../lib/log.ts";

const readiness = z.object({
  status: z.enum(["ready", "not ready"]),
  checks: z.record(z.string(), z.string()).meta({ description: "each dependency: ok, or what is wrong" }),
});

/**
 * /readyz answers anyone: the reason (which names hosts, addresses and ports of the internal network) goes to the
 * log, the answer only says which dependency is down.
 */
function unreachable(name: string, error: unknown): string {
  log.warn("readiness check failed", { dependency: name, error });
  return "unreachable";
}

export function healthRoutes() {
  const r = apiRouter("", "health");
  r.route({
    method: "get",
    path: "/healthz",
    summary: "The process answers",
    security: "none",
    responses: { 200: { description: "alive", schema: z.object({ status: z.literal("ok") }) } },
  }, (c) => c.json({ status: "ok" as const }));
  r.route({
    method: "get",
    path: "/readyz",
    summary: "Ready to serve",
    description: "The database is reachable, every migration is applied, and each configured service answers.",
    security: "none",
    responses: {
      200: { description: "ready", schema: readiness },
      503: { description: "not ready; `checks` says what is missing", schema: readiness },
    },
  }, async (c) => {
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
      checks.database = unreachable("database", e);
      ready = false;
    }
    for (const probe of deps.readiness ?? []) {
      try {
        await probe.check();
        checks[probe.name] = "ok";
      } catch (e) {
        checks[probe.name] = unreachable(probe.name, e);
        ready = false;
      }
    }
    return c.json({ status: ready ? "ready" as const : "not ready" as const, checks }, ready ? 200 : 503);
  });
  return r.app;
}
