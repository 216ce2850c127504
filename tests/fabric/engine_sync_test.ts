// The Fabric connector run by the real engine (queued extract → transform, data then commit step) against the fake
// OneLake, on every queue adapter (and on the embedded database with the database queue): a first run reads the
// whole Delta table, a second reads the appended and deleted versions only and commits the new version; counters
// settle; the job details show the table, its version and rows.
import { assertEquals } from "../support/assert.ts";
import { createFabricConnector } from "../../engine/connectors/fabric/connector.ts";
import { engineCombos } from "../engine/support/harness.ts";
import { runToFinished, withConnectorEngine } from "../engine/support/connector_engine.ts";
import { providerFigures } from "../../routes/app/etl/job_details.ts";
import { FAST_ONELAKE, FIELDS, loadedRows, orders, sortById, withFabric } from "./support.ts";

for (const { kind, queueKind } of engineCombos()) {
  Deno.test(`fabric via engine[${kind}/${queueKind}]: full read, then new versions only`, () =>
    withFabric(kind, async ({ db, graph, lake, table, tenantId, integrationId }) => {
      table.create(FIELDS, orders(1, 40));
      const connector = createFabricConnector({ onelake: FAST_ONELAKE });
      await withConnectorEngine(
        { db, queueKind, connector, tenantId, integrationId, credentials: graph.credentials },
        async (e) => {
          const first = await runToFinished(e, db, tenantId);
          assertEquals(await loadedRows(db, integrationId), sortById(table.rows()));
          // every request the run sent counts: OneLake's and the storage token's (its source outlives the run)
          const [run1] = await db.query<{ requests_made: number }>("SELECT requests_made FROM etl_runs WHERE id = $1", [
            first,
          ]);
          assertEquals(graph.tokensIssued, 1);
          assertEquals(run1.requests_made, lake.requests.length + graph.requests.length);

          table.append(orders(41, 45));
          table.deleteWhere((r) => Number(r.Id) <= 5);
          await runToFinished(e, db, tenantId);
          assertEquals(await loadedRows(db, integrationId), sortById(table.rows()));
          const figures = await providerFigures(db, tenantId, integrationId, "fabric");
          assertEquals(figures.map((f) => [f.key, f.value]), [["tables", 1], ["rows", 40]]);
          const [{ delta_version }] = await db.query<{ delta_version: string }>(
            "SELECT delta_version FROM fabric_tables WHERE tenant_id = $1",
            [tenantId],
          );
          assertEquals(Number(delta_version), 2);
        },
      );
    }));
}
