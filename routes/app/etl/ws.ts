// GET /app/etl/ws — live updates. Authenticated like the rest of the API (session cookie from the browser, or an
// Authorization: Bearer header from other clients, already verified by requireAuth); the Origin must be ours (no
// cross-site WebSocket hijacking). The browser never polls. `?topics=` picks what the socket carries (default jobs):
// - jobs: first a snapshot of the tenant's job cards, then coalesced progress frames for that tenant only;
// - queues (admins): {type:"queues", queues} every ~2 s, the same figures as GET /app/etl/queues (instance-wide ones
//   for the operator only, dead letters of the admin's own tenant), sampled once per instance for all sockets;
// - vectors: {type:"vectors", tasks} (this instance's re-embed / orphan tasks of the tenant), then
//   {type:"vector", progress} for every task of the tenant in any instance.
import { Hono } from "hono";
import { upgradeWebSocket } from "hono/deno";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError } from "../../../server/http_errors.ts";
import { sameOrigin } from "../../../server/auth/middleware.ts";
import { isOperator } from "../../../server/auth/operator.ts";
import { listJobCards } from "../../../db/jobs.ts";
import type { ProgressHub } from "../../../server/live/hub.ts";
import { queueMonitorFor } from "../../../server/live/queue_monitor.ts";
import { log } from "../../../lib/log.ts";
import { findUserById } from "../../../server/auth/users.ts";
import type { VectorLive } from "../../../server/live/vector_live.ts";

const TOPICS = ["jobs", "queues", "vectors"] as const;
type Topic = typeof TOPICS[number];

/** `?topics=jobs,queues` → the set; unknown names are a 400 naming them. */
function parseTopics(raw: string | undefined): Set<Topic> {
  const names = (raw ?? "jobs").split(",").map((t) => t.trim()).filter(Boolean);
  const unknown = names.filter((t) => !(TOPICS as readonly string[]).includes(t));
  if (unknown.length || names.length === 0) {
    const problem = unknown.length ? `unknown topic ${unknown.join(", ")}` : "empty";
    throw new ApiError(400, "validation_error", `topics: ${problem}; expected a comma-separated list of ${TOPICS}`, [
      { field: "topics", message: problem },
    ]);
  }
  return new Set(names as Topic[]);
}

/** How often an open socket re-checks that its session is still valid (logout, deactivation, role change). */
const RECHECK_MS = 30_000;
const recheckMs = (services: Record<string, unknown> | undefined) =>
  typeof services?.wsRecheckMs === "number" ? services.wsRecheckMs : RECHECK_MS;

export function liveRoutes() {
  const app = new Hono<AppEnv>();
  app.get(
    "/",
    async (c, next) => {
      if (c.req.header("origin") && !sameOrigin(c)) {
        throw new ApiError(403, "cross_site_request", "WebSocket from another origin refused");
      }
      const topics = parseTopics(c.req.query("topics"));
      const services = c.get("deps").services;
      if (topics.has("jobs") && !services?.hub) {
        throw new ApiError(503, "live_unavailable", "live updates are not running");
      }
      if (topics.has("vectors") && !services?.vectorLive) {
        throw new ApiError(503, "vectors_unavailable", "the vector store is not running in this instance");
      }
      if (topics.has("queues")) {
        if (c.get("auth").role !== "admin") throw new ApiError(403, "forbidden", "queue figures are for admins");
        if (!queueMonitorFor(services)) {
          throw new ApiError(503, "queue_unavailable", "the queue is not connected in this instance");
        }
      }
      await next();
    },
    upgradeWebSocket((c) => {
      const { db, services } = c.get("deps");
      const topics = parseTopics(c.req.query("topics"));
      const auth = c.get("auth");
      const { tenantId, userId } = auth;
      const unsubscribes: Array<() => void> = [];
      let timer: ReturnType<typeof setInterval> | undefined;
      let stopped = false;
      const stop = () => {
        stopped = true;
        for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
        if (timer !== undefined) clearInterval(timer);
      };
      return {
        async onOpen(_event, ws) {
          // a socket lives as long as the session that opened it: closed at expiry, logout or deactivation
          timer = setInterval(async () => {
            const user = await findUserById(db, userId).catch(() => undefined);
            const valid = user?.active && user.tenant_id === tenantId && user.role === auth.role &&
              auth.issuedAtMs >= user.tokens_valid_after.getTime() && Date.now() < auth.expiresAtMs;
            if (!valid) {
              stop();
              ws.close(1008, "session ended");
            }
          }, recheckMs(services));
          try {
            if (topics.has("jobs")) {
              // subscribe first, then read the snapshot, so nothing that happens in between is lost
              const buffered: string[] = [];
              let ready = false;
              unsubscribes.push((services!.hub as ProgressHub).subscribe(tenantId, (frame) => {
                const text = JSON.stringify(frame);
                if (ready) ws.send(text);
                else buffered.push(text);
              }));
              ws.send(JSON.stringify({ type: "snapshot", jobs: await listJobCards(db, tenantId) }));
              for (const text of buffered) ws.send(text);
              ready = true;
            }
            if (topics.has("vectors")) {
              const live = services!.vectorLive as VectorLive;
              unsubscribes.push(
                live.subscribe(tenantId, (progress) => ws.send(JSON.stringify({ type: "vector", progress }))),
              );
              ws.send(JSON.stringify({ type: "vectors", tasks: live.maintenance.tasks(tenantId) }));
            }
            if (topics.has("queues")) {
              const viewer = { tenantId, operator: await isOperator(db, auth) };
              if (stopped) return; // closed while we looked the role up: nothing to feed
              unsubscribes.push(
                queueMonitorFor(services)!.subscribe(
                  viewer,
                  (queues) => ws.send(JSON.stringify({ type: "queues", queues })),
                ),
              );
            }
          } catch (e) {
            log.warn("live snapshot failed", { userId, error: e });
            stop();
            ws.close(1011, "snapshot failed");
          }
        },
        onClose() {
          stop();
        },
        onError() {
          stop();
        },
      };
    }),
  );
  return app;
}
