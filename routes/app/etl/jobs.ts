// /app/etl/jobs — job cards, run now, on/off, intervals, force-pending, run history. Every role reads; running
// needs user or admin; configuration needs admin. Another tenant's job id is simply not found.
import type { Context } from "hono";
import type { Queryable } from "../../../db/port.ts";
import { z } from "zod";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError } from "../../../server/http_errors.ts";
import { apiRouter } from "../../../server/api/route.ts";
import { errorResponse, idParams, intText } from "../../../server/api/schemas.ts";
import { jobCard, runStarted, runSummary } from "../../../server/api/shapes.ts";
import { getIntegration } from "../../../db/integrations.ts";
import { requireReady } from "./integrations.ts";
import { getJobCard, listJobCards, listRuns, lockJob, nextRunAfterChange } from "../../../db/jobs.ts";
import { installedJobTypes } from "../../../server/engine_services.ts";
import { providerTitle } from "../../../components/jobs/providers.ts";
import { tenantViews } from "../../../server/cache/tenant_views.ts";

/** Card reads in this module report whether this instance has a connector for each job. */
const cardOptions = (c: Context<AppEnv>) => ({ jobTypes: installedJobTypes(c.get("deps").services) });

/** What the jobs API needs from the engine (registered as deps.services.engine). */
export interface JobEngine {
  startRun(input: { tenantId: number; jobId: number; trigger: "manual" }): Promise<{ runId: number }>;
  forcePending(input: { tenantId: number; jobId: number }): Promise<void>;
}

const ENGINE_CONFLICTS: Record<string, string> = {
  job_running: "the job is already running",
  job_inactive: "the job is inactive; turn it on first",
  integration_inactive: "the job's integration is inactive; activate it first",
};

const minutes = z.number({ error: "must be a number of minutes" }).int("must be whole minutes")
  .min(1, "must be at least 1 minute").max(60 * 24 * 30, "must be at most 30 days");

const settingsSchema = z.object({
  scheduleIntervalMinutes: minutes,
  retryIntervalMinutes: minutes,
}).strict().refine((s) => s.retryIntervalMinutes < s.scheduleIntervalMinutes, {
  path: ["retryIntervalMinutes"],
  message: "must be shorter than the schedule interval",
});

const toggleSchema = z.object({
  active: z.boolean({ error: "must be true or false" }),
  activateIntegration: z.boolean({ error: "must be true or false" }).optional()
    .meta({ description: "also switch the job's integration on (it must be ready to run)" }),
}).strict();

const jobNotFound = errorResponse("no such job in the caller's tenant");
const engineDown = errorResponse("the engine is not running in this instance");

function engineOf(services: Record<string, unknown> | undefined): JobEngine {
  const engine = services?.engine as JobEngine | undefined;
  if (!engine) throw new ApiError(503, "engine_unavailable", "the engine is not running in this instance");
  return engine;
}

type LockedJob = NonNullable<Awaited<ReturnType<typeof lockJob>>>;

/** Runs a change on one of the caller's jobs with its row locked, then answers with the updated card. */
async function changeJob(
  c: Context<AppEnv>,
  jobId: number,
  change: (tx: Queryable, job: LockedJob, ids: { tenantId: number; jobId: number }) => Promise<void>,
) {
  const { db } = c.get("deps");
  const ids = { tenantId: c.get("auth").tenantId, jobId };
  await db.transaction(async (tx) => {
    const job = await lockJob(tx, ids.tenantId, ids.jobId);
    if (!job) throw new ApiError(404, "not_found", "no such job");
    await change(tx, job, ids);
  });
  return c.json(await getJobCard(db, ids.tenantId, ids.jobId, cardOptions(c)));
}

export function jobRoutes() {
  const r = apiRouter("/app/etl/jobs", "jobs");

  r.route({
    method: "get",
    path: "/",
    summary: "The tenant's job cards",
    responses: {
      200: { description: "every job with its integration, steps and current run", schema: z.array(jobCard) },
    },
  }, async (c) => {
    // kept as JSON text until the tenant's jobs change (server/cache/tenant_views.ts)
    const { db } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const json = await tenantViews(db).get(
      tenantId,
      "jobs.json",
      async () => JSON.stringify(await listJobCards(db, tenantId, cardOptions(c))),
    );
    return c.body(json, 200, { "content-type": "application/json" });
  });

  r.route({
    method: "get",
    path: "/:id",
    summary: "One job card",
    params: idParams,
    responses: { 200: { description: "the job card", schema: jobCard }, 404: jobNotFound },
  }, async (c, { params }) => {
    const card = await getJobCard(c.get("deps").db, c.get("auth").tenantId, params.id, cardOptions(c));
    if (!card) throw new ApiError(404, "not_found", "no such job");
    return c.json(card);
  });

  r.route({
    method: "get",
    path: "/:id/runs",
    summary: "The job's latest runs, newest first",
    params: idParams,
    query: z.object({ limit: intText(1, 200).prefault("20").meta({ description: "how many runs (1–200)" }) }),
    responses: { 200: { description: "run summaries", schema: z.array(runSummary) }, 404: jobNotFound },
  }, async (c, { params, query }) => {
    const { db } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    if (!await getJobCard(db, tenantId, params.id)) throw new ApiError(404, "not_found", "no such job");
    return c.json(await listRuns(db, tenantId, params.id, query.limit));
  });

  r.route({
    method: "post",
    path: "/:id/run",
    summary: "Run the job now",
    roles: ["admin", "user"],
    params: idParams,
    responses: {
      202: { description: "the run started", schema: runStarted },
      404: jobNotFound,
      409: errorResponse(
        "the job is running or inactive, its integration is inactive, or this instance has no connector for it",
      ),
      503: engineDown,
    },
  }, async (c, { params }) => {
    const { db, services } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const jobId = params.id;
    const card = await getJobCard(db, tenantId, jobId, cardOptions(c));
    if (!card) throw new ApiError(404, "not_found", "no such job");
    // a job type this instance has no connector for could never run: say so instead of failing inside the engine
    const noConnector = () =>
      new ApiError(409, "no_connector", `no connector for ${providerTitle(card.integration.provider)} yet`);
    if (card.hasConnector === false) throw noConnector();
    try {
      const { runId } = await engineOf(services).startRun({ tenantId, jobId, trigger: "manual" });
      return c.json({ runId, status: "RUNNING" as const }, 202);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code && ENGINE_CONFLICTS[code]) throw new ApiError(409, code, ENGINE_CONFLICTS[code]);
      if (code === "connector_missing") throw noConnector();
      throw e;
    }
  });

  r.route(
    {
      method: "post",
      path: "/:id/toggle",
      summary: "Switch the job on or off",
      description: "Switching on a job whose integration is off answers 409 `integration_inactive` (with " +
        "`integrationId`) unless `activateIntegration` is true; the integration must then be ready to run.",
      roles: ["admin"],
      params: idParams,
      body: toggleSchema,
      responses: {
        200: { description: "the updated job card", schema: jobCard },
        400: errorResponse("a value is invalid, or the integration is not ready to run (`not_ready`)"),
        404: jobNotFound,
        409: errorResponse("the integration is inactive (`integration_inactive`, with `integrationId`)"),
      },
    },
    async (c, { params, body: { active, activateIntegration } }) =>
      await changeJob(c, params.id, async (tx, job, { tenantId, jobId }) => {
        if (active && !job.integration_active) {
          if (!activateIntegration) {
            throw new ApiError(409, "integration_inactive", "the job's integration is inactive", undefined, {
              integrationId: job.integration_id,
            });
          }
          // the integration must be ready to run (base URL, credentials, settings) before it is switched on
          const integration = await getIntegration(tx, tenantId, job.integration_id);
          if (integration) {
            requireReady(integration.provider, integration.baseUrl, integration.settings, integration.hasCredentials);
          }
          await tx.query("UPDATE integrations SET active = true, updated_at = now() WHERE id = $1 AND tenant_id = $2", [
            job.integration_id,
            tenantId,
          ]);
        }
        const next = active ? nextRunAfterChange(job, new Date()) : null;
        await tx.query(
          "UPDATE etl_jobs SET active = $3, next_run_at = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2",
          [tenantId, jobId, active, next],
        );
      }),
  );

  r.route({
    method: "post",
    path: "/:id/settings",
    summary: "Change the job's schedule and retry intervals",
    roles: ["admin"],
    params: idParams,
    body: settingsSchema,
    responses: { 200: { description: "the updated job card", schema: jobCard }, 404: jobNotFound },
  }, async (c, { params, body: settings }) =>
    await changeJob(c, params.id, async (tx, job, { tenantId, jobId }) => {
      const changed = {
        ...job,
        schedule_interval_minutes: settings.scheduleIntervalMinutes,
        retry_interval_minutes: settings.retryIntervalMinutes,
      };
      const next = job.active ? nextRunAfterChange(changed, new Date()) : null;
      await tx.query(
        `UPDATE etl_jobs SET schedule_interval_minutes = $3, retry_interval_minutes = $4,
                next_run_at = CASE WHEN status = 'RUNNING' THEN next_run_at ELSE $5 END, updated_at = now()
          WHERE tenant_id = $1 AND id = $2`,
        [tenantId, jobId, settings.scheduleIntervalMinutes, settings.retryIntervalMinutes, next],
      );
    }));

  r.route({
    method: "post",
    path: "/:id/force-pending",
    summary: "Force the job back to READY",
    description: "Fences the current run (its late messages are dropped) and makes the job ready to run again.",
    roles: ["admin"],
    params: idParams,
    responses: { 200: { description: "the updated job card", schema: jobCard }, 404: jobNotFound, 503: engineDown },
  }, async (c, { params }) => {
    const { db, services } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    if (!await getJobCard(db, tenantId, params.id)) throw new ApiError(404, "not_found", "no such job");
    await engineOf(services).forcePending({ tenantId, jobId: params.id });
    return c.json(await getJobCard(db, tenantId, params.id, cardOptions(c)));
  });

  return r.app;
}
