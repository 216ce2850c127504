// GET /app/etl/ws — live job progress. Authenticated like the rest of the API (session cookie from the browser,
// or an Authorization: Bearer header from other clients, already verified by requireAuth); the Origin must be
// ours (no cross-site WebSocket hijacking). The socket first gets a snapshot of the tenant's job cards, then
// coalesced progress frames for that tenant only. The browser never polls.
import { Hono } from "hono";
import { upgradeWebSocket } from "hono/deno";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError } from "../../../server/http_errors.ts";
import { sameOrigin } from "../../../server/auth/middleware.ts";
import { listJobCards } from "../../../db/jobs.ts";
import type { ProgressHub } from "../../../server/live/hub.ts";
import { log } from "../../../server/log.ts";
import { findUserById } from "../../../server/auth/users.ts";

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
      if (!c.get("deps").services?.hub) throw new ApiError(503, "live_unavailable", "live updates are not running");
      await next();
    },
    upgradeWebSocket((c) => {
      const { db, services } = c.get("deps");
      const hub = services!.hub as ProgressHub;
      const auth = c.get("auth");
      const { tenantId, userId } = auth;
      let unsubscribe = () => {};
      let timer: ReturnType<typeof setInterval> | undefined;
      const stop = () => {
        unsubscribe();
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
          // subscribe first, then read the snapshot, so nothing that happens in between is lost
          const buffered: string[] = [];
          let ready = false;
          unsubscribe = hub.subscribe(tenantId, (frame) => {
            const text = JSON.stringify(frame);
            if (ready) ws.send(text);
            else buffered.push(text);
          });
          try {
            ws.send(JSON.stringify({ type: "snapshot", jobs: await listJobCards(db, tenantId) }));
            for (const text of buffered) ws.send(text);
            ready = true;
          } catch (e) {
            log.warn("live snapshot failed", { userId, error: e });
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
