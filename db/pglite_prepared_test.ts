import { assertEquals, assertRejects } from "../tests/support/assert.ts";
// an empty embedded database, loaded from a prepared data folder instead of running initdb for each test
import { openTestPglite } from "../tests/support/db_templates.ts";

Deno.test("pglite prepared reads: same rows as the plain path, one PREPARE per text, the rest untouched", async () => {
  const db = await openTestPglite(false);
  try {
    await db.exec(`CREATE TABLE t (id int PRIMARY KEY, name text, at timestamptz, big int8, doc jsonb);
      INSERT INTO t VALUES (1, 'a', '2024-01-02T03:04:05Z', 9007199254740991, '{"k":[1,2]}'), (2, 'b', NULL, -5, NULL)`);
    const sql = "SELECT id, name, at, big, doc FROM t WHERE id = $1 OR big = $2 ORDER BY id";
    const first = await db.query(sql, [1, -5]);
    const again = await db.query(sql, [2, 0]);
    assertEquals(first, [
      { id: 1, name: "a", at: new Date("2024-01-02T03:04:05Z"), big: 9007199254740991, doc: { k: [1, 2] } },
      { id: 2, name: "b", at: null, big: -5, doc: null },
    ]);
    assertEquals(again, [{ id: 2, name: "b", at: null, big: -5, doc: null }]);
    const statements = await db.query<{ name: string; statement: string }>(
      "SELECT name, statement FROM pg_prepared_statements ORDER BY name",
    );
    assertEquals(statements.length, 1, "one statement for the repeated text");
    // not prepared: text parameters, writes, statements without parameters
    assertEquals(await db.query("SELECT id FROM t WHERE name = $1", ["b"]), [{ id: 2 }]);
    await db.query("UPDATE t SET name = 'c' WHERE id = $1", [2]);
    assertEquals(await db.query("SELECT name FROM t WHERE id = 2"), [{ name: "c" }]);
    assertEquals((await db.query("SELECT name FROM pg_prepared_statements")).length, 1);
  } finally {
    await db.close();
  }
});

Deno.test("pglite prepared reads: errors are the plain path's errors, and a failing text is not retried prepared", async () => {
  const db = await openTestPglite(false);
  try {
    await db.exec("CREATE TABLE t (id int PRIMARY KEY)");
    // PREPARE fails (no such column): the ordinary path reports the real error
    await assertRejects(() => db.query("SELECT nope FROM t WHERE id = $1", [1]), /nope/);
    // EXECUTE fails at run time (division by zero): same error as without preparing
    await assertRejects(() => db.query("SELECT 1 / $1 AS x", [0]), /division by zero/);
    assertEquals(await db.query("SELECT 1 / $1 AS x", [1]), [{ x: 1 }]);
  } finally {
    await db.close();
  }
});
