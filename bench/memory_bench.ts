// Idle memory of the embedded mode: starts `main.ts serve` (flags of `deno task start`, no DATABASE_URL/AMQP_URL)
// on a fresh data dir, waits until it is idle, reads its resident set size from /proc; then stops it and starts
// it again on the same dir (the everyday restart) and reads it again. Both are compared with the target.
//
//   deno run -A bench/memory_bench.ts          MEMORY_BENCH_IDLE_SECONDS=10
import { startSluice } from "./load/child_server.ts";

const TARGET_MB = 350;
const IDLE_SECONDS = Number(Deno.env.get("MEMORY_BENCH_IDLE_SECONDS") ?? 10);

async function rssMb(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
}

/** RSS once idle: sampled every second for IDLE_SECONDS after listening; the last sample is what idles. */
async function idleRss(pid: number): Promise<{ last: number; peak: number }> {
  let peak = 0;
  let last = 0;
  for (let i = 0; i < IDLE_SECONDS; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    last = await rssMb(pid);
    peak = Math.max(peak, last);
  }
  return { last, peak };
}

const dataDir = await Deno.makeTempDir({ prefix: "sluice-memory-bench-" });
const results: Array<{ name: string; last: number; peak: number; startMs: number }> = [];
try {
  for (const name of ["first start (fresh data dir)", "restart (same data dir)"]) {
    const t0 = performance.now();
    const server = await startSluice({ PORT: "0", HOSTNAME: "127.0.0.1", SLUICE_DATA_DIR: dataDir });
    const startMs = performance.now() - t0;
    try {
      // one request, as a user's first page view would make, so lazily loaded parts are counted too
      await (await fetch(`${server.url}/login`)).arrayBuffer();
      results.push({ name, ...(await idleRss(server.pid)), startMs });
    } finally {
      await server.stop();
    }
  }
} finally {
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
}
console.log(`\nEmbedded mode, idle resident memory after ${IDLE_SECONDS} s (target ≤ ${TARGET_MB} MB)\n`);
let met = true;
for (const r of results) {
  const ok = r.last <= TARGET_MB;
  if (!ok) met = false;
  console.log(
    `  ${r.name.padEnd(30)} ${r.last.toFixed(0).padStart(5)} MB idle (peak ${r.peak.toFixed(0)} MB, ready in ${
      (r.startMs / 1000).toFixed(1)
    } s)  ${(r.last / TARGET_MB * 100).toFixed(0)} % of target  ${ok ? "met" : "NOT met"}`,
  );
}
console.log(`\n  target: ${met ? "met" : "NOT met"}\n`);
