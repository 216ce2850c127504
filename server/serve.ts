// `sluice serve`: open the database, migrate, load keys, create the first admin if needed, start the HTTP
// server, and shut down cleanly on SIGINT/SIGTERM.
import type { Config } from "./config.ts";
import { isEmbedded } from "./config.ts";
import { openDatabase } from "../db/connect.ts";
import { migrate } from "../db/migrate.ts";
import { deriveKeys, ensureFirstAdmin, loadSecrets } from "./bootstrap.ts";
import type { AppDeps } from "./context.ts";
import { createApp } from "./app.ts";
import { log } from "../lib/log.ts";
import { startEngineServices } from "./engine_services.ts";
import { openVectorServices } from "./vectors.ts";
import { productionConnectors } from "../engine/connectors/available.ts";
import { setupIslands } from "./islands/mod.ts";
import { closeMetrics } from "./metrics/metrics.ts";

export interface RunningServer {
  url: string;
  deps: AppDeps;
  firstAdmin: { email: string; password: string } | null;
  shutdown(): Promise<void>;
}

export async function startServer(config: Config, options: { dev?: boolean } = {}): Promise<RunningServer> {
  const t0 = performance.now();
  // pages render through the islands runtime: build (if stale) and load it before the first request
  await setupIslands({ dev: options.dev });
  const db = await openDatabase(config);
  const applied = await migrate(db);
  if (applied.length) log.info("migrations applied", { versions: applied });
  const keys = await deriveKeys(await loadSecrets(config));
  const firstAdmin = await ensureFirstAdmin(db);
  const deps: AppDeps = { config, db, keys, readiness: [], services: {} };
  let vectors;
  try {
    vectors = await openVectorServices(config, db, { strict: true });
  } catch (e) {
    await db.close();
    throw e;
  }
  const engine = await startEngineServices(deps, productionConnectors(), { vectors });
  const app = createApp(deps);
  const ready = Promise.withResolvers<string>();
  const server = Deno.serve({
    port: config.PORT,
    hostname: config.HOSTNAME,
    onListen: ({ hostname, port }) => {
      const host = hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
      ready.resolve(config.PUBLIC_URL ?? `http://${host}:${port}`);
    },
  }, app.fetch);
  const url = await ready.promise;
  log.info("listening", {
    url,
    mode: isEmbedded(config) ? "embedded" : "services",
    database: db.kind,
    startupMs: Math.round(performance.now() - t0),
  });
  return {
    url,
    deps,
    firstAdmin,
    async shutdown() {
      await server.shutdown();
      closeMetrics(deps);
      await engine.stop();
      await db.close();
    },
  };
}

export async function serve(config: Config, options: { dev?: boolean } = {}) {
  const running = await startServer(config, options);
  // one write, so the banner and the one-time password arrive together
  const banner = [`\n  Sluice is running at ${running.url}\n`];
  if (running.firstAdmin) {
    banner.push(
      `  First start: sign in as ${running.firstAdmin.email} with the one-time password\n\n` +
        `      ${running.firstAdmin.password}\n\n  (shown only now; you will be asked to change it)\n`,
    );
  }
  console.log(banner.join("\n"));
  const stop = Promise.withResolvers<void>();
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, () => stop.resolve());
  await stop.promise;
  log.info("shutting down");
  await running.shutdown();
}
