// GET /app/etl/ws — live updates. Authenticated like the rest of the API (session cookie from the browser, or an
// Authorization: Bearer header from other clients, already verified by requireAuth); the Origin must be ours (no
// cross-site WebSocket hijacking). The browser never polls. `?topics=` picks what the socket carries (default jobs):
// - jobs: first a snapshot of the tenant's job cards, then coalesced progress frames for that tenant only;
// - queues (admins): {type:"queues", queues} every ~2 s, the same figures as GET /app/etl/queues (instance-wide ones
//   for the operator only, dead letters of the admin's own tenant), sampled once per instance for all sockets;
// - vectors: {type:"vectors", tasks} (this instance's re-embed / orphan tasks of the tenant), then
//   {type:"vector", progress} for every task of the tenant in any instance.
import type { Context } from "hono";
import { upgradeWebSocket } from "hono/deno";
import type { WSEvents } from "hono/ws";
import { z } from "zod";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError } from "../../../server/http_errors.ts";
import { apiRouter } from "../../../server/api/route.ts";
import { errorResponse } from "../../../server/api/schemas.ts";
import { sameOrigin } from "../../../server/auth/middleware.ts";
import { isOperator } from "../../../server/auth/operator.ts";
import { listJobCards } from "../../../db/jobs.ts";
import { installedJobTypes } from "../../../server/engine_services.ts";
import type { ProgressHub } from "../../../server/live/hub.ts";
import { queueMonitorFor } from "../../../server/live/queue_monitor.ts";
import { stagesWithRuns } from "../../../server/live/dead_letter_runs.ts";
import { log } from "../../../lib/log.ts";
import { findUserById } from "../../../server/auth/users.ts";
import type { VectorLive } from "../../../server/live/vector_live.ts";

const TOPICS = ["jobs", "queues", "vectors"] as const;
type Topic = typeof TOPICS[number];

/** `?topics=jobs,queues` → the set; unknown names are a 400 naming them. */
const topicsQuery = z.string().max(200, "too long").prefault("jobs").transform((raw, ctx) => {
  const names = raw.split(",").map((t) => t.trim()).filter(Boolean);
  const unknown = names.filter((t) => !(TOPICS as readonly string[]).includes(t));
  if (unknown.length || names.length === 0) {
    ctx.addIssue({ code: "custom", message: unknown.length ? `unknown topic ${unknown.join(", ")}` : "empty" });
    return z.NEVER;
  }
  return new Set(names as Topic[]);
}).meta({ description: `comma-separated: ${TOPICS.join(", ")} (default jobs; queues is for admins)` });

/** How often an open socket re-checks that its session is still valid (logout, deactivation, role change). */
const RECHECK_MS = 30_000;
const recheckMs = (services: Record<string, unknown> | undefined) =>
  typeof services?.wsRecheckMs === "number" ? services.wsRecheckMs : RECHECK_MS;

export function liveRoutes() {
  const r = apiRouter("/app/etl/ws", "live");
  r.route({
    method: "get",
    path: "/",
    summary: "Live updates over a WebSocket",
    description: "Upgrade to a WebSocket (same origin; session cookie or Bearer token). Frames are JSON text: " +
      '`jobs` sends `{type:"snapshot", jobs}` with the tenant\'s job cards, then `{type:"progress", event}` ' +
      'frames for that tenant only; `queues` (admins) sends `{type:"queues", queues}` every ~2 s, shaped as ' +
      'GET /app/etl/queues; `vectors` sends `{type:"vectors", tasks}` then `{type:"vector", progress}` for ' +
      "the tenant's re-embed and orphan tasks. The socket closes (1008) when the session ends. The browser never polls.",
    query: z.object({ topics: topicsQuery }),
    responses: {
      101: { description: "switching to the WebSocket protocol" },
      403: errorResponse("another origin, or queue figures for a non-admin"),
      426: errorResponse("not a WebSocket upgrade request"),
      503: errorResponse("live updates or the queue are not running in this instance"),
    },
  }, (c, { query: { topics } }) => {
    if (c.req.header("origin") && !sameOrigin(c)) {
      throw new ApiError(403, "cross_site_request", "WebSocket from another origin refused");
    }
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
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      c.header("Upgrade", "websocket");
      throw new ApiError(426, "upgrade_required", "connect with a WebSocket client");
    }
    return upgradeWebSocket(c, liveSocket(c, topics));
  });
  return r.app;
}

/** The socket's life: subscriptions for its topics, re-checked against the session until it ends. */
function liveSocket(c: Context<AppEnv>, topics: Set<Topic>): WSEvents {
  const { db, services } = c.get("deps");
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
          const jobTypes = installedJobTypes(services);
          ws.send(JSON.stringify({ type: "snapshot", jobs: await listJobCards(db, tenantId, { jobTypes }) }));
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
              // each letter's run (obsolete or not) is looked up per frame: runs end between frames
              (queues) =>
                stagesWithRuns(db, tenantId, queues.stages).then(
                  (stages) => ws.send(JSON.stringify({ type: "queues", queues: { ...queues, stages } })),
                  (e) => log.warn("queues frame failed", { userId, error: e }),
                ),
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
}
