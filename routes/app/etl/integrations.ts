// /app/etl/integrations — read for every role; create, update, delete, toggle, credentials, connection test and
// custom-field discovery for admins. Provider settings and credentials are validated by the provider's schema
// (400 naming each field); credentials are sealed with AES-GCM before they reach the database and no response
// ever carries them back. Business rules: an integration cannot be deactivated while one of its jobs is active,
// nor deleted while a job uses it (409), and it cannot be activated before it can actually run (400).
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../server/context.ts";
import { ApiError, type FieldError } from "../../../server/http_errors.ts";
import { apiRouter } from "../../../server/api/route.ts";
import { errorResponse, idParams } from "../../../server/api/schemas.ts";
import { integrationView, runStarted } from "../../../server/api/shapes.ts";
import {
  createIntegration,
  deleteIntegration,
  getIntegration,
  getIntegrationConfig,
  getSealedCredentials,
  integrationNameTaken,
  jobsOfIntegration,
  listIntegrations,
  recordConnectionTest,
  setIntegrationCredentials,
  updateIntegration,
} from "../../../db/integrations.ts";
import { decryptSecret, encryptSecret } from "../../../server/secrets.ts";
import { providerSpec, validProviderInput as providerInput } from "../../../server/providers/index.ts";
import { JOBS, RETRY_MINUTES } from "../../../db/seed_data.ts";
import { syncCustomFields, syncCustomFieldsSpec } from "./custom_fields.ts";
import { backfillBody, backfillSpec, startFieldBackfill } from "./custom_field_backfill.ts";
import {
  active,
  connectionResult,
  createSchema,
  credentials,
  inUse,
  invalidOrNotReady,
  notFound,
  testSchema,
  updateSchema,
} from "./integration_schemas.ts";
import { sourceAddressGuard } from "../../../server/config.ts";

function invalid(fields: FieldError[]): never {
  throw new ApiError(400, "validation_failed", fields.map((f) => `${f.field}: ${f.message}`).join("; "), fields);
}

/** "Signed in as Jane, jane@x" from a successful test's user fields. */
function describeSuccess(result: { user?: Record<string, unknown> }): string {
  const u = result.user ?? {};
  const who = [u.displayName ?? u.name ?? u.login, u.emailAddress ?? u.email].filter((v) => typeof v === "string");
  return who.length ? `Signed in as ${who.join(", ")}` : "Connected";
}

async function jobsInUse(c: Context<AppEnv>, id: number) {
  const jobs = await jobsOfIntegration(c.get("deps").db, c.get("auth").tenantId, id);
  return { jobs, busy: jobs.filter((j) => j.active || j.status === "RUNNING") };
}

function busyConflict(action: string, busy: { name: string; active: boolean; status: string }[]): never {
  const names = busy.map((j) => `"${j.name}"${j.status === "RUNNING" ? " (running)" : ""}`).join(", ");
  throw new ApiError(
    409,
    "integration_in_use",
    `cannot ${action} the integration while job ${names} is active; deactivate the job first`,
    undefined,
    {
      jobs: busy.map((j) => ({ name: j.name, active: j.active, status: j.status })),
    },
  );
}

async function load(c: Context<AppEnv>, id: number) {
  const row = await getIntegrationConfig(c.get("deps").db, c.get("auth").tenantId, id);
  if (!row) throw new ApiError(404, "not_found", "no such integration");
  return row;
}

export function requireReady(
  provider: string,
  baseUrl: string | null,
  settings: Record<string, unknown>,
  hasCredentials: boolean,
) {
  const problems = providerSpec(provider).activationProblems({ baseUrl, settings, hasCredentials });
  if (problems.length) {
    throw new ApiError(400, "not_ready", problems.map((f) => `${f.field}: ${f.message}`).join("; "), problems);
  }
}

/** Two base URLs name the same place (trailing slashes and case of scheme/host aside). */
function sameUrl(a: string | null, b: string | null): boolean {
  const norm = (u: string | null) => {
    if (!u) return "";
    try {
      const url = new URL(u);
      return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
    } catch {
      return u.trim();
    }
  };
  return norm(a) === norm(b);
}

export function integrationRoutes() {
  const r = apiRouter("/app/etl/integrations", "integrations");
  r.route({
    method: "get",
    path: "/",
    summary: "The tenant's integrations",
    responses: { 200: { description: "every integration (never its credentials)", schema: z.array(integrationView) } },
  }, async (c) => c.json(await listIntegrations(c.get("deps").db, c.get("auth").tenantId)));

  r.route({
    method: "get",
    path: "/:id",
    summary: "One integration",
    params: idParams,
    responses: { 200: { description: "the integration", schema: integrationView }, 404: notFound },
  }, async (c, { params }) => {
    const row = await getIntegration(c.get("deps").db, c.get("auth").tenantId, params.id);
    if (!row) throw new ApiError(404, "not_found", "no such integration");
    return c.json(row);
  });

  r.route({
    method: "post",
    path: "/",
    summary: "Create an integration (and its job)",
    roles: ["admin"],
    body: createSchema,
    responses: {
      201: { description: "the new integration", schema: integrationView },
      400: invalidOrNotReady,
      409: errorResponse("the name is already used by another integration or job (`name_taken`)"),
    },
  }, async (c, { body }) => {
    const { db, keys } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const input = providerInput(body.provider, body.settings, body.credentials);
    if (body.active) requireReady(body.provider, body.baseUrl ?? null, input.settings, input.credentials !== undefined);
    if (await integrationNameTaken(db, tenantId, body.name)) {
      throw new ApiError(409, "name_taken", `an integration or job named "${body.name}" already exists`, [
        { field: "name", message: "already used by another integration or job" },
      ]);
    }
    const sealed = input.credentials === undefined ? null : await encryptSecret(keys.data, tenantId, input.credentials);
    const template = JOBS.find((j) => j.provider === body.provider);
    const id = await db.transaction((tx) =>
      createIntegration(tx, tenantId, {
        provider: body.provider,
        name: body.name,
        baseUrl: body.baseUrl ?? null,
        settings: input.settings,
        credentialsEnc: sealed,
        logoFilename: body.logoFilename ?? null,
        active: body.active,
      }, template && { steps: template.steps, scheduleMinutes: template.schedule, retryMinutes: RETRY_MINUTES })
    );
    return c.json(await getIntegration(db, tenantId, id), 201);
  });

  r.route({
    method: "put",
    path: "/:id",
    summary: "Change an integration",
    description: "Fields left out keep their value. Stored credentials stay with their base URL: changing `baseUrl` " +
      "needs `credentials` again.",
    roles: ["admin"],
    params: idParams,
    body: updateSchema,
    responses: {
      200: { description: "the updated integration", schema: integrationView },
      400: invalidOrNotReady,
      404: notFound,
      409: inUse,
    },
  }, async (c, { params: { id }, body }) => {
    const { db, keys } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const row = await load(c, id);
    const input = providerInput(row.provider, body.settings ?? row.settings, body.credentials);
    if (body.name !== undefined && await integrationNameTaken(db, tenantId, body.name, id)) {
      throw new ApiError(409, "name_taken", `an integration named "${body.name}" already exists`, [
        { field: "name", message: "already used by another integration" },
      ]);
    }
    const nextBaseUrl = body.baseUrl === undefined ? row.baseUrl : body.baseUrl;
    // stored credentials are only ever sent to the URL they were saved for: moving the URL needs them again
    if (row.hasCredentials && !sameUrl(nextBaseUrl, row.baseUrl) && input.credentials === undefined) {
      invalid([{ field: "credentials", message: "required again when baseUrl changes" }]);
    }
    const willBeActive = body.active ?? row.active;
    if (willBeActive) {
      requireReady(row.provider, nextBaseUrl, input.settings, row.hasCredentials || input.credentials !== undefined);
    }
    if (row.active && body.active === false) {
      const { busy } = await jobsInUse(c, id);
      if (busy.length) busyConflict("deactivate", busy);
    }
    await updateIntegration(db, tenantId, id, {
      name: body.name,
      baseUrl: body.baseUrl,
      settings: body.settings === undefined ? undefined : input.settings,
      credentialsEnc: input.credentials === undefined
        ? undefined
        : await encryptSecret(keys.data, tenantId, input.credentials),
      logoFilename: body.logoFilename,
      active: body.active,
    });
    return c.json(await getIntegration(db, tenantId, id));
  });

  r.route({
    method: "delete",
    path: "/:id",
    summary: "Delete an integration and its job",
    roles: ["admin"],
    params: idParams,
    responses: {
      200: { description: "deleted", schema: z.object({ deleted: z.literal(true), id: z.number().int() }) },
      404: notFound,
      409: inUse,
    },
  }, async (c, { params: { id } }) => {
    await load(c, id);
    const { busy } = await jobsInUse(c, id);
    if (busy.length) busyConflict("delete", busy);
    const { db } = c.get("deps");
    await db.transaction((tx) => deleteIntegration(tx, c.get("auth").tenantId, id));
    return c.json({ deleted: true as const, id });
  });

  r.route({
    method: "post",
    path: "/:id/toggle",
    summary: "Switch an integration on or off",
    roles: ["admin"],
    params: idParams,
    body: z.object({ active }).strict(),
    responses: {
      200: { description: "the updated integration", schema: integrationView },
      400: invalidOrNotReady,
      404: notFound,
      409: inUse,
    },
  }, async (c, { params: { id }, body: { active } }) => {
    const row = await load(c, id);
    if (active) requireReady(row.provider, row.baseUrl, row.settings, row.hasCredentials);
    else {
      const { busy } = await jobsInUse(c, id);
      if (busy.length) busyConflict("deactivate", busy);
    }
    await updateIntegration(c.get("deps").db, c.get("auth").tenantId, id, { active });
    return c.json(await getIntegration(c.get("deps").db, c.get("auth").tenantId, id));
  });

  r.route({
    method: "put",
    path: "/:id/credentials",
    summary: "Replace an integration's credentials",
    roles: ["admin"],
    params: idParams,
    body: credentials,
    responses: {
      200: { description: "the integration (credentials are never returned)", schema: integrationView },
      404: notFound,
    },
  }, async (c, { params: { id }, body: raw }) => {
    const row = await load(c, id);
    const { credentials } = providerInput(row.provider, row.settings, raw);
    const { db, keys } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    await setIntegrationCredentials(db, tenantId, id, await encryptSecret(keys.data, tenantId, credentials));
    return c.json(await getIntegration(db, tenantId, id));
  });

  // One cheap call against the source with the stored (or the supplied, not yet saved) configuration.
  r.route({
    method: "post",
    path: "/:id/test",
    summary: "Test the connection with one cheap call",
    description: "Uses the stored configuration, or the supplied one (not saved). Source failures are `ok: false` " +
      "with the reason, never an error status.",
    roles: ["admin"],
    params: idParams,
    body: testSchema,
    responses: {
      200: { description: "the outcome", schema: connectionResult },
      400: errorResponse("a value is invalid, something needed is missing, or the provider has no connection test"),
      404: notFound,
    },
  }, async (c, { params: { id }, body }) => {
    const row = await load(c, id);
    const spec = providerSpec(row.provider);
    if (!spec.testConnection) {
      throw new ApiError(400, "not_supported", `connection tests are not available for ${row.provider} integrations`);
    }
    const input = providerInput(row.provider, body.settings ?? row.settings, body.credentials);
    const { db, keys } = c.get("deps");
    const tenantId = c.get("auth").tenantId;
    const target = body.baseUrl === undefined ? row.baseUrl : body.baseUrl;
    let credentials = input.credentials;
    if (credentials === undefined && !sameUrl(target, row.baseUrl)) {
      invalid([{
        field: "credentials",
        message: "supply credentials to test another base URL (stored ones stay with the saved URL)",
      }]);
    }
    if (credentials === undefined) {
      const sealed = await getSealedCredentials(db, tenantId, id);
      if (!sealed) invalid([{ field: "credentials", message: "no credentials are stored; supply them to test" }]);
      try {
        credentials = await decryptSecret(keys.data, tenantId, sealed);
      } catch (e) {
        return c.json({ ok: false, provider: row.provider, error: (e as Error).message });
      }
    }
    if (!target) invalid([{ field: "baseUrl", message: "the integration has no base URL; supply one to test" }]);
    const started = performance.now();
    const result = await spec.testConnection({
      baseUrl: target,
      settings: input.settings,
      credentials,
      addressGuard: sourceAddressGuard(c.get("deps").config),
    });
    const latencyMs = Math.round(performance.now() - started);
    // the outcome of the saved configuration is kept for the Integrations page (a test of unsaved values is not)
    const saved = body.baseUrl === undefined && body.settings === undefined && body.credentials === undefined;
    if (saved) {
      const message = result.ok ? describeSuccess(result) : result.error ?? "failed";
      await recordConnectionTest(db, tenantId, id, { ok: result.ok, message, latencyMs });
    }
    return c.json({ provider: row.provider, latencyMs, saved, ...result });
  });

  r.route({
    method: "post",
    path: "/:id/custom-fields/sync",
    ...syncCustomFieldsSpec,
    roles: ["admin"],
    params: idParams,
  }, (c, { params }) => syncCustomFields(c, params.id));

  r.route({
    method: "post",
    path: "/:id/custom-fields/backfill",
    ...backfillSpec,
    roles: ["admin"],
    params: idParams,
    body: backfillBody,
  }, (c, { params, body }) => startFieldBackfill(c, params.id, body.fields));

  // Re-runs transform + load (and embed) for the integration from its stored raw pages, without calling the source
  // (after a mapping change). Runs as the integration's job, through the engine's queues.
  r.route({
    method: "post",
    path: "/:id/retransform",
    summary: "Rebuild the integration's data from its stored raw pages",
    description: "Runs transform and load again (after a mapping change) without calling the source, as the " +
      "integration's job, through the engine's queues.",
    roles: ["admin"],
    params: idParams,
    responses: {
      202: { description: "the re-transform run started", schema: runStarted },
      404: notFound,
      409: errorResponse("the job is running, or the integration has no job"),
      503: errorResponse("the engine is not running in this instance"),
    },
  }, async (c, { params: { id } }) => {
    await load(c, id);
    const engine = c.get("deps").services?.engine as
      | { startRetransform(r: { tenantId: number; integrationId: number }): Promise<{ runId: number }> }
      | undefined;
    if (!engine) throw new ApiError(503, "engine_unavailable", "the engine is not running in this instance");
    try {
      const { runId } = await engine.startRetransform({ tenantId: c.get("auth").tenantId, integrationId: id });
      return c.json({ runId, status: "RUNNING" as const }, 202);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "job_running") throw new ApiError(409, code, "the integration's job is running; try again after it");
      if (code === "job_not_found") {
        throw new ApiError(409, "no_job", "the integration has no job to re-transform with");
      }
      throw e;
    }
  });
  return r.app;
}
