// Provider registry for the integrations API. A stored integration of an unknown provider (the synthetic test one)
// falls back to the generic spec: any settings object, the generic credential shapes, no connection test.
import { z } from "zod";
import { ApiError, type FieldError } from "../http_errors.ts";
import { githubProvider } from "./github.ts";
import { jiraProvider } from "./jira.ts";
import { entraProvider } from "./entra.ts";
import { fabricProvider } from "./fabric.ts";
import type { ProviderSpec } from "./types.ts";

const genericProvider: ProviderSpec = {
  settings: z.record(z.string(), z.unknown()),
  credentials: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("basic"), email: z.string().trim().email(), token: z.string().min(1) }).strict(),
    z.object({ kind: z.literal("bearer"), token: z.string().min(1) }).strict(),
    z.object({
      kind: z.literal("client_credentials"),
      tenantId: z.string().min(1),
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
    }).strict(),
  ]),
  activationProblems: ({ hasCredentials }) =>
    hasCredentials ? [] : [{ field: "credentials", message: "set credentials before activating" }],
};

export const PROVIDERS = {
  jira: jiraProvider,
  github: githubProvider,
  fabric: fabricProvider,
  ad: entraProvider,
} as const satisfies Record<string, ProviderSpec>;

export type ProviderName = keyof typeof PROVIDERS;
export const PROVIDER_NAMES = Object.keys(PROVIDERS) as [ProviderName, ...ProviderName[]];

/** The spec of a stored integration's provider (the synthetic test provider falls back to the generic one). */
export function providerSpec(provider: string): ProviderSpec {
  return (PROVIDERS as Record<string, ProviderSpec>)[provider] ?? genericProvider;
}

/** Validates with a provider schema, prefixing every issue path (e.g. "settings.projectKeys.0"). */
export function validateWith<T>(
  schema: z.ZodType<T>,
  value: unknown,
  prefix: string,
): { ok: true; value: T } | { ok: false; fields: FieldError[] } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    fields: parsed.error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].join("."), message: i.message })),
  };
}

/** Validates settings and credentials with the provider's schemas; a 400 naming every problem at once. */
export function validProviderInput(provider: string, settings: unknown, credentials: unknown) {
  const spec = providerSpec(provider);
  const fields: FieldError[] = [];
  const s = validateWith(spec.settings, settings ?? {}, "settings");
  if (!s.ok) fields.push(...s.fields);
  let creds: unknown = undefined;
  if (credentials !== undefined) {
    const c = validateWith(spec.credentials, credentials, "credentials");
    if (c.ok) creds = c.value;
    else fields.push(...c.fields);
  }
  if (s.ok && creds !== undefined) fields.push(...(spec.crossCheck?.(s.value, creds) ?? []));
  if (fields.length) {
    throw new ApiError(400, "validation_failed", fields.map((f) => `${f.field}: ${f.message}`).join("; "), fields);
  }
  return { settings: (s as { value: Record<string, unknown> }).value, credentials: creds };
}

export type { ProviderSpec };
