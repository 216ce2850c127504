// Jira custom fields: the discovered catalogue, discovery itself (POST /integrations/:id/custom-fields/sync) and the
// mapping of an integration — four special slots (team, sprints, development, story points) and twenty generic
// slots feeding work_items.custom_field_01..20. Mapping writes are admin-only and every field id must belong to the
// integration (and so the tenant); a change takes effect on the next sync or re-transform.
import type { Context } from "hono";
import type { Queryable } from "../../../db/port.ts";
import { z } from "zod";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError, type FieldError } from "../../../server/http_errors.ts";
import { apiRouter } from "../../../server/api/route.ts";
import { errorResponse, id, idText } from "../../../server/api/schemas.ts";
import { getIntegrationConfig, getSealedCredentials } from "../../../db/integrations.ts";
import { decryptSecret } from "../../../server/secrets.ts";
import { JiraConfigError, readJiraSettings } from "../../../engine/connectors/jira/settings.ts";
import { jiraClientFor } from "../../../engine/connectors/jira/client/factory.ts";
import { discoverCustomFields, loadCatalogue } from "../../../engine/connectors/jira/extract/custom_fields.ts";
import { GENERIC_SLOTS, SLOT_COLUMNS, SPECIAL_SLOTS } from "../../../engine/connectors/jira/load/field_mapping.ts";
import { SourceError } from "../../../engine/http/errors.ts";
import { TEST_HTTP } from "../../../server/providers/types.ts";
import { changeEffect, type FieldRef } from "../../../components/fields/effect.ts";
import { sourceAddressGuard } from "../../../server/config.ts";

const SLOTS = [...SPECIAL_SLOTS, ...GENERIC_SLOTS];

/** ?integrationId= of a Jira integration of the caller's tenant. */
async function jiraIntegration(c: Context<AppEnv>, id: number) {
  const row = await getIntegrationConfig(c.get("deps").db, c.get("auth").tenantId, id);
  if (!row) throw new ApiError(404, "not_found", "no such integration");
  if (row.provider !== "jira") {
    throw new ApiError(400, "validation_failed", "custom fields exist for Jira integrations only", [
      { field: "query.integrationId", message: `integration ${id} is a ${row.provider} integration` },
    ]);
  }
  return row;
}

const discoveryResult = z.object({
  integrationId: z.number().int(),
  projectKeys: z.array(z.string()),
  missingProjectKeys: z.array(z.string()).meta({ description: "asked for but not visible to the credentials" }),
  projects: z.number().int().min(0),
  fields: z.number().int().min(0),
  written: z.number().int().min(0),
  autoMapped: z.record(z.string(), z.string()).meta({ description: "special slots filled because they were empty" }),
  requests: z.number().int().min(0),
});

/** The route spec of POST /app/etl/integrations/:id/custom-fields/sync (declared in integrations.ts). */
export const syncCustomFieldsSpec = {
  summary: "Discover the Jira integration's custom fields",
  description: "Reads the projects' create screens and the field list from Jira, stores the catalogue and fills " +
    "empty special slots (sprints, story points, team, development).",
  responses: {
    200: { description: "what was discovered", schema: discoveryResult },
    400: errorResponse("not a Jira integration, or not ready (credentials, projects)"),
    404: errorResponse("no such integration in the caller's tenant"),
    502: errorResponse("Jira answered with an error"),
  },
};

/** POST /app/etl/integrations/:id/custom-fields/sync */
export async function syncCustomFields(c: Context<AppEnv>, id: number) {
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
      addressGuard: sourceAddressGuard(c.get("deps").config),
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
    if (e instanceof SourceError) throw new ApiError(502, "source_error", e.bodiless);
    if (e instanceof JiraConfigError) throw new ApiError(400, "not_ready", e.message);
    throw e;
  }
}

const mappingSchema = z.object({
  mappings: z.object(Object.fromEntries(SLOTS.map((s) => [s, id.nullable().optional()]))).strict()
    .meta({ description: "slot → custom field id (null or left out: not mapped)" }),
}).strict();

const integrationQuery = z.object({ integrationId: idText });
const notFound = errorResponse("no such integration in the caller's tenant");
const notJira = errorResponse("a value is invalid, or the integration is not a Jira one");

const catalogue = z.object({
  integrationId: z.number().int(),
  fields: z.array(z.object({
    id: z.number().int(),
    externalId: z.string(),
    name: z.string(),
    fieldType: z.string(),
    operations: z.array(z.string()),
    active: z.boolean(),
  })),
});

const mappedField = z.object({ id: z.number().int(), externalId: z.string(), name: z.string() }).nullable();
const mappingView = z.object({
  integrationId: z.number().int(),
  mappings: z.object(Object.fromEntries(SLOTS.map((s) => [s, mappedField]))),
});
const savedMapping = mappingView.extend({
  effect: z.enum(["none", "retransform", "backfill"]).meta({
    description: "what the loaded items need to show the change: nothing, a re-transform (the fields are in the " +
      "stored pages) or a back-fill (a field mapped for the first time was never requested)",
  }),
  backfillFields: z.array(z.string()).meta({ description: "Jira field ids to back-fill (effect = backfill)" }),
});

export function customFieldRoutes() {
  const r = apiRouter("/app/etl/custom-fields", "custom fields");

  r.route({
    method: "get",
    path: "/",
    summary: "The discovered custom fields of a Jira integration",
    query: integrationQuery,
    responses: { 200: { description: "the catalogue", schema: catalogue }, 400: notJira, 404: notFound },
  }, async (c, { query }) => {
    const id = query.integrationId;
    await jiraIntegration(c, id);
    const fields = await c.get("deps").db.query(
      `SELECT id, external_id AS "externalId", name, field_type AS "fieldType", operations, active
         FROM custom_fields WHERE tenant_id = $1 AND integration_id = $2 ORDER BY lower(name), external_id`,
      [c.get("auth").tenantId, id],
    );
    return c.json({ integrationId: id, fields });
  });

  r.route({
    method: "get",
    path: "/mappings",
    summary: "The integration's custom field mapping",
    query: integrationQuery,
    responses: { 200: { description: "every slot and its field", schema: mappingView }, 400: notJira, 404: notFound },
  }, async (c, { query }) => {
    const id = query.integrationId;
    await jiraIntegration(c, id);
    return c.json({ integrationId: id, mappings: await readMappings(c.get("deps").db, c.get("auth").tenantId, id) });
  });

  r.route({
    method: "put",
    path: "/mappings",
    summary: "Replace the integration's custom field mapping",
    description: "A slot left out is cleared. Every field id must belong to the integration. Takes effect on the " +
      "next sync or re-transform.",
    roles: ["admin"],
    query: integrationQuery,
    body: mappingSchema,
    responses: { 200: { description: "the saved mapping", schema: savedMapping }, 400: notJira, 404: notFound },
  }, async (c, { query, body: { mappings } }) => {
    const id = query.integrationId;
    await jiraIntegration(c, id);
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
    const before = await readMappings(db, tenantId, id);
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
    const after = await readMappings(db, tenantId, id);
    const slots = SLOTS.map((slot) => ({ slot, label: slot, special: false, field: null }));
    const { effect, backfillFields } = changeEffect(
      slots,
      before as Record<string, FieldRef | null>,
      after as Record<string, FieldRef | null>,
    );
    return c.json({ integrationId: id, mappings: after, effect, backfillFields });
  });
  return r.app;
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
