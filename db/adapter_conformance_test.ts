// One conformance suite, run against every Db adapter available here (PGlite always; PostgreSQL with DATABASE_URL).
import { assert, assertEquals, assertRejects } from "../tests/support/assert.ts";
import { insertMany } from "./port.ts";
import { adapterKinds, withTestDb } from "../tests/support/db.ts";

const SQL_TABLE = `CREATE TABLE conf_items (
  id bigserial PRIMARY KEY, k text UNIQUE NOT NULL, n int, big bigint, f double precision, at timestamptz,
  doc jsonb, tags text[], flag boolean)`;

for (const kind of adapterKinds()) {
  Deno.test(`Db[${kind}] query with params returns typed rows`, () =>
    withTestDb(kind, async (db) => {
      await db.exec(SQL_TABLE);
      const at = new Date("2024-03-01T12:34:56.789Z");
      await db.query(
        "INSERT INTO conf_items (k, n, big, f, at, doc, tags, flag) VALUES ($1,$2,$3,$4,$5,$6::jsonb,$7,$8)",
        ["a", 7, 9007199254740, 1.5, at, { x: [1, "two"] }, ["p", "q"], true],
      );
      const [row] = await db.query<Record<string, unknown>>("SELECT * FROM conf_items WHERE k = $1", ["a"]);
      assertEquals(row.n, 7);
      assertEquals(row.big, 9007199254740);
      assertEquals(row.f, 1.5);
      assert(row.at instanceof Date, "timestamptz comes back as Date");
      assertEquals((row.at as Date).toISOString(), at.toISOString());
      assertEquals(row.doc, { x: [1, "two"] });
      assertEquals(row.tags, ["p", "q"]);
      assertEquals(row.flag, true);
      const [count] = await db.query<{ c: number }>("SELECT count(*) AS c FROM conf_items WHERE k = ANY($1)", [[
        "a",
        "b",
      ]]);
      assertEquals(count.c, 1);
    }));

  Deno.test(`Db[${kind}] transaction commits on success and rolls back on error`, () =>
    withTestDb(kind, async (db) => {
      await db.exec(SQL_TABLE);
      await db.transaction(async (tx) => {
        await tx.query("INSERT INTO conf_items (k) VALUES ('kept')");
      });
      await assertRejects(() =>
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO conf_items (k) VALUES ('lost')");
          throw new Error("boom");
        })
      );
      const rows = await db.query<{ k: string }>("SELECT k FROM conf_items ORDER BY k");
      assertEquals(rows.map((r) => r.k), ["kept"]);
    }));

  Deno.test(`Db[${kind}] insertMany upserts many rows with one parameter`, () =>
    withTestDb(kind, async (db) => {
      await db.exec(SQL_TABLE);
      const rows = Array.from({ length: 70_000 }, (_, i) => ({ k: `k${i}`, n: i, tags: ["t"], doc: { i } }));
      await insertMany(db, "conf_items", rows);
      const updated = await insertMany<{ k: string; n: number }>(
        db,
        "conf_items",
        [{ k: "k5", n: -5 }, { k: "new", n: 1 }],
        { onConflict: "ON CONFLICT (k) DO UPDATE SET n = EXCLUDED.n", returning: "k, n" },
      );
      assertEquals(updated.length, 2);
      const [c] = await db.query<{ c: number; s: number }>("SELECT count(*) AS c FROM conf_items");
      assertEquals(c.c, 70_001);
      const [five] = await db.query<{ n: number; doc: unknown }>("SELECT n, doc FROM conf_items WHERE k = 'k5'");
      assertEquals(five.n, -5);
      assertEquals(five.doc, { i: 5 });
    }));

  Deno.test(`Db[${kind}] copyFrom loads rows with escapes and nulls`, () =>
    withTestDb(kind, async (db) => {
      await db.exec(SQL_TABLE);
      const n = await db.copyFrom("conf_items", ["k", "n", "doc"], [
        ["tab\there", 1, { a: "b\\c" }],
        ["line\nbreak", null, null],
      ]);
      assertEquals(n, 2);
      const rows = await db.query<{ k: string; n: number | null; doc: unknown }>(
        "SELECT k, n, doc FROM conf_items ORDER BY k",
      );
      assertEquals(rows, [{ k: "line\nbreak", n: null, doc: null }, { k: "tab\there", n: 1, doc: { a: "b\\c" } }]);
    }));

  Deno.test(`Db[${kind}] copyFrom writes arrays and rejects rows the table refuses`, () =>
    withTestDb(kind, async (db) => {
      await db.exec(SQL_TABLE);
      await db.copyFrom("conf_items", ["k", "tags"], [["arr", ["a", 'q"uote', "back\\slash", "tab\tx"]]]);
      const [row] = await db.query<{ tags: string[] }>("SELECT tags FROM conf_items WHERE k = 'arr'");
      assertEquals(row.tags, ["a", 'q"uote', "back\\slash", "tab\tx"]);
      await assertRejects(() => db.copyFrom("conf_items", ["k"], [["ok"], [null]]));
      const [c] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM conf_items");
      assertEquals(c.n, 1, "a refused COPY loads nothing");
      await db.copyFrom("conf_items", ["k"], [["after"]]);
    }));

  Deno.test(`Db[${kind}] listen receives notify`, () =>
    withTestDb(kind, async (db) => {
      const got: string[] = [];
      const received = new Promise<void>((resolve) => {
        db.listen("conf_chan", (p) => {
          got.push(p);
          resolve();
        }).then(() => db.notify("conf_chan", "hello"));
      });
      await received;
      assertEquals(got, ["hello"]);
    }));

  Deno.test(`Db[${kind}] leader lock is exclusive per key`, () =>
    withTestDb(kind, async (db) => {
      const lock = await db.tryLeaderLock(4242);
      assert(lock, "first caller gets the lock");
      if (kind === "postgres") {
        const second = await db.tryLeaderLock(4242);
        assertEquals(second, null);
      }
      await lock.release();
      const again = await db.tryLeaderLock(4242);
      assert(again, "lock can be taken again after release");
      await again.release();
    }));
}
