// Assembles the HTTP app: error handling, security headers, health, auth, the /app/etl API and the pages.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppDeps, AppEnv } from "./context.ts";
import { ApiError, onError } from "./http_errors.ts";
import { healthRoutes } from "../routes/health.ts";
import { authRoutes } from "../routes/auth.ts";
import { etlApiRoutes } from "../routes/app/etl/index.ts";
import { pageRoutes } from "../routes/pages.tsx";
import { serveBuiltAssets } from "./islands/mod.ts";
import { compressResponses } from "./http/compress.ts";
import { setMountedPages } from "../components/shell/nav.ts";
import { contractCheck, type ContractViolation } from "./api/contract.ts";
import { metricsFor } from "./metrics/metrics.ts";
import { metricsRoutes } from "../routes/metrics.ts";
import { dropTenantViews } from "./cache/tenant_views.ts";
import { setFinalHeaders } from "./http/final_headers.ts";

const NO_STORE = { "Cache-Control": "no-store" };
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface AppOptions {
  /** Check every API response against its declared contract and report violations (test apps). */
  onContractViolation?: (violation: ContractViolation) => void;
}

export function createApp(deps: AppDeps, options: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  // gzip/brotli for pages and JSON above 1 KiB, outermost so every other layer (contract check, metrics) sees the
  // plain body; built assets come precompressed (server/http/compress.ts)
  app.use("*", compressResponses());
  const metrics = metricsFor(deps);
  app.use("*", async (c, next) => {
    const started = performance.now();
    await next();
    metrics.observeHttp(c, started);
  });
  if (options.onContractViolation) app.use("*", contractCheck(options.onContractViolation));
  const security: Record<string, string> = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
  };
  const hsts = { ...security, "Strict-Transport-Security": "max-age=31536000; includeSubDomains" };
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
    const https = c.req.url.startsWith("https:") || deps.config.PUBLIC_URL?.startsWith("https:");
    setFinalHeaders(c, https ? hsts : security);
  });
  // bounded request bodies, as a backstop: each route has its own (smaller) limit, checked while its body is read
  const tooLarge = (limit: string) => () => {
    throw new ApiError(413, "payload_too_large", `(body): larger than ${limit}`, [
      { field: "(body)", message: `larger than ${limit}` },
    ]);
  };
  app.use("/auth/*", bodyLimit({ maxSize: 16 * 1024, onError: tooLarge("16 KiB") }));
  app.use("/app/etl/*", bodyLimit({ maxSize: 1024 * 1024, onError: tooLarge("1 MiB") }));
  app.use("/app/etl/*", async (c, next) => {
    await next();
    setFinalHeaders(c, NO_STORE);
    // a change made through the API shows in the tenant's job views at once, not only when its notification arrives
    const auth = c.get("auth");
    if (auth && !SAFE_METHODS.has(c.req.method)) dropTenantViews(deps.db, auth.tenantId);
  });
  app.use("/static/*", serveBuiltAssets());
  app.route("/", healthRoutes());
  app.route("/", metricsRoutes());
  app.route("/auth", authRoutes());
  app.route("/app/etl", etlApiRoutes());
  app.all("/app/etl/*", () => {
    throw new ApiError(404, "not_found", "no such endpoint");
  });
  app.route("/", pageRoutes());
  // the sidebar lists only pages that are mounted (no entry can lead to a 404)
  setMountedPages(app.routes);
  return app;
}
