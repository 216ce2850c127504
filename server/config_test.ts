import { assertEquals, assertStringIncludes, assertThrows } from "../tests/support/assert.ts";
import { ConfigError, isEmbedded, parseConfig } from "./config.ts";

const SECRETS = { JWT_SECRET: "j".repeat(32), SLUICE_SECRET_KEY: "k".repeat(32) };

function problems(env: Record<string, string>): string[] {
  const err = assertThrows(() => parseConfig(env)) as ConfigError;
  assertEquals(err instanceof ConfigError, true);
  return err.lines;
}

Deno.test("config: empty environment means embedded defaults", () => {
  const c = parseConfig({});
  assertEquals(c.PORT, 8000);
  assertEquals(c.SLUICE_DATA_DIR, "./data");
  assertEquals(c.LOG_LEVEL, "info");
  assertEquals(isEmbedded(c), true);
});

Deno.test("config: each bad variable yields its own line naming it", () => {
  const cases: Array<[Record<string, string>, string, string]> = [
    [{ PORT: "eighty" }, "PORT", "port"],
    [{ PORT: "70000" }, "PORT", "65535"],
    [{ DATABASE_URL: "mysql://x", ...SECRETS }, "DATABASE_URL", "postgres://"],
    [{ AMQP_URL: "http://x", ...SECRETS }, "AMQP_URL", "amqp://"],
    [{ QDRANT_URL: "qdrant", ...SECRETS }, "QDRANT_URL", "http://"],
    [{ EMBEDDINGS_URL: "nope", EMBEDDINGS_MODEL: "m" }, "EMBEDDINGS_URL", "http://"],
    [{ EMBEDDINGS_URL: "http://e/v1" }, "EMBEDDINGS_MODEL", "required"],
    [{ EMBEDDINGS_URL: "http://e/v1", EMBEDDINGS_MODEL: "  " }, "EMBEDDINGS_MODEL", "a model name"],
    [{ EMBEDDINGS_MODEL: "text-embedding-3-small" }, "EMBEDDINGS_MODEL", "only with EMBEDDINGS_URL"],
    [{ EMBEDDINGS_API_KEY: "sk-x" }, "EMBEDDINGS_API_KEY", "only with EMBEDDINGS_URL"],
    [{ QDRANT_API_KEY: "k" }, "QDRANT_API_KEY", "only with QDRANT_URL"],
    [{ JWT_SECRET: "short" }, "JWT_SECRET", "32"],
    [{ SLUICE_SECRET_KEY: "short" }, "SLUICE_SECRET_KEY", "32"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL", "debug, info, warn, error"],
    [{ PUBLIC_URL: "ftp://x" }, "PUBLIC_URL", "http://"],
  ];
  for (const [env, variable, hint] of cases) {
    const lines = problems(env);
    assertEquals(lines.length, 1, `${variable}: ${lines.join(" | ")}`);
    assertEquals(lines[0].startsWith(`${variable}: expected`), true, lines[0]);
    assertStringIncludes(lines[0], hint);
  }
});

Deno.test("config: secrets are required once a real service is configured, one line each", () => {
  const lines = problems({ DATABASE_URL: "postgres://u@h/db" });
  assertEquals(lines.length, 2);
  assertStringIncludes(lines.join("\n"), "JWT_SECRET: expected required when DATABASE_URL is set");
  assertStringIncludes(lines.join("\n"), "SLUICE_SECRET_KEY: expected required when DATABASE_URL is set");
});

Deno.test("config: several problems are all reported, and secret values are never echoed", () => {
  const lines = problems({ PORT: "x", LOG_LEVEL: "loud", JWT_SECRET: "tiny-secret-value" });
  assertEquals(lines.length, 3);
  assertEquals(lines.some((l) => l.includes("tiny-secret-value")), false);
  assertStringIncludes(lines.join("\n"), `(got "loud")`);
});

Deno.test("config: a valid full configuration parses", () => {
  const c = parseConfig({
    PORT: "9000",
    DATABASE_URL: "postgresql://u:p@db:5432/sluice",
    AMQP_URL: "amqp://guest:guest@mq:5672",
    QDRANT_URL: "http://qdrant:6333",
    EMBEDDINGS_URL: "http://emb/v1",
    EMBEDDINGS_MODEL: "text-embedding-3-small",
    LOG_LEVEL: "DEBUG",
    ...SECRETS,
  });
  assertEquals(c.PORT, 9000);
  assertEquals(c.LOG_LEVEL, "debug");
  assertEquals(isEmbedded(c), false);
});

Deno.test("config: METRICS_TOKEN must be a long printable token and is never echoed", () => {
  assertEquals(
    parseConfig({ METRICS_TOKEN: "a-scraper-token-0123456789" }).METRICS_TOKEN,
    "a-scraper-token-0123456789",
  );
  assertEquals(parseConfig({ METRICS_TOKEN: "" }).METRICS_TOKEN, undefined);
  for (const bad of ["short", "has a space in the middle!!"]) {
    let lines: string[] = [];
    try {
      parseConfig({ METRICS_TOKEN: bad });
    } catch (e) {
      lines = (e as ConfigError).lines;
    }
    assertEquals(lines.length, 1, bad);
    assertStringIncludes(lines[0], "METRICS_TOKEN: expected");
    assertEquals(lines[0].includes(bad), false, "the value is not echoed");
  }
});
