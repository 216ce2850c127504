// Configuration: every setting comes from the environment, is parsed once with zod, and a bad value stops
// startup with one line per problem (the variable and what it expects) instead of a stack trace.
import { z } from "zod";

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

export const configSchema = z.object({
  PORT: z.preprocess(
    (v) => (v === undefined || v === "" ? 8000 : Number(v)),
    z.number({ error: "a port number" }).int("a whole port number").min(1, "a port from 1 to 65535").max(
      65535,
      "a port from 1 to 65535",
    ),
  ),
  HOSTNAME: z.preprocess((v) => (v === "" || v === undefined ? "0.0.0.0" : v), z.string()),
  DATABASE_URL: optional(url(["postgres:", "postgresql:"])),
  SLUICE_DATA_DIR: z.preprocess((v) => (v === "" || v === undefined ? "./data" : v), z.string()),
  AMQP_URL: optional(url(["amqp:", "amqps:"])),
  QDRANT_URL: optional(url(["http:", "https:"])),
  QDRANT_API_KEY: optional(z.string()),
  EMBEDDINGS_URL: optional(url(["http:", "https:"])),
  EMBEDDINGS_MODEL: optional(z.string()),
  EMBEDDINGS_API_KEY: optional(z.string()),
  JWT_SECRET: secret("JWT_SECRET"),
  SLUICE_SECRET_KEY: secret("SLUICE_SECRET_KEY"),
  LOG_LEVEL: z.preprocess(
    (v) => (v === "" || v === undefined ? "info" : String(v).toLowerCase()),
    z.enum(["debug", "info", "warn", "error"], { error: "one of debug, info, warn, error" }),
  ),
  PUBLIC_URL: optional(url(["http:", "https:"])),
}).superRefine((c, ctx) => {
  const realServices = [c.DATABASE_URL && "DATABASE_URL", c.AMQP_URL && "AMQP_URL", c.QDRANT_URL && "QDRANT_URL"]
    .filter(Boolean);
  if (realServices.length > 0) {
    for (const name of ["JWT_SECRET", "SLUICE_SECRET_KEY"] as const) {
      if (!c[name]) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `required when ${realServices.join(", ")} is set (at least 32 characters of random data)`,
        });
      }
    }
  }
  if (c.EMBEDDINGS_URL && !c.EMBEDDINGS_MODEL) {
    ctx.addIssue({ code: "custom", path: ["EMBEDDINGS_MODEL"], message: "required when EMBEDDINGS_URL is set" });
  }
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
    this.name = "ConfigError";
  }
}

/** Parses the environment; throws ConfigError with one line per bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const known = Object.fromEntries(Object.keys(configSchema.shape).map((k) => [k, env[k]]));
  const result = configSchema.safeParse(known);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "configuration");
    const got = env[name];
    const shown = got === undefined || name.includes("SECRET") || name.includes("KEY") || name.includes("URL")
      ? ""
      : ` (got "${got}")`;
    return `${name}: expected ${issue.message}${shown}`;
  });
  throw new ConfigError(lines);
}

/** True when no external service is configured: everything runs in-process from SLUICE_DATA_DIR. */
export function isEmbedded(config: Config): boolean {
  return !config.DATABASE_URL && !config.AMQP_URL && !config.QDRANT_URL;
}
