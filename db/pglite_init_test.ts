import { assert, assertEquals } from "../tests/support/assert.ts";
import { openDatabase } from "./connect.ts";
import { loadMigrations } from "./migrate.ts";
import { isFreshPgliteDir } from "./pglite_init.ts";
import { join } from "node:path";

Deno.test("embedded first start: the database is created and migrated by a child process, then opened here", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "sluice-pglite-init-" });
  try {
    const dir = join(dataDir, "pg");
    assert(await isFreshPgliteDir(dir));
    const db = await openDatabase({ SLUICE_DATA_DIR: dataDir });
    try {
      assert(!(await isFreshPgliteDir(dir)), "the folder holds a database");
      const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM schema_migrations");
      assertEquals(n, (await loadMigrations()).length, "every migration applied before the server opened it");
      const [{ shared_buffers }] = await db.query<{ shared_buffers: string }>("SHOW shared_buffers");
      assertEquals(shared_buffers, "64MB");
    } finally {
      await db.close();
    }
    // a second open is a plain restart
    const again = await openDatabase({ SLUICE_DATA_DIR: dataDir });
    await again.close();
    const mode = (await Deno.stat(dir)).mode! & 0o777;
    assertEquals(mode, 0o700, "owner-only data folder");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
