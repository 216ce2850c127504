// Issue #15: the Entra ID job run by engine processes that are SIGKILLed at random moments (users, groups with
// members spanning pages, identity links), on each queue adapter, ends with exactly the content of a clean run —
// people, groups, memberships, identity links and the delta links committed — with every run's counters settled.
// The fake Graph lives in the test process, so it survives the kills; small pages make many batches to interrupt.
import { assertEquals } from "../support/assert.ts";
import { needsPostgres } from "../support/db.ts";
import { contentDigest } from "../support/content_hash.ts";
import { inFreshTenant } from "../support/fresh_tenant.ts";
import { createEntraConnector } from "../../engine/connectors/entra/connector.ts";
import { queueKinds } from "../engine/support/harness.ts";
import { readyJob, runToFinished, withConnectorEngine } from "../engine/support/connector_engine.ts";
import { assertKillsChangeNothing } from "../engine/support/kill_loop.ts";
import { count } from "../github/support.ts";
import type { Db } from "../../db/port.ts";
import { addIdentities, FAST_HTTP, pointAtFake, seedDirectory, withEntra } from "./support.ts";

const PEOPLE = 120;
const KILLS = 4;

/** Jira and GitHub identities for every third person (by mail), so the links step has work to redo. */
const identities = (db: Db, tenantId: number) =>
  addIdentities(
    db,
    tenantId,
    Array.from({ length: PEOPLE / 3 }, (_, i) => ({
      provider: i % 2 ? "github" as const : "jira" as const,
      externalId: `u${3 * i + 1}`,
      email: `person${3 * i + 1}@acme.example`,
    })),
  );

for (const queueKind of queueKinds()) {
  Deno.test(
    needsPostgres(`entra crash [${queueKind}]: ${KILLS} SIGKILLed workers end with a clean run's content`),
    () =>
      withEntra(
        "postgres",
        { fake: { pageSize: 4, memberSlice: 3 } },
        async ({ db, graph, tenantId, integrationId }) => {
          seedDirectory(graph, PEOPLE);
          await identities(db, tenantId);
          const connector = createEntraConnector({ http: FAST_HTTP });
          const credentials = graph.credentials;
          await withConnectorEngine(
            { db, queueKind, connector, tenantId, integrationId, credentials },
            async (e) => void await runToFinished(e, db, tenantId),
          );
          assertEquals(await count(db, "directory_people", "active"), PEOPLE);
          assertEquals(await count(db, "directory_identity_links"), PEOPLE / 3);
          const reference = await contentDigest(db);

          await inFreshTenant("postgres", async (crashedDb, crashedTenant) => {
            const crashedIntegration = await pointAtFake(crashedDb, crashedTenant, graph);
            await identities(crashedDb, crashedTenant);
            await assertKillsChangeNothing(reference, {
              db: crashedDb,
              queueKind,
              source: "entra",
              connector,
              credentials,
              tenantId: crashedTenant,
              jobId: await readyJob(crashedDb, crashedTenant, crashedIntegration),
              kills: KILLS,
              lifetimeMs: () => 500 + Math.random() * 1200,
            });
          });
        },
      ),
  );
}
