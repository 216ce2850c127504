// /app/etl/jobs — job cards, run now, on/off, intervals, force-pending, run history. Every role reads; running
// needs user or admin; configuration needs admin. Another tenant's job id is simply not found.
import { Hono } from "hono";
import type { Context } from "hono";
import type { Queryable } from "../../../db/port.ts";
import { z } from "zod";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError, idParam, parseJson } from "../../../server/http_errors.ts";
import { requireRole } from "../../../server/auth/middleware.ts";
import { getIntegration } from "../../../db/integrations.ts";
import { requireReady } from "./integrations.ts";
import { getJobCard, listJobCards, listRuns, lockJob, nextRunAfterChange } from "../../../db/jobs.ts";
import { installedJobTypes } from "../../../server/engine_services.ts";
import { providerTitle } from "../../../components/jobs/providers.ts";

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

const settingsSchema = z.object({
  scheduleIntervalMinutes: z.number({ error: "must be a number of minutes" }).int("must be whole minutes")
    .min(1, "must be at least 1 minute").max(60 * 24 * 30, "must be at most 30 days"),
  retryIntervalMinutes: z.number({ error: "must be a number of minutes" }).int("must be whole minutes")
    .min(1, "must be at least 1 minute"),
}).refine((s) => s.retryIntervalMinutes < s.scheduleIntervalMinutes, {
  path: ["retryIntervalMinutes"],
  message: "must be shorter than the schedule interval",
});

const toggleSchema = z.object({
  active: z.boolean({ error: "must be true or false" }),
  activateIntegration: z.boolean().optional(),
});

function engineOf(services: Record<string, unknown> | undefined): JobEngine {
  const engine = services?.engine as JobEngine | undefined;
  if (!engine) throw new ApiError(503, "engine_unavailable", "the engine is not running in this instance");
  return engine;
}

type LockedJob = NonNullable<Awaited<ReturnType<typeof lockJob>>>;

/** Runs a change on one of the caller's jobs with its row locked, then answers with the updated card. */
async function changeJob(
  c: Context<AppEnv>,
  change: (tx: Queryable, job: LockedJob, ids: { tenantId: number; jobId: number }) => Promise<void>,
) {
  const { db } = c.get("deps");
  const ids = { tenantId: c.get("auth").tenantId, jobId: idParam(c) };
  await db.transaction(async (tx) => {
    const job = await lockJob(tx, ids.tenantId, ids.jobId);
    if (!job) throw new ApiError(404, "not_found", "no such job");
    await change(tx, job, ids);
  });
  return c.json(await getJobCard(db, ids.tenantId, ids.jobId, cardOptions(c)));
}

export function jobRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", async (c) => c.json(await listJobCards(c.get("deps").db, c.get("auth").tenantId, cardOptions(c))));

  app.get("/:id", async (c) => {
    const card = await getJobCard(c.get("deps").db, c.get("auth").tenantId, idParam(c), cardOptions(c));
    if (!card) throw new ApiError(404, "not_found", "no such job");
    return c.json(card);
  });

  app.get("/:id/runs", async (c) => {
    const { db } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const id = idParam(c);
    if (!await getJobCard(db, tenantId, id)) throw new ApiError(404, "not_found", "no such job");
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 20) || 20, 1), 200);
    return c.json(await listRuns(db, tenantId, id, limit));
  });

  app.post("/:id/run", requireRole("admin", "user"), async (c) => {
    const { db, services } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const jobId = idParam(c);
    const card = await getJobCard(db, tenantId, jobId, cardOptions(c));
    if (!card) throw new ApiError(404, "not_found", "no such job");
    // a job type this instance has no connector for could never run: say so instead of failing inside the engine
    if (card.hasConnector === false) {
      throw new ApiError(409, "no_connector", `no connector for ${providerTitle(card.integration.provider)} yet`);
    }
    try {
      const { runId } = await engineOf(services).startRun({ tenantId, jobId, trigger: "manual" });
      return c.json({ runId, status: "RUNNING" }, 202);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code && ENGINE_CONFLICTS[code]) throw new ApiError(409, code, ENGINE_CONFLICTS[code]);
      if (code === "connector_missing") {
        throw new ApiError(409, "no_connector", `no connector for ${providerTitle(card.integration.provider)} yet`);
      }
      throw e;
    }
  });

  app.post("/:id/toggle", requireRole("admin"), async (c) => {
    const { active, activateIntegration } = await parseJson(c, toggleSchema);
    return await changeJob(c, async (tx, job, { tenantId, jobId }) => {
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
    });
  });

  app.post("/:id/settings", requireRole("admin"), async (c) => {
    const settings = await parseJson(c, settingsSchema);
    return await changeJob(c, async (tx, job, { tenantId, jobId }) => {
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
    });
  });

  app.post("/:id/force-pending", requireRole("admin"), async (c) => {
    const { db, services } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const jobId = idParam(c);
    if (!await getJobCard(db, tenantId, jobId)) throw new ApiError(404, "not_found", "no such job");
    await engineOf(services).forcePending({ tenantId, jobId });
    return c.json(await getJobCard(db, tenantId, jobId, cardOptions(c)));
  });

  return app;
}
