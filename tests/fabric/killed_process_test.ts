// Issue #15: the Fabric job run by engine processes that are SIGKILLed at random moments (pages inside row groups
// of a Delta table with an appended version and a deletion, then the commit step), on each queue adapter, ends
// with exactly the content of a clean run — the loaded rows, the table's schema and the Delta version read — with
// every run's counters settled. The fakes (identity platform, OneLake) live in the test process and survive.
import { assertEquals } from "../support/assert.ts";
import { needsPostgres } from "../support/db.ts";
import { contentDigest } from "../support/content_hash.ts";
import { inFreshTenant } from "../support/fresh_tenant.ts";
import { createFabricConnector } from "../../engine/connectors/fabric/connector.ts";
import { queueKinds } from "../engine/support/harness.ts";
import { readyJob, runToFinished, withConnectorEngine } from "../engine/support/connector_engine.ts";
import { assertKillsChangeNothing } from "../engine/support/kill_loop.ts";
import { FAST_ONELAKE, FIELDS, loadedRows, orders, pointAtFakes, sortById, withFabric } from "./support.ts";

const ROWS = 360;
const KILLS = 4;

for (const queueKind of queueKinds()) {
  Deno.test(
    needsPostgres(`fabric crash [${queueKind}]: ${KILLS} SIGKILLed workers end with a clean run's content`),
    () =>
      withFabric("postgres", async ({ db, graph, table, tenantId, integrationId, settings }) => {
        table.create(FIELDS, orders(1, ROWS / 2));
        table.append(orders(ROWS / 2 + 1, ROWS));
        table.deleteWhere((r) => Number(r.Id) % 7 === 0);
        const connector = createFabricConnector({ onelake: FAST_ONELAKE });
        const credentials = graph.credentials;
        await withConnectorEngine(
          { db, queueKind, connector, tenantId, integrationId, credentials },
          async (e) => void await runToFinished(e, db, tenantId),
        );
        assertEquals(await loadedRows(db, integrationId), sortById(table.rows()));
        const reference = await contentDigest(db);

        await inFreshTenant("postgres", async (crashedDb, crashedTenant) => {
          const crashedIntegration = await pointAtFakes(crashedDb, crashedTenant, graph, settings);
          await assertKillsChangeNothing(reference, {
            db: crashedDb,
            queueKind,
            source: "fabric",
            connector,
            credentials,
            tenantId: crashedTenant,
            jobId: await readyJob(crashedDb, crashedTenant, crashedIntegration),
            kills: KILLS,
            lifetimeMs: () => 500 + Math.random() * 1200,
          });
        });
      }),
  );
}
