// Jira custom fields: the discovered catalogue, discovery itself (POST /integrations/:id/custom-fields/sync) and the
// mapping of an integration — four special slots (team, sprints, development, story points) and twenty generic
// slots feeding work_items.custom_field_01..20. Mapping writes are admin-only and every field id must belong to the
// integration (and so the tenant); a change takes effect on the next sync or re-transform.
import { Hono } from "hono";
import type { Context } from "hono";
import type { Queryable } from "../../../db/port.ts";
import { z } from "zod";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError, type FieldError, idParam, parseJson } from "../../../server/http_errors.ts";
import { requireWriteRole } from "../../../server/auth/middleware.ts";
import { getIntegrationConfig, getSealedCredentials } from "../../../db/integrations.ts";
import { decryptSecret } from "../../../server/secrets.ts";
import { JiraConfigError, readJiraSettings } from "../../../engine/connectors/jira/settings.ts";
import { jiraClientFor } from "../../../engine/connectors/jira/client/factory.ts";
import { discoverCustomFields, loadCatalogue } from "../../../engine/connectors/jira/extract/custom_fields.ts";
import { GENERIC_SLOTS, SLOT_COLUMNS, SPECIAL_SLOTS } from "../../../engine/connectors/jira/load/field_mapping.ts";
import { SourceError } from "../../../engine/http/errors.ts";
import { TEST_HTTP } from "../../../server/providers/types.ts";

const SLOTS = [...SPECIAL_SLOTS, ...GENERIC_SLOTS];

/** ?integrationId= of a Jira integration of the caller's tenant. */
async function jiraIntegration(c: Context<AppEnv>, id: number) {
  const row = await getIntegrationConfig(c.get("deps").db, c.get("auth").tenantId, id);
  if (!row) throw new ApiError(404, "not_found", "no such integration");
  if (row.provider !== "jira") {
    throw new ApiError(400, "validation_failed", "custom fields exist for Jira integrations only", [
      { field: "integrationId", message: `integration ${id} is a ${row.provider} integration` },
    ]);
  }
  return row;
}

function queryIntegrationId(c: Context<AppEnv>): number {
  const raw = c.req.query("integrationId");
  if (!raw || !/^\d{1,10}$/.test(raw) || Number(raw) <= 0) {
    throw new ApiError(400, "validation_failed", "integrationId: a positive integer is required", [
      { field: "integrationId", message: "a positive integer is required" },
    ]);
  }
  return Number(raw);
}

/** POST /app/etl/integrations/:id/custom-fields/sync */
export async function syncCustomFieldsRoute(c: Context<AppEnv>) {
  const id = idParam(c);
  const row = await jiraIntegration(c, id);
  const { db, keys } = c.get("deps");
  const tenantId = c.get("auth").tenantId;
  const sealed = await getSealedCredentials(db, tenantId, id);
  if (!sealed) {
    throw new ApiError(400, "not_ready", "credentials: set credentials before discovering fields", [
      { field: "credentials", message: "set credentials before discovering fields" },
    ]);
  }
  try {
    const settings = readJiraSettings(row.settings);
    if (settings.projectKeys.length === 0) {
      throw new ApiError(400, "not_ready", "settings.projectKeys: list the Jira projects to discover fields for", [
        { field: "settings.projectKeys", message: "list the Jira projects to discover fields for" },
      ]);
    }
    const client = jiraClientFor(row.baseUrl, settings, await decryptSecret(keys.data, tenantId, sealed), {
      ...TEST_HTTP,
      maxAttempts: 3,
      timeoutMs: 30_000,
    });
    const scope = { tenantId, integrationId: id };
    const discovery = await discoverCustomFields(client, settings.projectKeys, db, scope);
    const loaded = await db.transaction((tx) => loadCatalogue({ ...scope, tx }, discovery));
    return c.json({
      integrationId: id,
      projectKeys: discovery.projectKeys,
      missingProjectKeys: discovery.missingProjectKeys,
      projects: discovery.projects,
      fields: loaded.fields,
      written: loaded.written,
      autoMapped: loaded.autoMapped,
      requests: client.requestsMade,
    });
  } catch (e) {
    if (e instanceof SourceError) throw new ApiError(502, "source_error", e.message);
    if (e instanceof JiraConfigError) throw new ApiError(400, "not_ready", e.message);
    throw e;
  }
}

const mappingSchema = z.object({
  mappings: z.object(Object.fromEntries(SLOTS.map((s) => [s, z.number().int().positive().nullable().optional()])))
    .strict(),
}).strict();

export function customFieldRoutes() {
  const app = new Hono<AppEnv>();
  app.use("*", requireWriteRole("admin"));

  app.get("/", async (c) => {
    const id = queryIntegrationId(c);
    await jiraIntegration(c, id);
    const fields = await c.get("deps").db.query(
      `SELECT id, external_id AS "externalId", name, field_type AS "fieldType", operations, active
         FROM custom_fields WHERE tenant_id = $1 AND integration_id = $2 ORDER BY lower(name), external_id`,
      [c.get("auth").tenantId, id],
    );
    return c.json({ integrationId: id, fields });
  });

  app.get("/mappings", async (c) => {
    const id = queryIntegrationId(c);
    await jiraIntegration(c, id);
    return c.json({ integrationId: id, mappings: await readMappings(c.get("deps").db, c.get("auth").tenantId, id) });
  });

  app.put("/mappings", async (c) => {
    const id = queryIntegrationId(c);
    await jiraIntegration(c, id);
    const { mappings } = await parseJson(c, mappingSchema);
    const { db } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const wanted = [...new Set(Object.values(mappings).filter((v): v is number => typeof v === "number"))];
    const owned = new Set(
      (await db.query<{ id: number }>(
        "SELECT id FROM custom_fields WHERE tenant_id = $1 AND integration_id = $2 AND active AND id = ANY($3::int[])",
        [tenantId, id, wanted],
      )).map((r) => Number(r.id)),
    );
    const fields: FieldError[] = Object.entries(mappings)
      .filter(([, v]) => typeof v === "number" && !owned.has(v))
      .map(([slot, v]) => ({
        field: `mappings.${slot}`,
        message: `custom field ${v} does not belong to this integration`,
      }));
    if (fields.length) {
      throw new ApiError(400, "validation_failed", fields.map((f) => `${f.field}: ${f.message}`).join("; "), fields);
    }
    // PUT replaces the whole row: a slot left out is cleared
    const columns = SLOTS.map((s) => SLOT_COLUMNS[s]);
    const values = SLOTS.map((s) => mappings[s] ?? null);
    await db.query(
      `INSERT INTO custom_fields_mappings (tenant_id, integration_id, ${columns.join(", ")})
       VALUES ($1, $2, ${columns.map((_, i) => `$${i + 3}`).join(", ")})
       ON CONFLICT (tenant_id, integration_id) DO UPDATE SET ${
        columns.map((col) => `${col} = EXCLUDED.${col}`).join(", ")
      }, updated_at = now()`,
      [tenantId, id, ...values],
    );
    return c.json({ integrationId: id, mappings: await readMappings(c.get("deps").db, c.get("auth").tenantId, id) });
  });
  return app;
}

/** slot → {id, externalId, name} of the mapped field, or null. */
export async function readMappings(db: Queryable, tenantId: number, id: number) {
  const selects = SLOTS.map((slot) =>
    `(SELECT json_build_object('id', cf.id, 'externalId', cf.external_id, 'name', cf.name)
        FROM custom_fields cf WHERE cf.id = m.${SLOT_COLUMNS[slot]}) AS "${slot}"`
  );
  const [row] = await db.query<Record<string, unknown>>(
    `SELECT ${selects.join(", ")} FROM custom_fields_mappings m WHERE m.tenant_id = $1 AND m.integration_id = $2`,
    [tenantId, id],
  );
  return Object.fromEntries(SLOTS.map((s) => [s, parseJsonColumn(row?.[s])]));
}

function parseJsonColumn(value: unknown) {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? JSON.parse(value) : value;
}
