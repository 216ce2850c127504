// `sluice serve`: open the database, migrate, load keys, create the first admin if needed, start the HTTP
// server, and shut down cleanly on SIGINT/SIGTERM.
import type { Config } from "./config.ts";
import { isEmbedded } from "./config.ts";
import { openDatabase } from "../db/connect.ts";
import { migrate } from "../db/migrate.ts";
import { deriveKeys, ensureFirstAdmin, loadSecrets } from "./bootstrap.ts";
import type { AppDeps } from "./context.ts";
import { createApp } from "./app.ts";
import { log } from "./log.ts";

export interface RunningServer {
  url: string;
  deps: AppDeps;
  firstAdmin: { email: string; password: string } | null;
  shutdown(): Promise<void>;
}

export async function startServer(config: Config, _options: { dev?: boolean } = {}): Promise<RunningServer> {
  const t0 = performance.now();
  const db = await openDatabase(config);
  const applied = await migrate(db);
  if (applied.length) log.info("migrations applied", { versions: applied });
  const keys = await deriveKeys(await loadSecrets(config));
  const firstAdmin = await ensureFirstAdmin(db);
  const deps: AppDeps = { config, db, keys, readiness: [], services: {} };
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
      await db.close();
    },
  };
}

export async function serve(config: Config, options: { dev?: boolean } = {}) {
  const running = await startServer(config, options);
  console.log(`\n  Sluice is running at ${running.url}\n`);
  if (running.firstAdmin) {
    console.log(
      `  First start: sign in as ${running.firstAdmin.email} with the one-time password\n\n` +
        `      ${running.firstAdmin.password}\n\n  (shown only now; change it after signing in)\n`,
    );
  }
  const stop = Promise.withResolvers<void>();
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, () => stop.resolve());
  await stop.promise;
  log.info("shutting down");
  await running.shutdown();
}
