// A crash in the middle of a delta round (users, then a group whose members span pages) resumes from the last
// committed page's link: no page is fetched twice, and the database ends with exactly the content of an
// uninterrupted run (content digest over every loaded column) — no gap, no duplicate.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { contentDigest, describeDifference } from "../support/content_hash.ts";
import { cleanDigest, inFreshTenant } from "../support/fresh_tenant.ts";
import { createEntraConnector, ENTRA_STEP } from "../../engine/connectors/entra/connector.ts";
import { runSync } from "../jira/driver.ts";
import { FAST_HTTP, pointAtFake, seedDirectory, withEntra } from "./support.ts";

const kind = primaryKind();

for (const step of [ENTRA_STEP.users, ENTRA_STEP.groups]) {
  Deno.test(`entra crash[${kind}]: a crash after page 2 of ${step} resumes there, content as a clean run`, () =>
    withEntra(kind, { fake: { pageSize: 3, memberSlice: 2 } }, async ({ db, graph, sync }) => {
      seedDirectory(graph, 12);
      const expected = await cleanDigest(db, sync);
      await inFreshTenant(kind, async (otherDb, tenantId) => {
        const base = {
          db: otherDb,
          tenantId,
          integrationId: await pointAtFake(otherDb, tenantId, graph),
          credentials: graph.credentials,
          connector: createEntraConnector({ http: FAST_HTTP }),
        };
        const crashed = await runSync({ ...base, stopAfter: { step, pages: 2 } });
        assert(crashed.stopped);
        const fetchedAtCrash = graph.requests.filter((r) => r.path.endsWith("/delta")).map((r) => r.query.$skiptoken);
        const before = graph.requests.length;
        const resumed = await runSync({ ...base, resume: crashed });
        assert(!resumed.stopped);
        const resource = step === ENTRA_STEP.users ? "users" : "groups";
        const next = graph.requests.slice(before).find((r) => r.path.endsWith(`/${resource}/delta`));
        assert(next?.query.$skiptoken, "the resumed run continues with the saved next link");
        assert(!fetchedAtCrash.includes(next!.query.$skiptoken), "no page is fetched twice");
        const got = await contentDigest(otherDb);
        assertEquals(got.hash, expected.hash, describeDifference(expected, got));
      });
    }));
}
