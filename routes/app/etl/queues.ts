// /app/etl/queues (admin): per-stage depth, in-flight, dead letters (with their errors), consumers; requeue a dead
// letter. Queues and workers are shared by every tenant of the instance, so the global figures and worker
// start/stop are for the instance operator (admins of the first tenant); other admins see their own dead letters.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError, parseJson } from "../../../server/http_errors.ts";
import { requireRole } from "../../../server/auth/middleware.ts";
import { isOperator } from "../../../server/auth/operator.ts";
import { assertStage, type Queue, STAGES, UnknownStageError } from "../../../engine/queue/port.ts";

/** What the queues page needs from the engine (deps.services.engine). */
export interface WorkerControl {
  readonly workersRunning: boolean;
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
}

function queueOf(services: Record<string, unknown> | undefined): Queue {
  const queue = services?.queue as Queue | undefined;
  if (!queue) throw new ApiError(503, "queue_unavailable", "the queue is not connected in this instance");
  return queue;
}

function stageParam(raw: string) {
  try {
    return assertStage(raw);
  } catch (e) {
    if (e instanceof UnknownStageError) throw new ApiError(404, "not_found", e.message);
    throw e;
  }
}

/** Dead letters are shown only to the tenant whose message it was. */
function ownedBy(body: Record<string, unknown>, tenantId: number) {
  return body.tenantId === tenantId;
}

export function queueRoutes() {
  const app = new Hono<AppEnv>();
  app.use("*", requireRole("admin"));

  app.get("/", async (c) => {
    const { services } = c.get("deps");
    const queue = queueOf(services);
    const tenantId = c.get("auth").tenantId;
    const stats = await queue.stats();
    const stages = [];
    for (const stage of STAGES) {
      const dead = (await queue.listDeadLetters(stage, 200)).filter((d) => ownedBy(d.body, tenantId)).slice(0, 50);
      stages.push({ stage, queueName: queue.queueName(stage), ...stats[stage], deadLetters: dead });
    }
    const engine = services?.engine as WorkerControl | undefined;
    const operator = await isOperator(c.get("deps").db, c.get("auth"));
    return c.json({
      adapter: queue.kind,
      maxAttempts: queue.maxAttempts,
      operator,
      workersRunning: engine?.workersRunning ?? false,
      stages: operator ? stages : stages.map(({ stage, queueName, deadLetters }) => ({
        stage,
        queueName,
        deadLetters,
        deadLettered: deadLetters.length,
      })),
    });
  });

  app.post("/:stage/dead-letters/:id/requeue", async (c) => {
    const queue = queueOf(c.get("deps").services);
    const stage = stageParam(c.req.param("stage"));
    const id = c.req.param("id");
    const owned = (await queue.listDeadLetters(stage, 10_000)).find((d) => d.id === id);
    if (!owned || !ownedBy(owned.body, c.get("auth").tenantId)) {
      throw new ApiError(404, "not_found", "no such dead letter");
    }
    if (!await queue.requeueDeadLetter(stage, id)) throw new ApiError(404, "not_found", "no such dead letter");
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
