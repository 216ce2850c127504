// The app with the real engine (database queue, no orchestrator) and a fake Jira to sync from: what the preview and
// apply tests need to re-transform from stored raw pages. close() stops all three.
import { startTestApp } from "../support/app.ts";
import type { AdapterKind } from "../support/db.ts";
import { startFakeJira } from "../fakes/jira/mod.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { type EngineServices, startEngineServices } from "../../server/engine_services.ts";
import { FAST_HTTP } from "../jira/support.ts";
import { syncRecordedJira } from "./support.ts";

/** The app with the engine, and a tenant whose Jira integration synced the recorded pages once. */
export async function startSyncedApp(kind: AdapterKind) {
  const started = await startEngineApp(kind);
  try {
    const tenantId = await started.app.tenant("Acme");
    const admin = await started.app.user(tenantId, "admin");
    const id = await syncRecordedJira(started.app.db, tenantId, started.jira, started.connector);
    return { ...started, tenantId, admin, id };
  } catch (e) {
    await started.close();
    throw e;
  }
}

export async function startEngineApp(kind: AdapterKind) {
  const jira = await startFakeJira({});
  const connector = createJiraConnector({ http: FAST_HTTP });
  let services: EngineServices | undefined;
  try {
    const app = await startTestApp(kind, {
      env: { AMQP_URL: "" },
      extend: async (deps) => {
        services = await startEngineServices(deps, [connector], { orchestrator: false, backfill: false });
      },
    });
    const close = async () => {
      await services?.stop();
      await app.close();
      await jira.close();
    };
    return { app, jira, connector, close };
  } catch (e) {
    await jira.close();
    throw e;
  }
}
