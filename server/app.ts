// Assembles the HTTP app: error handling, security headers, health, auth, the /app/etl API and the pages.
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./context.ts";
import { ApiError, onError } from "./http_errors.ts";
import { healthRoutes } from "../routes/health.ts";
import { authRoutes } from "../routes/auth.ts";
import { etlApiRoutes } from "../routes/app/etl/index.ts";
import { pageRoutes } from "../routes/pages.tsx";

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
    c.header("X-Frame-Options", "DENY");
  });
  app.route("/", healthRoutes());
  app.route("/auth", authRoutes());
  app.route("/app/etl", etlApiRoutes());
  app.all("/app/etl/*", () => {
    throw new ApiError(404, "not_found", "no such endpoint");
  });
  app.route("/", pageRoutes());
  return app;
}
