// API and page speed against the runtime's own floor. In one run, for the embedded mode (PGlite, database queue)
// and — when DATABASE_URL is set — PostgreSQL, it starts `main.ts serve` in a child process with the flags of
// `deno task start` on a fresh data dir / database, signs the first admin in (changing the one-time password as a
// user must), and drives three targets with autocannon (another child process, 50 connections): a plain
// `Deno.serve` hello server, `GET /app/etl/jobs` (Bearer token) and `GET /` (session cookie). It prints
// throughput and p50/p99 for each and the ratios against hello. Targets: throughput ≥ 10 % of hello's and
// p99 ≤ 10× hello's, for both routes in both modes. The PostgreSQL mode keeps vectors in a Qdrant double
// (tests/fakes/qdrant): a PostgreSQL server without pgvector would stop startup, and these routes never touch them.
//
//   deno run -A bench/api_bench.ts            API_BENCH_SECONDS=10 (per target), API_BENCH_ROUNDS=1
import { baseEnv, type ChildServer, startHello, startSluice } from "./load/child_server.ts";
import { createTestDb, DATABASE_URL } from "../tests/support/db.ts";
import { startFakeQdrant } from "../tests/fakes/qdrant/server.ts";

const CONNECTIONS = 50;
const SECONDS = Number(Deno.env.get("API_BENCH_SECONDS") ?? 10);
const ROUNDS = Number(Deno.env.get("API_BENCH_ROUNDS") ?? 1);
const MIN_THROUGHPUT_RATIO = 0.10;
const MAX_P99_RATIO = 10;
const NEW_PASSWORD = "bench-password-0123456789";

interface Load {
  /** CPU time the server process spent per answered request, in ms (robust against other load on the machine). */
  cpuMs: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** utime + stime of a process in ms, from /proc (Linux). */
async function cpuTimeMs(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (USER_HZ = 100)
}

async function load(server: ChildServer, url: string, headers: Record<string, string> = {}, seconds = SECONDS) {
  const job = { url, connections: CONNECTIONS, seconds, headers };
  const cpu0 = await cpuTimeMs(server.pid);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./load/autocannon_run.ts", import.meta.url).pathname, JSON.stringify(job)],
    env: baseEnv(),
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`load generator failed for ${url}`);
  const cpu = await cpuTimeMs(server.pid) - cpu0;
  const result = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  return { ...result, cpuMs: cpu / Math.max(1, result.requests) } as Load;
}

/** First-start admin: sign in with the one-time password, change it, and keep the token the change returns. */
async function signIn(server: ChildServer): Promise<string> {
  if (!server.firstPassword) throw new Error(`no one-time password in the banner:\n${server.output()}`);
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(server.url + path, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json.token as string;
  };
  const first = await post("/auth/login", { email: "admin@sluice.local", password: server.firstPassword });
  return await post("/auth/password", { currentPassword: server.firstPassword, newPassword: NEW_PASSWORD }, first);
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });

function row(name: string, r: Load, hello: Load | null): string {
  const base = `  ${name.padEnd(18)} ${fmt(r.rps).padStart(7)} req/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${
    r.p99.toFixed(2).padStart(6)
  } ms  cpu ${(r.cpuMs * 1000).toFixed(0).padStart(5)} µs/req`;
  const faults = r.errors || r.non2xx ? `  (${r.errors} errors, ${r.non2xx} non-2xx!)` : "";
  if (!hello) return base + faults;
  const tput = r.rps / hello.rps;
  const p99 = r.p99 / hello.p99;
  const ok = tput >= MIN_THROUGHPUT_RATIO && p99 <= MAX_P99_RATIO && !r.errors && !r.non2xx;
  return `${base}   throughput ${(tput * 100).toFixed(1).padStart(5)} % of hello, p99 ${
    p99.toFixed(1).padStart(4)
  }× hello  ${ok ? "met" : "NOT met"}${faults}`;
}

async function benchMode(mode: "embedded" | "postgres"): Promise<boolean> {
  const dataDir = await Deno.makeTempDir({ prefix: "sluice-api-bench-" });
  const pg = mode === "postgres" ? await createTestDb("postgres", { migrate: false }) : null;
  // vectors live in Qdrant when the PostgreSQL server has no pgvector (the routes measured here never touch them)
  const qdrant = pg ? startFakeQdrant() : null;
  const env: Record<string, string> = { PORT: "0", HOSTNAME: "127.0.0.1", SLUICE_DATA_DIR: dataDir };
  if (pg) {
    env.DATABASE_URL = pg.url!;
    env.QDRANT_URL = qdrant!.url;
    env.JWT_SECRET = "bench-jwt-secret-0123456789abcdef0123456789";
    env.SLUICE_SECRET_KEY = "bench-data-key-0123456789abcdef0123456789";
  }
  const hello = await startHello();
  const sluice = await startSluice(env);
  let allMet = true;
  try {
    const token = await signIn(sluice);
    const targets: Array<{ name: string; server: ChildServer; url: string; headers: Record<string, string> }> = [
      {
        name: "GET /app/etl/jobs",
        server: sluice,
        url: `${sluice.url}/app/etl/jobs`,
        headers: { authorization: `Bearer ${token}` },
      },
      { name: "GET / (page)", server: sluice, url: `${sluice.url}/`, headers: { cookie: `sluice_session=${token}` } },
    ];
    // warm every path once (JIT, caches, connection pool) before measuring
    for (const t of [{ name: "hello", server: hello, url: hello.url, headers: {} }, ...targets]) {
      await load(t.server, t.url, t.headers, 2);
    }
    console.log(
      `\n${
        mode === "embedded" ? "Embedded (PGlite, database queue)" : "PostgreSQL (database queue)"
      }, ${CONNECTIONS} connections, ${SECONDS} s per target`,
    );
    for (let round = 1; round <= ROUNDS; round++) {
      if (ROUNDS > 1) console.log(` round ${round}`);
      const h = await load(hello, hello.url);
      console.log(row("hello (Deno.serve)", h, null));
      for (const t of targets) {
        const r = await load(t.server, t.url, t.headers);
        const line = row(t.name, r, h);
        if (line.includes("NOT met")) allMet = false;
        console.log(line);
      }
    }
  } finally {
    await sluice.stop();
    await hello.stop();
    await pg?.close();
    await qdrant?.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
  return allMet;
}

let met = await benchMode("embedded");
if (DATABASE_URL) met = (await benchMode("postgres")) && met;
else console.log("\nPostgreSQL: skipped (DATABASE_URL not set)");
console.log(
  `\ntargets (throughput ≥ ${MIN_THROUGHPUT_RATIO * 100} % of hello, p99 ≤ ${MAX_P99_RATIO}× hello): ${
    met ? "met" : "NOT met"
  }`,
);
