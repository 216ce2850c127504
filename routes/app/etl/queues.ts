// /app/etl/queues (admin): per-stage depth, in-flight, dead letters (with their errors), consumers and processed/s;
// requeue a dead letter. Queues and workers are shared by every tenant of the instance, so the global figures and
// worker start/stop are for the instance operator (admins of the first tenant); other admins see their own dead
// letters. The figures come from the instance's QueueMonitor (server/live/queue_monitor.ts), which also feeds the
// Queues page live over /app/etl/ws?topics=queues.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError, parseJson } from "../../../server/http_errors.ts";
import { requireRole } from "../../../server/auth/middleware.ts";
import { isOperator } from "../../../server/auth/operator.ts";
import { assertStage, type Queue, UnknownStageError } from "../../../engine/queue/port.ts";
import { ownedBy, type QueueMonitor, queueMonitorFor, type WorkerControl } from "../../../server/live/queue_monitor.ts";

export type { WorkerControl } from "../../../server/live/queue_monitor.ts";

function monitorOf(services: Record<string, unknown> | undefined): { queue: Queue; monitor: QueueMonitor } {
  const monitor = queueMonitorFor(services);
  if (!monitor) throw new ApiError(503, "queue_unavailable", "the queue is not connected in this instance");
  return { queue: services!.queue as Queue, monitor };
}

function stageParam(raw: string) {
  try {
    return assertStage(raw);
  } catch (e) {
    if (e instanceof UnknownStageError) throw new ApiError(404, "not_found", e.message);
    throw e;
  }
}

export function queueRoutes() {
  const app = new Hono<AppEnv>();
  app.use("*", requireRole("admin"));

  app.get("/", async (c) => {
    const { monitor } = monitorOf(c.get("deps").services);
    const auth = c.get("auth");
    return c.json(await monitor.view({ tenantId: auth.tenantId, operator: await isOperator(c.get("deps").db, auth) }));
  });

  app.post("/:stage/dead-letters/:id/requeue", async (c) => {
    const { queue, monitor } = monitorOf(c.get("deps").services);
    const stage = stageParam(c.req.param("stage"));
    const id = c.req.param("id");
    const owned = (await queue.listDeadLetters(stage, 10_000)).find((d) => d.id === id);
    // another tenant's dead letter answers exactly like a missing one
    if (!owned || !ownedBy(owned, c.get("auth").tenantId)) {
      throw new ApiError(404, "not_found", "no such dead letter");
    }
    const requeued = await queue.requeueDeadLetter(stage, id);
    monitor.invalidate(stage);
    if (!requeued) throw new ApiError(404, "not_found", "no such dead letter");
    return c.json({ requeued: id, stage });
  });

  app.post("/workers", async (c) => {
    const { action } = await parseJson(c, z.object({ action: z.enum(["start", "stop"]) }));
    if (!await isOperator(c.get("deps").db, c.get("auth"))) {
      throw new ApiError(
        403,
        "forbidden",
        "workers are shared by every tenant; only the instance operator controls them",
      );
    }
    const engine = c.get("deps").services?.engine as WorkerControl | undefined;
    if (!engine) throw new ApiError(503, "engine_unavailable", "the engine is not running in this instance");
    if (action === "start") await engine.startWorkers();
    else await engine.stopWorkers();
    return c.json({ workersRunning: engine.workersRunning });
  });

  return app;
}
