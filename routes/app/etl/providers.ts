// GET /app/etl/providers — what the Integrations page needs to offer every provider the server registers: its
// name, description and logo, whether this instance has a connector for it and can test a connection, and the form
// to create or edit one, as JSON Schema built from the same zod schemas the API validates with (titles, help and
// defaults from their `.meta()`), so the browser renders the form without zod and the server stays authoritative.
import { z } from "zod";
import { apiRouter } from "../../../server/api/route.ts";
import { commonErrors } from "../../../server/api/schemas.ts";
import { PROVIDER_NAMES, providerSpec, validProviderInput } from "../../../server/providers/index.ts";
import { ApiError } from "../../../server/http_errors.ts";
import { connectionResult } from "./integration_schemas.ts";
import type { ProviderSpec } from "../../../server/providers/types.ts";
import { formSchema } from "../../../server/ui/form_schema.ts";
import { installedJobTypes } from "../../../server/engine_services.ts";
import { integrationLogo } from "../../pages/logo_luminance.ts";
import { providerTitle } from "../../../components/jobs/providers.ts";
import type { ProviderSummary } from "../../../components/integrations/types.ts";
import { sourceAddressGuard } from "../../../server/config.ts";

export const integrationName = z.string().trim().min(1, "required").max(100, "at most 100 characters").meta({
  title: "Name",
  description: "Shown on the integration and its job card; unique in the tenant.",
});

/** The create/edit form of an integration of this provider. */
export function integrationForm(spec: ProviderSpec) {
  const url = spec.display?.baseUrl;
  return formSchema(z.object({
    name: integrationName,
    baseUrl: z.string().trim().max(2000).optional().meta({
      title: url?.title ?? "Base URL",
      description: url?.description ?? "The address of the source's API.",
      placeholder: url?.placeholder,
      format: "uri",
      ...(url?.default ? { default: url.default } : {}),
    }),
    settings: spec.settings.meta({ title: "What to read" }),
    credentials: spec.credentials.meta({
      title: "Credentials",
      description: "Stored encrypted and never shown again; only sent to the base URL they were saved with.",
      secret: true,
    }),
  }));
}

const providerBody = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  logo: z.object({ src: z.string(), invertInDark: z.boolean() }),
  logoFile: z.string().nullable(),
  hasConnector: z.boolean().nullable(),
  testable: z.boolean(),
  form: z.record(z.string(), z.unknown()),
});

/** Every registered provider as the Integrations page shows it (no form: `integrationForm` adds that). */
export function providerSummaries(jobTypes: string[] | null): Promise<ProviderSummary[]> {
  return Promise.all(PROVIDER_NAMES.map(async (name) => {
    const spec = providerSpec(name);
    const logoFile = spec.display?.logo ?? null;
    return {
      name,
      title: spec.display?.title ?? providerTitle(name),
      description: spec.display?.description ?? "",
      logo: await integrationLogo(logoFile),
      logoFile,
      hasConnector: jobTypes ? jobTypes.includes(name) : null,
      testable: typeof spec.testConnection === "function",
    };
  }));
}

export function providerRoutes() {
  const r = apiRouter("/app/etl/providers", "integrations");
  r.route({
    method: "get",
    path: "/",
    summary: "Integration providers with their create/edit forms (JSON Schema)",
    responses: {
      200: { description: "every provider", schema: z.object({ providers: z.array(providerBody) }) },
      401: commonErrors[401],
    },
  }, async (c) => {
    const summaries = await providerSummaries(installedJobTypes(c.get("deps").services));
    const providers = summaries.map((p) => ({ ...p, form: integrationForm(providerSpec(p.name)) }));
    return c.json({ providers });
  });
  r.route({
    method: "post",
    path: "/:name/test",
    summary: "Test a connection with settings that are not saved yet (the create form)",
    roles: ["admin"],
    params: z.object({ name: z.enum(PROVIDER_NAMES) }),
    body: z.object({
      baseUrl: z.string().trim().url("must be an http(s) URL").max(2000)
        .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL"),
      settings: z.unknown().optional(),
      credentials: z.unknown(),
    }).strict(),
    responses: {
      200: { description: "the outcome (ok or the failure in words)", schema: connectionResult },
      ...commonErrors,
    },
  }, async (c, { params, body }) => {
    const spec = providerSpec(params.name);
    if (!spec.testConnection) {
      throw new ApiError(400, "not_supported", `connection tests are not available for ${params.name} integrations`);
    }
    const { settings, credentials } = validProviderInput(params.name, body.settings, body.credentials);
    const started = performance.now();
    const result = await spec.testConnection({
      baseUrl: body.baseUrl,
      settings,
      credentials,
      addressGuard: sourceAddressGuard(c.get("deps").config),
    });
    return c.json({
      provider: params.name,
      latencyMs: Math.round(performance.now() - started),
      saved: false,
      ...result,
    });
  });
  return r.app;
}
