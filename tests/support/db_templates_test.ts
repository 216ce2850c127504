import { assert, assertEquals } from "./assert.ts";
import { adapterKinds, createTestDb, DATABASE_URL, needsPostgres } from "./db.ts";
import { BUILD_PREFIX, buildTemplate } from "./db_templates.ts";
import { loadMigrations, migrate, pendingMigrations } from "../../db/migrate.ts";
import { connectPostgres } from "../../db/postgres.ts";

const publicTables = "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'";

for (const kind of adapterKinds()) {
  Deno.test(`test databases[${kind}]: start at the current schema, each with its own rows`, async () => {
    const [a, b] = await Promise.all([createTestDb(kind), createTestDb(kind)]);
    try {
      assertEquals(await pendingMigrations(a.db), 0);
      assertEquals(await migrate(a.db), [], "a copy of the template has nothing left to apply");
      const versions = await a.db.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY 1");
      assertEquals(versions.map((r) => r.version), (await loadMigrations()).map((m) => m.version));
      await a.db.query("INSERT INTO tenants (name) VALUES ('only in a')");
      assertEquals((await a.db.query("SELECT 1 FROM tenants WHERE name = 'only in a'")).length, 1);
      assertEquals((await b.db.query("SELECT 1 FROM tenants WHERE name = 'only in a'")).length, 0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    // a later database starts from the template again, not from what an earlier test wrote
    const c = await createTestDb(kind);
    try {
      assertEquals((await c.db.query("SELECT 1 FROM tenants WHERE name = 'only in a'")).length, 0);
    } finally {
      await c.close();
    }
  });

  Deno.test(`test databases[${kind}]: migrate: false gives an empty database`, async () => {
    await (await createTestDb(kind)).close(); // the migrated template exists now: empty is not a lucky order
    const t = await createTestDb(kind, { migrate: false });
    try {
      assertEquals((await t.db.query<{ n: number }>(publicTables))[0].n, 0);
    } finally {
      await t.close();
    }
  });
}

Deno.test(
  needsPostgres("test databases[postgres]: parallel template builds leave one finished template"),
  async () => {
    const name = `sluice_tpltest_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const admin = connectPostgres(DATABASE_URL!, { max: 4 });
    try {
      const created = await Promise.all([0, 1, 2].map(() => buildTemplate(admin, DATABASE_URL!, name)));
      assertEquals(created.filter(Boolean).length, 1, "exactly one build wins the rename");
      const left = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $2)",
        [name, BUILD_PREFIX + name],
      );
      assertEquals(left.map((r) => r.datname), [name], "the losers dropped their half-built copies");
      assert(!await buildTemplate(admin, DATABASE_URL!, name), "an existing template is reused");
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    }
  },
);
