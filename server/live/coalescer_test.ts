import { assert, assertEquals } from "../../tests/support/assert.ts";
import { Coalescer } from "./coalescer.ts";

Deno.test("coalescer: a burst becomes at most one frame per interval, merged, and nothing is lost", async () => {
  const frames: number[][] = [];
  const c = new Coalescer<number[]>(100, (a, b) => [...a, ...b], (_k, v) => frames.push(v));
  const start = Date.now();
  for (let i = 0; i < 50; i++) {
    c.push("run", [i]);
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 150));
  const elapsed = Date.now() - start;
  assert(frames.length <= Math.ceil(elapsed / 100) + 1, `${frames.length} frames in ${elapsed} ms`);
  assert(frames.length >= 3, "updates keep flowing during the burst");
  assertEquals(frames.flat(), Array.from({ length: 50 }, (_, i) => i));
  c.close();
});

Deno.test("coalescer: urgent updates and separate keys are not held back", () => {
  const frames: string[] = [];
  const c = new Coalescer<string>(10_000, (_a, b) => b, (k, v) => frames.push(`${k}:${v}`));
  c.push("a", "1");
  c.push("b", "1");
  c.push("a", "2");
  c.push("a", "3", true);
  assertEquals(frames, ["a:1", "b:1", "a:3"]);
  c.close();
});
