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
      const { tenantId, userId } = c.get("auth");
      let unsubscribe = () => {};
      return {
        async onOpen(_event, ws) {
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
          unsubscribe();
        },
        onError() {
          unsubscribe();
        },
      };
    }),
  );
  return app;
}
