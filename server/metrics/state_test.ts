// Expensive gauges are read at most once per interval however often Prometheus scrapes; a failed read is retried.
import { assertEquals, assertRejects } from "../../tests/support/assert.ts";
import { cached } from "./state.ts";

Deno.test("cached: one computation per interval, shared by concurrent callers; failures are not kept", async () => {
  let now = 0;
  let calls = 0;
  let fail = false;
  const read = cached(1000, () => {
    calls++;
    return fail ? Promise.reject(new Error("db down")) : Promise.resolve(calls);
  }, () => now);
  assertEquals(await Promise.all([read(), read(), read()]), [1, 1, 1]);
  now = 999;
  assertEquals(await read(), 1);
  now = 1000;
  assertEquals(await read(), 2);
  fail = true;
  now = 2000;
  await assertRejects(() => read());
  fail = false;
  assertEquals(await read(), 4, "the failed read is not cached");
});
