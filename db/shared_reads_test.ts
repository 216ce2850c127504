import { assert, assertEquals } from "../tests/support/assert.ts";
// an empty embedded database, loaded from a prepared data folder instead of running initdb for each test
import { openTestPglite } from "../tests/support/db_templates.ts";
import { sharedRead } from "./shared_reads.ts";
import type { Db } from "./port.ts";

Deno.test("shared reads: concurrent identical reads on the embedded database run one query, each gets its own copy", async () => {
  const db = await openTestPglite(false);
  try {
    let queries = 0;
    const read = async () => {
      queries++;
      const rows = await db.query<{ n: number }>("SELECT 1 AS n");
      return { rows };
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => sharedRead(db, "k", read)));
    assertEquals(queries, 1);
    for (const r of results) assertEquals(r.rows, [{ n: 1 }]);
    assert(new Set(results).size === 4, "no two callers share an object");
    // once settled, the next read queries again; other keys never join
    await sharedRead(db, "k", read);
    await Promise.all([sharedRead(db, "a", read), sharedRead(db, "b", read)]);
    assertEquals(queries, 4);
  } finally {
    await db.close();
  }
});

Deno.test("shared reads: a read issued after a write sees it (statements run in arrival order)", async () => {
  const db = await openTestPglite(false);
  try {
    await db.exec("CREATE TABLE t (v int); INSERT INTO t VALUES (1)");
    const read = () => db.query<{ v: number }>("SELECT v FROM t");
    const first = sharedRead(db, "t", read);
    await db.query("UPDATE t SET v = 2");
    // the write finished: a new read must not join the earlier one
    assertEquals(await sharedRead(db, "t", read), [{ v: 2 }]);
    assertEquals(await first, [{ v: 1 }]);
  } finally {
    await db.close();
  }
});

Deno.test("shared reads: other databases (PostgreSQL pools) always run their own query", async () => {
  let queries = 0;
  const fake = { kind: "postgres", query: () => Promise.resolve([]), exec: () => Promise.resolve() } as unknown as Db;
  await Promise.all([1, 2, 3].map(() => sharedRead(fake, "k", () => Promise.resolve(++queries))));
  assertEquals(queries, 3);
});
