// Private PostgreSQL and RabbitMQ instances for outage tests: each lives in a temp dir on free ports, so a test can
// stop and start it mid-run without touching the shared services other tests (and other engineers) use.
// `ownPostgres()` / `ownRabbitMq()` return a reason string instead when the server binaries are not installed.
import { connectPostgres } from "../../db/postgres.ts";

const PG_BIN = "/usr/lib/postgresql/15/bin";
const RABBIT_SERVER = "/usr/sbin/rabbitmq-server";

export interface OwnService {
  /** Connection URL (postgres://… or amqp://…). */
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const isRoot = () => Deno.uid?.() === 0;

async function run(cmd: string, args: string[], env: Record<string, string> = {}, asPostgres = false) {
  // initdb and postgres refuse to run as root; the Debian package's postgres user runs them instead
  const [program, argv] = asPostgres && isRoot() ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  const out = await new Deno.Command(program, { args: argv, env, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`${cmd} ${args.join(" ")} failed: ${text.slice(-800)}`);
  }
}

async function waitUntil(what: string, ready: () => Promise<boolean>, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

/** A fresh PostgreSQL 15 cluster with one database `sluice`; trust authentication on 127.0.0.1 only. */
export async function ownPostgres(): Promise<OwnService | string> {
  if (!exists(`${PG_BIN}/initdb`)) return `PostgreSQL server binaries not found in ${PG_BIN}`;
  const dir = await Deno.makeTempDir({ prefix: "sluice-own-pg-" });
  if (isRoot()) await run("chown", ["postgres", dir]);
  const data = `${dir}/data`;
  const port = freePort();
  await run(`${PG_BIN}/initdb`, ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], {}, true);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const start = async () => {
    await run(`${PG_BIN}/pg_ctl`, ["-D", data, "-o", options, "-l", `${dir}/log`, "-w", "-t", "60", "start"], {}, true);
  };
  const stop = () => run(`${PG_BIN}/pg_ctl`, ["-D", data, "-m", "fast", "-w", "stop"], {}, true);
  await start();
  const admin = connectPostgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1 });
  try {
    await admin.query("CREATE DATABASE sluice");
  } finally {
    await admin.close();
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/sluice`,
    start,
    stop,
    async close() {
      await stop().catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** A single RabbitMQ node of its own (node name, AMQP and distribution ports, data dir), no plugins. */
export async function ownRabbitMq(): Promise<OwnService | string> {
  if (!exists(RABBIT_SERVER)) return `RabbitMQ server not found at ${RABBIT_SERVER}`;
  const dir = await Deno.makeTempDir({ prefix: "sluice-own-rabbit-" });
  // Debian's rabbitmq-server drops to the rabbitmq user when started as root
  if (isRoot()) await run("chown", ["rabbitmq", dir]).catch(() => {});
  const port = freePort();
  const node = `sluice_test_${port}@localhost`;
  await Deno.writeTextFile(`${dir}/enabled_plugins`, "[].\n");
  await Deno.writeTextFile(`${dir}/rabbitmq.conf`, "loopback_users = none\n");
  const env = {
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(freePort()),
    RABBITMQ_MNESIA_BASE: `${dir}/mnesia`,
    RABBITMQ_LOG_BASE: `${dir}/log`,
    RABBITMQ_ENABLED_PLUGINS_FILE: `${dir}/enabled_plugins`,
    RABBITMQ_CONFIG_FILE: `${dir}/rabbitmq`,
    RABBITMQ_PID_FILE: `${dir}/pid`,
  };
  let server: Deno.ChildProcess | undefined;
  const accepting = async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      // a node that accepts TCP before it is booted closes at once; a booted one answers the protocol header
      await conn.write(new TextEncoder().encode("AMQP\x00\x00\x09\x01"));
      const buf = new Uint8Array(8);
      const n = await Promise.race([conn.read(buf), new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
      return n !== null && n > 0 && buf[0] === 1; // a connection.start frame
    } finally {
      conn.close();
    }
  };
  const start = async () => {
    server = new Deno.Command(RABBIT_SERVER, { env, cwd: dir, stdout: "null", stderr: "null" }).spawn();
    await waitUntil(`RabbitMQ node ${node}`, accepting, 60_000);
  };
  const stop = async () => {
    if (!server) return;
    await run("rabbitmqctl", ["-n", node, "stop"], env).catch(() => server?.kill("SIGKILL"));
    await server.status;
    server = undefined;
  };
  await start();
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    start,
    stop,
    async close() {
      await stop().catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
