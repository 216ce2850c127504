// The smaps split on a hand-written excerpt (every kind of mapping), and on this process's own smaps: the parts
// must add up to the RSS the kernel reports in the same file's totals.
import { assert, assertEquals } from "../tests/support/assert.ts";
import { rssBreakdown } from "./rss_breakdown.ts";

const KB = 1024;

const EXCERPT = [
  "55d0a0000000-55d0a3000000 r-xp 00000000 08:01 123 /usr/bin/deno",
  "Size:              49152 kB",
  "Rss:               40000 kB",
  "55d0b0000000-55d0b2000000 rw-p 00000000 00:00 0                          [heap]",
  "Rss:               30000 kB",
  "7f3d58000000-7f3d585a6000 rw-p 00000000 00:00 0 ",
  "Rss:                5000 kB",
  "7f3d2c000000-7f3d4bdc0000 rwxp 00000000 00:00 0 ",
  "Rss:                1000 kB",
  "1f0303780000-1f0303890000 rw-p 00000000 00:00 0 ",
  "Rss:                1100 kB",
  "7f3d58600000-7f3d58700000 rw-p 00000000 00:00 0 ",
  "Rss:                 300 kB",
  "7f3e00000000-7f3e00100000 r--p 00000000 08:01 456 /usr/lib/x86_64-linux-gnu/libc.so.6",
  "Rss:                1500 kB",
  "7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]",
  "Rss:                 400 kB",
].join("\n");

Deno.test("rssBreakdown: executable, main heap and aligned arenas, other anonymous memory, other files", () => {
  assertEquals(rssBreakdown(EXCERPT, "/usr/bin/deno"), {
    executable: 40000 * KB,
    nativeHeap: (30000 + 5000) * KB, // [heap] and the 64 MiB-aligned writable mapping
    otherAnonymous: (1000 + 1100 + 300 + 400) * KB, // the executable aligned range, unaligned ones, the stack
    otherFiles: 1500 * KB,
  });
});

Deno.test("rssBreakdown: this process's parts add up to its smaps total and the executable is found", () => {
  const smaps = Deno.readTextFileSync("/proc/self/smaps");
  const b = rssBreakdown(smaps, Deno.execPath());
  const total = [...smaps.matchAll(/^Rss:\s+(\d+) kB/gm)].reduce((n, m) => n + Number(m[1]) * KB, 0);
  assertEquals(b.executable + b.nativeHeap + b.otherAnonymous + b.otherFiles, total);
  assert(b.executable > 0, "the deno executable's pages are resident");
  assert(b.nativeHeap > 0, "the native allocator's heap is resident");
});
