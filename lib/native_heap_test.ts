// The between-steps release relies on V8 collecting when ArrayBuffer memory passes its limit (default flags
// have no --expose-gc): a V8 upgrade that changes that would silently bring back the old peaks, so it is checked.
import v8 from "node:v8";
import { assert } from "../tests/support/assert.ts";
import { releaseMemoryBetweenSteps } from "./native_heap.ts";

const MB = 1024 * 1024;
const used = () => v8.getHeapStatistics().used_heap_size;

Deno.test("releaseMemoryBetweenSteps: V8 collects the garbage left behind, and the process does not grow by it", async () => {
  let garbage: unknown[] = [];
  for (let i = 0; i < 300_000; i++) garbage.push({ i, text: `entry ${i}`, list: [i] });
  // alive across a turn of the event loop, so it has left the young generation
  await new Promise((resolve) => setTimeout(resolve, 10));
  for (let i = 0; i < 300_000; i++) garbage.push({ i, text: `entry ${i}`, list: [i] });
  garbage = [];
  const before = used();
  const rssBefore = Deno.memoryUsage().rss;
  await releaseMemoryBetweenSteps();
  // the collection is incremental: in a test process with a big heap it can outlast the release's own wait
  const deadline = performance.now() + 2000;
  while (before - used() < 40 * MB && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const freed = before - used();
  assert(freed > 40 * MB, `collected ${(freed / MB).toFixed(0)} MB of ~80 MB of garbage`);
  // the 512 MB buffer that provokes the collection is never touched
  const grown = Deno.memoryUsage().rss - rssBefore;
  assert(grown < 32 * MB, `RSS grew by ${(grown / MB).toFixed(0)} MB`);
});
