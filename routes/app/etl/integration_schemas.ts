// Request and answer shapes of /app/etl/integrations (routes in integrations.ts). Settings and credentials are
// opaque here: each provider's own schema validates them (server/providers/), collecting every problem at once.
import { z } from "zod";
import { errorResponse } from "../../../server/api/schemas.ts";
import { PROVIDER_NAMES } from "../../../server/providers/index.ts";

const baseUrl = z.string({ error: "must be a URL" }).trim().max(2000, "must be at most 2000 characters")
  .url("must be a URL").refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL").nullable();
const logo = z.string({ error: "must be a file name" }).trim()
  .regex(/^[a-z0-9_.-]{1,100}\.svg$/i, "must be an .svg file name").nullable();
const name = z.string({ error: "must be text" }).trim().min(1, "must not be empty").max(
  100,
  "must be at most 100 characters",
);
export const active = z.boolean({ error: "must be true or false" });
const settings = z.unknown().meta({ description: "the provider's settings (validated by its schema)" });
export const credentials = z.unknown()
  .meta({ description: "the provider's credentials; write-only: stored encrypted, never returned" });

export const createSchema = z.object({
  provider: z.enum(PROVIDER_NAMES, { error: `must be one of ${PROVIDER_NAMES.join(", ")}` }),
  name,
  baseUrl: baseUrl.optional(),
  settings: settings.optional(),
  credentials: credentials.optional(),
  logoFilename: logo.optional(),
  active: active.default(false),
}).strict();

export const updateSchema = z.object({
  name: name.optional(),
  baseUrl: baseUrl.optional(),
  settings: settings.optional(),
  credentials: credentials.optional(),
  logoFilename: logo.optional(),
  active: active.optional(),
}).strict();

export const testSchema = z.object({
  baseUrl: baseUrl.optional(),
  settings: settings.optional(),
  credentials: credentials.optional(),
}).strict();

export const notFound = errorResponse("no such integration in the caller's tenant");
export const invalidOrNotReady = errorResponse("a value is invalid, or the integration is not ready to be active");
export const inUse = errorResponse(
  "a job uses the integration (`integration_in_use`, with `jobs`), or the name is taken",
);

export const connectionResult = z.object({
  provider: z.string(),
  ok: z.boolean(),
  error: z.string().optional().meta({ description: "what failed: status and a generic reason" }),
  user: z.record(z.string(), z.unknown()).optional().meta({ description: "who the credentials belong to" }),
  permissions: z.record(z.string(), z.boolean()).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
