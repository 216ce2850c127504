import { assert, assertEquals, assertRejects } from "../tests/support/assert.ts";
import { adapterKinds, createTestDb } from "../tests/support/db.ts";
import { loadMigrations, migrate, pendingMigrations, sha256 } from "./migrate.ts";

for (const kind of adapterKinds()) {
  Deno.test(`migrate[${kind}]: applies everything once; a second run changes nothing`, async () => {
    const t = await createTestDb(kind, { migrate: false });
    try {
      const all = await loadMigrations();
      const first = await migrate(t.db);
      assertEquals(first, all.map((m) => m.version));
      const tables = await t.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
      );
      const second = await migrate(t.db);
      assertEquals(second, []);
      const after = await t.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
      );
      assertEquals(after[0].n, tables[0].n);
      assertEquals(await pendingMigrations(t.db), 0);
    } finally {
      await t.close();
    }
  });

  Deno.test(`migrate[${kind}]: an edited migration that already ran is refused with a clear message`, async () => {
    const t = await createTestDb(kind);
    try {
      const all = await loadMigrations();
      const edited = all.map((m, i) => i === 0 ? { ...m, sql: m.sql + "\n-- edited", checksum: "" } : m);
      edited[0].checksum = await sha256(edited[0].sql);
      const err = await assertRejects(() => migrate(t.db, edited), "was changed after it was applied");
      assert(err.message.includes("0001_core_schema.sql"), err.message);
    } finally {
      await t.close();
    }
  });

  Deno.test(`migrate[${kind}]: a failing migration rolls back entirely`, async () => {
    const t = await createTestDb(kind);
    try {
      const all = await loadMigrations();
      const broken = [...all, {
        version: 9999,
        name: "broken",
        sql: "CREATE TABLE half_done (id int); SELECT no_such_function();",
        checksum: "x",
      }];
      await assertRejects(() => migrate(t.db, broken));
      const rows = await t.db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
      assertEquals(rows.length, 0);
      const versions = await t.db.query("SELECT 1 FROM schema_migrations WHERE version = 9999");
      assertEquals(versions.length, 0);
    } finally {
      await t.close();
    }
  });
}

if (adapterKinds().includes("postgres")) {
  Deno.test("migrate[postgres]: concurrent runs serialize on the advisory lock", async () => {
    const t = await createTestDb("postgres", { migrate: false });
    try {
      const results = await Promise.all([migrate(t.db), migrate(t.db), migrate(t.db)]);
      const applied = results.flat();
      assertEquals(applied.length, (await loadMigrations()).length, "each migration applied exactly once");
    } finally {
      await t.close();
    }
  });
}
