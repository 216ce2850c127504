// GET /metrics — Prometheus exposition of this instance's metrics (server/metrics/). For a scraper: the
// METRICS_TOKEN as a Bearer token. For a person: signed in as the instance operator (an admin of the first tenant),
// since the figures are instance-wide. Anyone else: 401 (no or wrong credentials) or 403 (signed in, not operator).
import type { Context } from "hono";
import { apiRouter } from "../server/api/route.ts";
import { errorResponse } from "../server/api/schemas.ts";
import type { AppEnv } from "../server/context.ts";
import { ApiError } from "../server/http_errors.ts";
import { authenticate } from "../server/auth/middleware.ts";
import { isOperator } from "../server/auth/operator.ts";
import { metricsFor } from "../server/metrics/metrics.ts";

/** Constant-time comparison of the presented token with the configured one (both hashed to equal length). */
async function sameToken(presented: string, expected: string): Promise<boolean> {
  const digest = async (text: string) =>
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  const [a, b] = await Promise.all([digest(presented), digest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

async function allowed(c: Context<AppEnv>): Promise<void> {
  const expected = c.get("deps").config.METRICS_TOKEN;
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (expected && bearer && await sameToken(bearer, expected)) return;
  const auth = await authenticate(c);
  if ("reason" in auth) {
    c.header("WWW-Authenticate", 'Bearer realm="metrics"');
    throw new ApiError(401, "unauthorized", "metrics need the METRICS_TOKEN or an operator's session");
  }
  if (!await isOperator(c.get("deps").db, auth)) {
    throw new ApiError(403, "forbidden", "metrics are instance-wide: only the instance operator may read them");
  }
}

export function metricsRoutes() {
  const r = apiRouter("", "metrics");
  r.route({
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics of this instance",
    description: "Text exposition format. HTTP durations per route, source requests and 429s per provider, runs, " +
      "records and records/s, queue depth / in flight / dead letters per stage, job status, raw data size, memory.",
    security: "metrics",
    responses: {
      200: { description: "the metrics", contentType: "text/plain" },
      401: errorResponse("no METRICS_TOKEN and no session, or a wrong one"),
      403: errorResponse("signed in, but not the instance operator"),
    },
  }, async (c) => {
    await allowed(c);
    const { contentType, body } = await metricsFor(c.get("deps")).scrape();
    return c.body(body, 200, { "content-type": contentType, "cache-control": "no-store" });
  });
  return r.app;
}
