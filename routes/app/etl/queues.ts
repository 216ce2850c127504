// /app/etl/queues (admin): per-stage depth, in-flight, dead letters (with their errors), consumers and processed/s;
// requeue a dead letter. Queues and workers are shared by every tenant of the instance, so the global figures and
// worker start/stop are for the instance operator (admins of the first tenant); other admins see their own dead
// letters. The figures come from the instance's QueueMonitor (server/live/queue_monitor.ts), which also feeds the
// Queues page live over /app/etl/ws?topics=queues.
import { z } from "zod";
import { ApiError } from "../../../server/http_errors.ts";
import { apiRouter } from "../../../server/api/route.ts";
import { errorResponse } from "../../../server/api/schemas.ts";
import { timestamp } from "../../../server/api/shapes.ts";
import { isOperator } from "../../../server/auth/operator.ts";
import { type Queue, STAGES } from "../../../engine/queue/port.ts";
import { ownedBy, type QueueMonitor, queueMonitorFor, type WorkerControl } from "../../../server/live/queue_monitor.ts";
import { purgeObsoleteDeadLetters, stagesWithRuns } from "../../../server/live/dead_letter_runs.ts";
import { rawDataSize } from "../../../engine/raw_retention.ts";

export type { WorkerControl } from "../../../server/live/queue_monitor.ts";

function monitorOf(services: Record<string, unknown> | undefined): { queue: Queue; monitor: QueueMonitor } {
  const monitor = queueMonitorFor(services);
  if (!monitor) throw new ApiError(503, "queue_unavailable", "the queue is not connected in this instance");
  return { queue: services!.queue as Queue, monitor };
}

const stage = z.enum(STAGES);
const figure = z.number().int().min(0);

const deadLetter = z.object({
  id: z.string(),
  body: z.record(z.string(), z.unknown()).meta({ description: "the message (ids of the batch, never record data)" }),
  error: z.string().meta({ description: "error of the last failed attempt" }),
  attempts: figure,
  failedAt: timestamp,
  run: z.object({
    id: z.number().int().nullable(),
    status: z.string().nullable(),
    obsolete: z.enum(["finished", "failed", "fenced", "superseded", "missing"]).nullable().meta({
      description: "why requeuing cannot help any more (the run is over or a newer run replaced it); null while " +
        "its run is in progress",
    }),
  }).optional().meta({ description: "the run the message belongs to" }),
});

export const queuesView = z.object({
  adapter: z.enum(["rabbitmq", "db"]),
  maxAttempts: figure,
  operator: z.boolean().meta({ description: "the caller is the instance operator (sees instance-wide figures)" }),
  workersRunning: z.boolean(),
  stages: z.array(z.object({
    stage,
    queueName: z.string(),
    deadLettered: figure,
    deadLetters: z.array(deadLetter).meta({ description: "the caller's tenant's dead letters (at most 50)" }),
    depth: figure.optional().meta({ description: "operator only, as are the figures below" }),
    inFlight: figure.optional(),
    consumers: figure.optional(),
    missing: z.literal(true).optional().meta({ description: "the stage's queue does not exist" }),
    processedPerSecond: z.number().min(0).nullable().optional(),
  })),
  rawData: z.object({
    pages: figure,
    bytes: figure,
    retentionDays: figure.meta({ description: "SLUICE_RAW_RETENTION_DAYS" }),
  }).optional().meta({ description: "the tenant's raw pages kept for re-transforms (in the REST answer)" }),
}).meta({ id: "Queues" });

const queueDown = errorResponse("the queue is not connected in this instance");
const engineDown = errorResponse("the engine is not running in this instance");

export function queueRoutes() {
  const r = apiRouter("/app/etl/queues", "queues");

  r.route({
    method: "get",
    path: "/",
    summary: "Per-stage queue figures and the tenant's dead letters",
    description: "Instance-wide figures (depth, in flight, consumers, processed/s) are for the instance operator.",
    roles: ["admin"],
    responses: { 200: { description: "the figures", schema: queuesView }, 503: queueDown },
  }, async (c) => {
    const { monitor } = monitorOf(c.get("deps").services);
    const { db } = c.get("deps");
    const auth = c.get("auth");
    const view = await monitor.view({ tenantId: auth.tenantId, operator: await isOperator(db, auth) });
    const stages = await stagesWithRuns(db, auth.tenantId, view.stages);
    const rawData = {
      ...await rawDataSize(db, auth.tenantId),
      retentionDays: c.get("deps").config.SLUICE_RAW_RETENTION_DAYS,
    };
    return c.json({ ...view, stages, rawData });
  });

  r.route({
    method: "post",
    path: "/dead-letters/purge-obsolete",
    summary: "Delete the tenant's dead letters whose run is over or superseded",
    description: "Dead letters of a run still in progress are kept (they can still be requeued).",
    roles: ["admin"],
    responses: {
      200: {
        description: "how many were deleted per stage",
        schema: z.object({ purged: z.object({ extract: figure, transform: figure, embed: figure }) }),
      },
      503: queueDown,
    },
  }, async (c) => {
    const { queue, monitor } = monitorOf(c.get("deps").services);
    const purged = await purgeObsoleteDeadLetters(c.get("deps").db, queue, c.get("auth").tenantId);
    for (const stage of STAGES) monitor.invalidate(stage);
    return c.json({ purged: purged as Record<(typeof STAGES)[number], number> });
  });

  r.route({
    method: "post",
    path: "/:stage/dead-letters/:id/requeue",
    summary: "Put one of the tenant's dead letters back on its queue",
    roles: ["admin"],
    params: z.object({ stage, id: z.string().min(1).max(200) }),
    responses: {
      200: { description: "requeued", schema: z.object({ requeued: z.string(), stage }) },
      404: errorResponse("no such dead letter of the caller's tenant"),
      503: queueDown,
    },
  }, async (c, { params: { stage, id } }) => {
    const { queue, monitor } = monitorOf(c.get("deps").services);
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

  r.route({
    method: "post",
    path: "/workers",
    summary: "Start or stop this instance's workers (instance operator)",
    roles: ["admin"],
    body: z.object({ action: z.enum(["start", "stop"], { error: "must be start or stop" }) }).strict(),
    responses: {
      200: { description: "the workers' state", schema: z.object({ workersRunning: z.boolean() }) },
      403: errorResponse("only the instance operator (an admin of the first tenant) controls the workers"),
      503: engineDown,
    },
  }, async (c, { body: { action } }) => {
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

  return r.app;
}
