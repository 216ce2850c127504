// The Entra ID connector run by the real engine (queued extract → transform stages, three steps) against the fake
// Graph, on every queue adapter (and on the embedded database with the database queue): a first run walks every
// page of users and groups and links identities; a second run follows the delta links the first committed, applies
// a change and a deletion and finishes with settled counters; a third run over an unchanged directory writes
// nothing.
import { assert, assertEquals } from "../support/assert.ts";
import { createEntraConnector } from "../../engine/connectors/entra/connector.ts";
import { engineCombos } from "../engine/support/harness.ts";
import { runToFinished, withConnectorEngine } from "../engine/support/connector_engine.ts";
import { count } from "../github/support.ts";
import { addIdentities, FAST_HTTP, person, seedDirectory, userId, withEntra } from "./support.ts";

for (const { kind, queueKind } of engineCombos()) {
  Deno.test(`entra via engine[${kind}/${queueKind}]: full walk, delta round, no-op round`, () =>
    withEntra(kind, { fake: { pageSize: 4, memberSlice: 3 } }, async ({ db, graph, tenantId, integrationId }) => {
      seedDirectory(graph, 25);
      await addIdentities(db, tenantId, [{ provider: "jira", externalId: "j7", email: "person7@acme.example" }]);
      const connector = createEntraConnector({ http: FAST_HTTP });
      await withConnectorEngine(
        { db, queueKind, connector, tenantId, integrationId, credentials: graph.credentials },
        async (e) => {
          const first = await runToFinished(e, db, tenantId);
          // every request the run sent counts, the token request included (the token source outlives the run)
          const [run1] = await db.query<{ requests_made: number }>("SELECT requests_made FROM etl_runs WHERE id = $1", [
            first,
          ]);
          assertEquals(graph.tokensIssued, 1);
          assertEquals(run1.requests_made, graph.requests.length, "requests_made counts the token request");
          assertEquals(await count(db, "directory_people", "active"), 25);
          assertEquals(await count(db, "directory_group_members"), 13 + 25);
          assertEquals(await count(db, "directory_identity_links", "method = 'mail'"), 1);
          assertEquals(await count(db, "directory_delta_state", "delta_link IS NOT NULL AND pending_link IS NULL"), 2);

          graph.directory.updateUser(userId(9), { department: "Security" });
          graph.directory.removeUser(userId(7));
          graph.directory.putUser(person(26));
          const second = await runToFinished(e, db, tenantId);
          assertEquals(await count(db, "directory_people", "active"), 25);
          assertEquals(await count(db, "directory_people", "department = 'Security'"), 1);
          assertEquals(await count(db, "directory_identity_links"), 0, "the link to the removed person is dropped");
          const [run2] = await db.query<{ requests_made: number }>("SELECT requests_made FROM etl_runs WHERE id = $1", [
            second,
          ]);
          assert(run2.requests_made <= 4, `a delta round reads only changes (${run2.requests_made} requests)`);

          const third = await runToFinished(e, db, tenantId);
          const [run3] = await db.query<{ rows_written: number }>("SELECT rows_written FROM etl_runs WHERE id = $1", [
            third,
          ]);
          assertEquals(Number(run3.rows_written), 0, "an unchanged directory writes nothing");
        },
      );
    }));
}
