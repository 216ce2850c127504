// Hands the native allocator's free pages back to the system between pages of a long sync. glibc's malloc keeps
// what it freed inside its heaps (the main heap and one arena per busy thread) and only gives back the top of the
// main heap on its own; the fetch bodies, socket buffers and ArrayBuffer contents of a Jira sync leave a third to
// a half of those heaps free but resident (measured at 100,000 issues: 15–38 MB of 50–75 MB). malloc_trim(0)
// returns every whole free page of every arena (madvise), in about a millisecond.
//
// glibc-only and optional: elsewhere (macOS, Windows, musl) or without the FFI permission it does nothing — the
// permission is queried, never prompted for, so a run without it is not interrupted by a question.

/** Trims at most this often: a dev-status page takes ~50 ms, and each trim walks every arena. */
const MIN_INTERVAL_MS = 200;

type Trim = () => void;

let trim: Trim | null | undefined;
let last = -Infinity;

function openTrim(): Trim | null {
  if (Deno.build.os !== "linux") return null;
  try {
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
    const libc = Deno.dlopen("libc.so.6", { malloc_trim: { parameters: ["usize"], result: "i32" } });
    return () => void libc.symbols.malloc_trim(0n);
  } catch {
    // no glibc (musl names its library differently and has no malloc_trim): nothing to trim
    return null;
  }
}

/**
 * Returns the native heaps' free pages to the system (no-op without glibc, or when called again within 200 ms
 * unless `force`).
 */
export function releaseFreeNativeMemory(force = false, now = performance.now()): void {
  if (!force && now - last < MIN_INTERVAL_MS) return;
  last = now;
  if (trim === undefined) trim = openTrim();
  trim?.();
}

/**
 * New ArrayBuffer memory this far past what the last collection left makes V8 start collecting all garbage (its
 * external-memory limit; incremental marking, finished by tasks of the event loop); a zero-filled buffer this size
 * is mapped but never touched, so it costs no resident memory.
 */
const COLLECT_NUDGE_BYTES = 512 * 1024 * 1024;

/**
 * At 100,000 issues (a ~150 MB heap) the collection is done 10–20 ms later; the trim waits that long (a larger heap
 * may take longer: what the trim misses then, the next page's trim takes).
 */
const COLLECT_WAIT_MS = 25;

/**
 * Between two steps of a sync: has V8 collect the garbage the last step left (without --expose-gc, which default
 * flags lack), then trims the native heaps the collected ArrayBuffers freed. Otherwise the next step starts on the
 * old generation the last one filled (at 100,000 issues the issue step's recompute left it at 50–57 MB, from 38)
 * and only collects once its own pages push it further.
 */
export async function releaseMemoryBetweenSteps(): Promise<void> {
  try {
    new ArrayBuffer(COLLECT_NUDGE_BYTES);
  } catch {
    // no address space for it (a strict ulimit): V8 collects later on its own
  }
  await new Promise((resolve) => setTimeout(resolve, COLLECT_WAIT_MS));
  releaseFreeNativeMemory(true);
}
