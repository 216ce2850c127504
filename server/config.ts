// Configuration: every setting comes from the environment, is parsed once with zod, and a bad value stops
// startup with one line per problem (the variable and what it expects) instead of a stack trace.
import { z } from "zod";
import {
  addressGuardFor,
  invalidAllowListEntries,
  type SourceAddressGuard,
  splitAllowList,
} from "../engine/http/address_guard.ts";

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `a URL starting with ${protocols.map((p) => p + "//").join(" or ")}`);

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const secret = (name: string) => optional(z.string().min(32, `${name} must be at least 32 characters of random data`));

// Each variable is validated on its own so that every bad one gets its line, whatever else is wrong.
const fields = {
  PORT: z.preprocess(
    (v) => (v === undefined || v === "" ? 8000 : Number(v)),
    z.number({ error: "a port number" }).int("a whole port number").min(0, "a port from 0 (any free) to 65535")
      .max(65535, "a port from 0 (any free) to 65535"),
  ),
  HOSTNAME: z.preprocess((v) => (v === "" || v === undefined ? "0.0.0.0" : v), z.string()),
  DATABASE_URL: optional(url(["postgres:", "postgresql:"])),
  SLUICE_DATA_DIR: z.preprocess((v) => (v === "" || v === undefined ? "./data" : v), z.string()),
  AMQP_URL: optional(url(["amqp:", "amqps:"])),
  QDRANT_URL: optional(url(["http:", "https:"])),
  QDRANT_API_KEY: optional(z.string()),
  EMBEDDINGS_URL: optional(url(["http:", "https:"])),
  EMBEDDINGS_MODEL: optional(
    z.string().trim().min(1, "a model name").max(200, "a model name of at most 200 characters"),
  ),
  EMBEDDINGS_API_KEY: optional(z.string()),
  JWT_SECRET: secret("JWT_SECRET"),
  SLUICE_SECRET_KEY: secret("SLUICE_SECRET_KEY"),
  LOG_LEVEL: z.preprocess(
    (v) => (v === "" || v === undefined ? "info" : String(v).toLowerCase()),
    z.enum(["debug", "info", "warn", "error"], { error: "one of debug, info, warn, error" }),
  ),
  PUBLIC_URL: optional(url(["http:", "https:"])),
  SLUICE_ALLOW_PRIVATE_SOURCES: z.preprocess(
    (v) => (v === undefined || v === "" ? "false" : String(v).toLowerCase()),
    z.enum(["true", "false"], { error: "true or false" }).transform((v) => v === "true"),
  ),
  SLUICE_PRIVATE_SOURCE_ALLOWLIST: z.preprocess(
    (v) => splitAllowList(v as string | undefined),
    z.array(z.string()).superRefine((entries, ctx) => {
      const bad = invalidAllowListEntries(entries);
      if (bad.length) ctx.addIssue({ code: "custom", message: `host names or CIDRs (not: ${bad.join(", ")})` });
    }),
  ),
  SLUICE_RAW_RETENTION_DAYS: z.preprocess(
    (v) => (v === undefined || v === "" ? 14 : Number(v)),
    z.number({ error: "a number of days" }).int("a whole number of days").min(1, "at least 1 day").max(
      3650,
      "at most 3650 days",
    ),
  ),
  METRICS_TOKEN: optional(
    z.string().min(16, "at least 16 characters (a random token for Prometheus)")
      .regex(/^[\x21-\x7e]+$/, "printable characters without spaces"),
  ),
};

export const configSchema = z.object(fields);

/** Rules that involve several variables; each problem is reported against one variable. */
function crossChecks(c: Partial<Config>, env: Record<string, string | undefined>): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  // a service counts as configured when its variable is set at all, even if its value is itself invalid
  const realServices = ["DATABASE_URL", "AMQP_URL", "QDRANT_URL"].filter((name) => env[name]);
  if (realServices.length > 0) {
    for (const name of ["JWT_SECRET", "SLUICE_SECRET_KEY"] as const) {
      if (!c[name]) {
        problems.push([
          name,
          `required when ${realServices.join(", ")} is set (at least 32 characters of random data)`,
        ]);
      }
    }
  }
  if (c.EMBEDDINGS_URL && !c.EMBEDDINGS_MODEL) {
    problems.push([
      "EMBEDDINGS_MODEL",
      "required when EMBEDDINGS_URL is set (the model name, e.g. text-embedding-3-small)",
    ]);
  }
  // settings that would otherwise be silently ignored
  for (const name of ["EMBEDDINGS_MODEL", "EMBEDDINGS_API_KEY"] as const) {
    if (c[name] && !env.EMBEDDINGS_URL) {
      problems.push([name, "to be set only with EMBEDDINGS_URL (it is unused without it)"]);
    }
  }
  if (c.QDRANT_API_KEY && !env.QDRANT_URL) {
    problems.push(["QDRANT_API_KEY", "to be set only with QDRANT_URL (it is unused without it)"]);
  }
  return problems;
}

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
    this.name = "ConfigError";
  }
}

/** Parses the environment; throws ConfigError with one line per bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const lines: string[] = [];
  const out: Record<string, unknown> = {};
  const secretish = (name: string) => /SECRET|KEY|URL|TOKEN/.test(name);
  for (const [name, schema] of Object.entries(fields)) {
    const result = (schema as z.ZodType).safeParse(env[name]);
    if (result.success) {
      out[name] = result.data;
      continue;
    }
    const got = env[name];
    const shown = got === undefined || secretish(name) ? "" : ` (got "${got}")`;
    lines.push(`${name}: expected ${result.error.issues[0].message}${shown}`);
  }
  const failed = new Set(lines.map((l) => l.split(":")[0]));
  for (const [name, message] of crossChecks(out as Partial<Config>, env)) {
    if (!failed.has(name)) lines.push(`${name}: expected ${message}`);
  }
  if (lines.length) throw new ConfigError(lines);
  return out as Config;
}

/** True when no external service is configured: everything runs in-process from SLUICE_DATA_DIR. */
export function isEmbedded(config: Config): boolean {
  return !config.DATABASE_URL && !config.AMQP_URL && !config.QDRANT_URL;
}

/** The guard every source request of this instance goes through (engine/http/address_guard.ts). */
export function sourceAddressGuard(config: Config): SourceAddressGuard {
  return addressGuardFor({
    allowPrivate: config.SLUICE_ALLOW_PRIVATE_SOURCES,
    allowList: config.SLUICE_PRIVATE_SOURCE_ALLOWLIST,
  });
}
