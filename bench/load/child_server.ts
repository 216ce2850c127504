// Servers for benchmarks, each in a process of its own: `main.ts serve` with the flags of `deno task start` (the
// settings a user gets), or the hello baseline. Reads the child's stdout until it reports its URL, keeps draining
// it (so the child never blocks on a full pipe) and collects the first-start banner's one-time password.
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The runtime flags of `deno task start` (deno.json): a benchmark measures what a user runs. */
export const START_FLAGS = ["--unstable-cron", "--v8-flags=--max-semi-space-size=8"];
/** Extra runtime flags for the Sluice child, e.g. `BENCH_SERVER_FLAGS=--cpu-prof` to profile what a bench drives. */
const EXTRA_FLAGS = (Deno.env.get("BENCH_SERVER_FLAGS") ?? "").split(" ").filter(Boolean);

export interface ChildServer {
  url: string;
  pid: number;
  /** The one-time admin password of a first start, when the banner printed one. */
  firstPassword: string | null;
  /** Everything the child printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export function startSluice(env: Record<string, string>, timeoutMs = 600_000): Promise<ChildServer> {
  return startChild([...START_FLAGS, ...EXTRA_FLAGS, "main.ts", "serve"], env, timeoutMs);
}

export function startHello(): Promise<ChildServer> {
  return startChild([...START_FLAGS, "bench/load/hello_server.ts"], {}, 30_000);
}

/** Environment of the parent without the service URLs: a child decides its own mode. */
export function baseEnv(): Record<string, string> {
  const env = Deno.env.toObject();
  for (
    const k of [
      "DATABASE_URL",
      "AMQP_URL",
      "PORT",
      "HOSTNAME",
      "SLUICE_DATA_DIR",
      "JWT_SECRET",
      "SLUICE_SECRET_KEY",
      "LOG_LEVEL",
    ]
  ) {
    delete env[k];
  }
  return env;
}

async function startChild(args: string[], env: Record<string, string>, timeoutMs: number): Promise<ChildServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    cwd: ROOT,
    env: { ...baseEnv(), NO_COLOR: "1", ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let text = "";
  const listening = Promise.withResolvers<string>();
  const drained = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      text += decoder.decode(chunk, { stream: true });
      const m = /"msg":"listening".*?"url":"([^"]+)"/.exec(text);
      if (m) listening.resolve(m[1]);
    }
    listening.reject(new Error(`server exited before listening:\n${text}`));
  })();
  const timer = setTimeout(() => listening.reject(new Error(`server not listening after ${timeoutMs} ms`)), timeoutMs);
  let url: string;
  try {
    url = await listening.promise;
  } catch (e) {
    try {
      child.kill("SIGKILL");
    } catch { /* it exited on its own (the error says why) */ }
    await child.status;
    throw e;
  } finally {
    clearTimeout(timer);
  }
  // the banner is one write right after the listening line
  await new Promise((r) => setTimeout(r, 200));
  const password = /one-time password\s+(\S+)/.exec(text)?.[1] ?? null;
  return {
    url,
    pid: child.pid,
    firstPassword: password,
    output: () => text,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const killer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 10_000);
      await child.status;
      clearTimeout(killer);
      await drained.catch(() => {});
    },
  };
}
