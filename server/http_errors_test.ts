// onError: a client's value that slipped past validation and was refused by the database answers 4xx (not a silent
// 500) and is logged as the validation gap it is; anything else stays a logged 500. Body bounds are pure and linear.
import { Hono } from "hono";
import { assert, assertEquals } from "../tests/support/assert.ts";
import { withTestDb } from "../tests/support/db.ts";
import { onError } from "./http_errors.ts";
import { findNul, jsonDepth } from "./api/body_bounds.ts";
import { setLogSink } from "../lib/log.ts";

async function thrown(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

Deno.test("onError: database refusals of client values are 4xx and logged; other errors stay 500", async () => {
  const errors = await withTestDb("pglite", async (db) => {
    await db.exec("CREATE TABLE t (id int PRIMARY KEY)");
    await db.query("INSERT INTO t VALUES (1)");
    return {
      outOfRange: await thrown(() => db.query("SELECT $1::int", ["2147483648"])),
      syntax: await thrown(() => db.query("SELECT $1::bigint", ["1.5"])),
      duplicate: await thrown(() => db.query("INSERT INTO t VALUES (1)")),
      bug: new TypeError("cannot read properties of undefined"),
    };
  });
  const lines: string[] = [];
  const restore = setLogSink((line) => lines.push(line));
  try {
    const app = new Hono();
    app.onError(onError);
    app.get("/:which", (c) => {
      throw errors[c.req.param("which") as keyof typeof errors];
    });
    const answer = async (which: string) => {
      const res = await app.request(`/${which}`);
      return [res.status, (await res.json()).error.code];
    };
    assertEquals(await answer("outOfRange"), [400, "invalid_input"]);
    assertEquals(await answer("syntax"), [400, "invalid_input"]);
    assertEquals(await answer("duplicate"), [409, "conflict"]);
    assertEquals(await answer("bug"), [500, "internal_error"]);
  } finally {
    restore();
  }
  const logged = lines.map((l) => JSON.parse(l));
  assertEquals(logged.filter((l) => l.msg === "input reached the database unvalidated").map((l) => l.sqlstate), [
    "22003",
    "22P02",
    "23505",
  ]);
  assert(logged.some((l) => l.msg === "unhandled error" && l.level === "error"), "a real bug is still logged as one");
});

Deno.test("body bounds: depth is measured in one pass, ignoring brackets inside strings", () => {
  assertEquals(jsonDepth('{"a":[1,{"b":"[[[["}]}'), 3);
  assertEquals(jsonDepth('"\\"[[["'), 0);
  assertEquals(jsonDepth("[".repeat(1_000_000), 32), 33, "stops as soon as the bound is passed");
  assertEquals(findNul({ a: ["ok", { b: "x\u0000" }] }), "a.1.b");
  assertEquals(findNul({ ["k\u0000"]: 1 }), "k\u0000");
  assertEquals(findNul("\u0000"), "(body)");
  assertEquals(findNul({ a: 1, b: [true, null] }), undefined);
  let deep: unknown = "\u0000";
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assertEquals(findNul(deep)?.length, 2 * 100_000 - 1, "no recursion: 100,000 levels are walked iteratively");
});
