// POST /app/etl/vocabulary/preview and /apply — the same change body (status names → workflow step, source type
// names → normalized type). Preview computes what the change does inside a transaction that is always rolled back,
// so nothing is kept; apply saves the same change (the same writer) and starts a re-transform of
// the integration from its stored raw pages (no source calls), whose progress shows on the job card.
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../../server/context.ts";
import { apiRouter } from "../../../../server/api/route.ts";
import { errorResponse } from "../../../../server/api/schemas.ts";
import { ApiError } from "../../../../server/http_errors.ts";
import { type Change, changeBody, changeEffect, type Effect, effectBody, saveChange } from "./effect.ts";
import { dbOf, invalidField, notFound, requireIntegration, tenantOf } from "./common.ts";

class RolledBack extends Error {
  constructor(readonly effect: Effect) {
    super("preview rolled back");
  }
}

/** Every target named in the change belongs to the integration. */
async function checkChange(c: Context<AppEnv>, change: Change) {
  const db = dbOf(c);
  const tenantId = tenantOf(c);
  await requireIntegration(db, tenantId, change.integrationId, "integrationId");
  const steps = (change.statuses ?? []).map((s) => s.workflowId).filter((v): v is number => v !== null);
  const types = (change.wits ?? []).map((w) => w.witTypeId).filter((v): v is number => v !== null);
  const edited = (change.workflows ?? []).map((w) => w.id);
  const found = await db.query<{ kind: string; id: number }>(
    `SELECT 'step' AS kind, id FROM workflows WHERE tenant_id = $1 AND integration_id = $2 AND active
        AND (id = ANY($3::int[]) OR id = ANY($5::int[]))
     UNION ALL SELECT 'type', id FROM wit_types WHERE tenant_id = $1 AND integration_id = $2 AND id = ANY($4::int[])`,
    [tenantId, change.integrationId, steps, types, edited],
  );
  const known = new Set(found.map((f) => `${f.kind}:${f.id}`));
  (change.statuses ?? []).forEach((s, i) => {
    if (s.workflowId !== null && !known.has(`step:${s.workflowId}`)) {
      invalidField(`statuses.${i}.workflowId`, "no such workflow step in this integration");
    }
  });
  (change.wits ?? []).forEach((w, i) => {
    if (w.witTypeId !== null && !known.has(`type:${w.witTypeId}`)) {
      invalidField(`wits.${i}.witTypeId`, "no such work item type in this integration");
    }
  });
  (change.workflows ?? []).forEach((w, i) => {
    if (!known.has(`step:${w.id}`)) invalidField(`workflows.${i}.id`, "no such workflow step in this integration");
  });
  if (!change.statuses?.length && !change.wits?.length && !change.workflows?.length) {
    invalidField("statuses", "name at least one change");
  }
}

interface RetransformEngine {
  startRetransform(r: { tenantId: number; integrationId: number }): Promise<{ runId: number }>;
}

export function vocabularyChangeRoutes() {
  const r = apiRouter("/app/etl/vocabulary", "vocabulary");

  r.route({
    method: "post",
    path: "/preview",
    summary: "What a mapping change would do to the stored work items and flow metrics (nothing is saved)",
    body: changeBody,
    responses: { 200: { description: "the effect", schema: effectBody }, 404: notFound },
  }, async (c, { body }) => {
    await checkChange(c, body);
    try {
      await dbOf(c).transaction(async (tx) => {
        throw new RolledBack(await changeEffect(dbOf(c), tx, tenantOf(c), body));
      });
    } catch (e) {
      if (e instanceof RolledBack) return c.json(e.effect);
      throw e;
    }
    throw new Error("unreachable: the preview transaction always rolls back");
  });

  r.route({
    method: "post",
    path: "/apply",
    summary: "Save a mapping change and re-transform the integration from its stored raw pages",
    roles: ["admin"],
    body: changeBody,
    responses: {
      202: {
        description: "saved; the re-transform run started",
        schema: z.object({ runId: z.number().int() }),
      },
      404: notFound,
      409: errorResponse("the integration's job is running, or the integration has no job"),
      503: errorResponse("the engine is not running in this instance"),
    },
  }, async (c, { body }) => {
    await checkChange(c, body);
    const engine = c.get("deps").services?.engine as RetransformEngine | undefined;
    if (!engine) throw new ApiError(503, "engine_unavailable", "the engine is not running in this instance");
    const tenantId = tenantOf(c);
    const [job] = await dbOf(c).query<{ status: string }>(
      "SELECT status FROM etl_jobs WHERE tenant_id = $1 AND integration_id = $2 ORDER BY id LIMIT 1",
      [tenantId, body.integrationId],
    );
    if (!job) throw new ApiError(409, "no_job", "the integration has no job to re-transform with");
    if (job.status === "RUNNING" || job.status === "RATE_LIMITED") {
      throw new ApiError(409, "job_running", "the integration's job is running; apply after it ends");
    }
    // the preview already showed the effect; apply only saves (fast at any size) and lets the re-transform work
    await dbOf(c).transaction((tx) => saveChange(tx, tenantId, body));
    try {
      const { runId } = await engine.startRetransform({ tenantId, integrationId: body.integrationId });
      return c.json({ runId }, 202);
    } catch (e) {
      // the job started between the check and now: the change is saved, the re-transform has to wait
      if ((e as { code?: string }).code !== "job_running") throw e;
      throw new ApiError(409, "job_running", "saved; the job started meanwhile: re-transform after it ends");
    }
  });

  return r.app;
}
