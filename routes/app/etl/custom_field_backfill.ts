// Back-fill of newly mapped custom fields (issue #12): POST /app/etl/integrations/:id/custom-fields/backfill with
// `{fields: ["customfield_10050", …]}` starts a run of the integration's job that asks Jira for those fields only
// and writes just the columns they are mapped to. Every field must be mapped now on this integration (a field that
// is not would load nothing), and the mapping PUT says which fields need it (`effect`, `backfillFields`).
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError, type FieldError } from "../../../server/http_errors.ts";
import { errorResponse } from "../../../server/api/schemas.ts";
import { runStarted } from "../../../server/api/shapes.ts";
import { loadFieldMapping } from "../../../engine/connectors/jira/load/field_mapping.ts";
import { getIntegrationConfig } from "../../../db/integrations.ts";

export const backfillBody = z.object({
  fields: z.array(z.string().trim().min(1).max(255)).min(1).max(24)
    .meta({ description: "Jira field ids (e.g. customfield_10050) mapped on this integration" }),
}).strict();

export const backfillSpec = {
  summary: "Back-fill newly mapped custom fields",
  description: "Starts a run of the integration's job that asks Jira only for these fields (an ids-only search " +
    "and bulk fetches of the fields) and loads only the work item columns they are mapped to.",
  responses: {
    202: { description: "the back-fill run started", schema: runStarted },
    400: errorResponse("a field is not mapped on this integration, or it is not a Jira integration"),
    404: errorResponse("no such integration in the caller's tenant"),
    409: errorResponse("the job is running, or the integration has no job"),
    503: errorResponse("the engine is not running in this instance"),
  },
};

interface BackfillEngine {
  startBackfill(r: { tenantId: number; integrationId: number; fields: string[] }): Promise<{ runId: number }>;
}

export async function startFieldBackfill(c: Context<AppEnv>, id: number, fields: string[]) {
  const { db, services } = c.get("deps");
  const tenantId = c.get("auth").tenantId;
  const row = await getIntegrationConfig(db, tenantId, id);
  if (!row) throw new ApiError(404, "not_found", "no such integration");
  if (row.provider !== "jira") {
    throw new ApiError(400, "validation_failed", "custom fields exist for Jira integrations only", [
      { field: "params.id", message: `integration ${id} is a ${row.provider} integration` },
    ]);
  }
  const mapping = await loadFieldMapping(db, tenantId, id);
  const mapped = new Set(
    [mapping.team, mapping.sprints, mapping.storyPoints, mapping.development, ...mapping.generic.map((g) => g[1])]
      .filter((f): f is string => !!f),
  );
  const errors: FieldError[] = fields.flatMap((f, i) =>
    mapped.has(f) ? [] : [{ field: `fields.${i}`, message: `${f} is not mapped on this integration` }]
  );
  if (errors.length) {
    throw new ApiError(400, "validation_failed", errors.map((e) => `${e.field}: ${e.message}`).join("; "), errors);
  }
  const engine = services?.engine as BackfillEngine | undefined;
  if (!engine) throw new ApiError(503, "engine_unavailable", "the engine is not running in this instance");
  try {
    const { runId } = await engine.startBackfill({ tenantId, integrationId: id, fields: [...new Set(fields)] });
    return c.json({ runId, status: "RUNNING" as const }, 202);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "job_running") throw new ApiError(409, code, "the integration's job is running; try again after it");
    if (code === "integration_not_found") throw new ApiError(409, "no_job", "the integration has no job to run");
    throw e;
  }
}
