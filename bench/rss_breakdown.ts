// Where a process's resident memory is, from /proc/self/smaps (Linux), for the benches' verbose traces: V8 reports
// its own heap (Deno.memoryUsage, node:v8 heap spaces), but a Jira sync's RSS also holds the executable's touched
// pages and the native allocator's heaps (glibc's main heap and per-thread arenas: ArrayBuffer contents, fetch and
// socket buffers, compiler zones), which no V8 figure shows. Knowing which part grows says where to cut.

const MB = 1024 * 1024;
/** glibc reserves each per-thread arena as a heap of this size, aligned to it (HEAP_MAX_SIZE on 64-bit). */
const ARENA_ALIGN = 64n * 1024n * 1024n;

export interface RssBreakdown {
  /** Pages of the running executable (its code and read-only data). */
  executable: number;
  /** glibc's main heap ([heap]) and per-thread arenas. */
  nativeHeap: number;
  /** Other anonymous memory: V8's heap pages, thread stacks, large native blocks mapped on their own. */
  otherAnonymous: number;
  /** Other files (shared libraries, caches). */
  otherFiles: number;
}

/**
 * Splits smaps text into the parts above (bytes). A per-thread arena is recognised by its alignment and by being
 * writable but not executable (V8's code range is aligned too, but executable): a heuristic, good for a trace.
 */
export function rssBreakdown(smaps: string, executable: string): RssBreakdown {
  const out: RssBreakdown = { executable: 0, nativeHeap: 0, otherAnonymous: 0, otherFiles: 0 };
  let part: keyof RssBreakdown = "otherAnonymous";
  for (const line of smaps.split("\n")) {
    const header = /^([0-9a-f]+)-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const [, start, perms, path] = header;
      if (path === executable) part = "executable";
      else if (path === "[heap]") part = "nativeHeap";
      else if (path.startsWith("/")) part = "otherFiles";
      else if (path === "" && perms === "rw-p" && BigInt(`0x${start}`) % ARENA_ALIGN === 0n) part = "nativeHeap";
      else part = "otherAnonymous";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[part] += Number(rss[1]) * 1024;
  }
  return out;
}

/** "exe 47 native 62 anon 131 files 5" (MB) for this process, or "" where /proc/self/smaps cannot be read. */
export function rssBreakdownLine(): string {
  let smaps: string;
  try {
    smaps = Deno.readTextFileSync("/proc/self/smaps");
  } catch {
    return "";
  }
  const b = rssBreakdown(smaps, Deno.execPath());
  const mb = (n: number) => (n / MB).toFixed(0);
  return `exe ${mb(b.executable)} native ${mb(b.nativeHeap)} anon ${mb(b.otherAnonymous)} files ${mb(b.otherFiles)}`;
}
