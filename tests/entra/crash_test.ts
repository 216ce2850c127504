// A crash in the middle of a delta round (users, then a group whose members span pages) resumes from the last
// committed page's link: no page is fetched twice, and the database ends with exactly the content of an
// uninterrupted run (content digest over every loaded column) — no gap, no duplicate.
import { assert, assertEquals } from "../support/assert.ts";
import { createTestDb, primaryKind } from "../support/db.ts";
import { contentDigest, describeDifference } from "../support/content_hash.ts";
import { createTenant } from "../../db/seed.ts";
import { createEntraConnector, ENTRA_STEP } from "../../engine/connectors/entra/connector.ts";
import { runSync } from "../jira/driver.ts";
import { FAST_HTTP, pointAtFake, seedDirectory, withEntra } from "./support.ts";

const kind = primaryKind();

for (const step of [ENTRA_STEP.users, ENTRA_STEP.groups]) {
  Deno.test(`entra crash[${kind}]: a crash after page 2 of ${step} resumes there, content as a clean run`, () =>
    withEntra(kind, { fake: { pageSize: 3, memberSlice: 2 } }, async ({ db, graph, sync }) => {
      seedDirectory(graph, 12);
      const clean = await sync();
      assert(!clean.stopped);
      const expected = await contentDigest(db);

      const other = await createTestDb(kind);
      try {
        const tenantId = await createTenant(other.db, "Acme");
        const integrationId = await pointAtFake(other.db, tenantId, graph);
        const base = {
          db: other.db,
          tenantId,
          integrationId,
          credentials: graph.credentials,
          connector: createEntraConnector({ http: FAST_HTTP }),
        };
        const crashed = await runSync({ ...base, stopAfter: { step, pages: 2 } });
        assert(crashed.stopped);
        const fetchedAtCrash = graph.requests.filter((r) => r.path.endsWith("/delta")).map((r) => r.query.$skiptoken);
        const before = graph.requests.length;
        const resumed = await runSync({ ...base, resume: crashed });
        assert(!resumed.stopped);
        const next = graph.requests.slice(before).find((r) =>
          r.path.endsWith(`/${step === ENTRA_STEP.users ? "users" : "groups"}/delta`)
        );
        assert(next?.query.$skiptoken, "the resumed run continues with the saved next link");
        assert(!fetchedAtCrash.includes(next!.query.$skiptoken), "no page is fetched twice");
        const got = await contentDigest(other.db);
        assertEquals(got.hash, expected.hash, describeDifference(expected, got));
      } finally {
        await other.close();
      }
    }));
}
