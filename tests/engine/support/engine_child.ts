// A Sluice engine in its own process, for crash and leader tests (spawned with `deno run`, killed with SIGKILL).
//   CHILD_MODE=worker: stage workers + an orchestrator tick every TICK_MS, until killed.
//   CHILD_MODE=leader: orchestrator ticks only, until STOP_FILE exists, then a clean exit (releasing the leader lock).
// CONNECTOR (jira | entra | fabric) with CREDENTIALS (JSON) adds that source's connector (quick retries, no pacing)
// beside the synthetic one, the credentials handed over as-is (the tests never encrypt).
// Prints one JSON line per event of interest on stdout: {"ready":…}, {"tick":…}.
import { connectPostgres } from "../../../db/postgres.ts";
import { openDbQueue } from "../../../engine/queue/db_queue.ts";
import { openRabbitQueue } from "../../../engine/queue/rabbit_queue.ts";
import { createEngine } from "../../../engine/engine.ts";
import { OPEN_ADDRESSES } from "../../../engine/http/address_guard.ts";
import { createSyntheticConnector } from "../../../engine/connectors/synthetic/connector.ts";
import { sourceConnector } from "./source_connectors.ts";
import { setLogLevel } from "../../../lib/log.ts";

setLogLevel("error");
const env = (name: string, fallback?: string) => {
  const v = Deno.env.get(name) ?? fallback;
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
};
const mode = env("CHILD_MODE");
const db = connectPostgres(env("DATABASE_URL"), { max: 6 });
const prefix = env("QUEUE_PREFIX");
const maxAttempts = Number(env("MAX_ATTEMPTS", "20"));
const queue = env("QUEUE_KIND", "db") === "db"
  ? await openDbQueue(db, {
    prefix,
    maxAttempts,
    visibilityTimeoutMs: Number(env("VISIBILITY_MS", "1500")),
    pollIntervalMs: 100,
  })
  : await openRabbitQueue({ url: env("AMQP_URL"), prefix, maxAttempts, connectionName: `sluice-child-${prefix}` });
const source = Deno.env.get("CONNECTOR");
const credentials = source ? JSON.parse(env("CREDENTIALS")) : undefined;
const engine = createEngine({
  addressGuard: OPEN_ADDRESSES,
  db,
  queue,
  connectors: source ? [createSyntheticConnector(), sourceConnector(source)] : [createSyntheticConnector()],
  openCredentials: source ? () => Promise.resolve(credentials) : undefined,
  chunkPages: 2,
  staleAfterMs: Number(env("STALE_MS", "1500")),
  concurrency: { extract: 1, transform: 2, embed: 2 },
});
const say = (o: object) => console.log(JSON.stringify(o));
const tickMs = Number(env("TICK_MS", "250"));

if (mode === "worker") {
  await engine.startWorkers();
  say({ ready: engine.owner });
  for (;;) {
    const report = await engine.orchestrator.tick();
    if (report.takenOver.length || report.resumed.length || report.errors.length) say({ tick: report });
    await new Promise((r) => setTimeout(r, tickMs));
  }
} else {
  say({ ready: engine.owner });
  // Runs until the test creates STOP_FILE (so a slow machine cannot end the process before the test has seen what
  // it waits for), or DURATION_MS as a safety net.
  const until = Date.now() + Number(env("DURATION_MS", "60000"));
  const stopFile = env("STOP_FILE", "");
  const stopped = () =>
    stopFile !== "" && (() => {
      try {
        return Deno.statSync(stopFile).isFile;
      } catch {
        return false;
      }
    })();
  while (Date.now() < until && !stopped()) {
    say({ tick: await engine.orchestrator.tick() });
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await engine.close();
  await queue.close();
  await db.close();
}
