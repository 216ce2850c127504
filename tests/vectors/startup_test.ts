// `sluice serve` against a PostgreSQL without pgvector and without QDRANT_URL stops at startup with one line that
// names the variable and the fix (exit code 2), instead of running without a usable vector store.
import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import { createTestDb, needsPostgres } from "../support/db.ts";

Deno.test(
  needsPostgres("startup: PostgreSQL without pgvector and no QDRANT_URL is refused, naming the fix"),
  async () => {
    const t = await createTestDb("postgres", { migrate: false });
    try {
      const [{ available }] = await t.db.query<{ available: number }>(
        "SELECT count(*)::int AS available FROM pg_available_extensions WHERE name = 'vector'",
      );
      if (available > 0) {
        console.log("this PostgreSQL has pgvector: the refusal cannot be shown here");
        return;
      }
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL("../../main.ts", import.meta.url).pathname, "serve", "--port", "0"],
        env: {
          DATABASE_URL: t.url!,
          QDRANT_URL: "",
          JWT_SECRET: "j".repeat(40),
          SLUICE_SECRET_KEY: "k".repeat(40),
          LOG_LEVEL: "error",
          NO_COLOR: "1",
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assertEquals(out.code, 2, stderr);
      assertStringIncludes(stderr, "DATABASE_URL: PostgreSQL");
      assertStringIncludes(stderr, "has no pgvector extension");
      const [{ major }] = await t.db.query<{ major: string }>(
        "SELECT split_part(current_setting('server_version'), '.', 1) AS major",
      );
      assertStringIncludes(stderr, `apt install postgresql-${major}-pgvector`);
      assertStringIncludes(stderr, "CREATE EXTENSION vector");
      assertStringIncludes(stderr, "or set QDRANT_URL");
    } finally {
      await t.close();
    }
  },
);
