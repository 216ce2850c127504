// A crash in the middle of a Fabric read (after a page inside a row group) resumes at the saved file, row group and
// slice — the target version is kept, so a version committed meanwhile waits for the next run — and the database
// ends with exactly the content of an uninterrupted run (content digest over every loaded column).
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { contentDigest, describeDifference } from "../support/content_hash.ts";
import { inFreshTenant } from "../support/fresh_tenant.ts";
import { createFabricConnector, FABRIC_STEP } from "../../engine/connectors/fabric/connector.ts";
import type { FabricCheckpoint } from "../../engine/connectors/fabric/extract/tables.ts";
import { runSync } from "../jira/driver.ts";
import { FAST_ONELAKE, FIELDS, orders, pointAtFakes, withFabric } from "./support.ts";

const kind = primaryKind();

Deno.test(`fabric crash[${kind}]: a crash mid row group resumes there, content as a clean run`, () =>
  withFabric(kind, async ({ db, graph, table, settings, sync }) => {
    table.create(FIELDS, orders(1, 10));
    table.append(orders(11, 20));
    table.deleteWhere((r) => r.Id === 4 || r.Id === 15);
    const clean = await sync();
    assert(!clean.stopped);
    const expected = await contentDigest(db);
    await inFreshTenant(kind, async (otherDb, tenantId) => {
      const base = {
        db: otherDb,
        tenantId,
        integrationId: await pointAtFakes(otherDb, tenantId, graph, settings),
        credentials: graph.credentials,
        connector: createFabricConnector({ onelake: FAST_ONELAKE }),
      };
      const crashed = await runSync({ ...base, stopAfter: { step: FABRIC_STEP.data, pages: 3 } });
      const cp = crashed.checkpoints.get(FABRIC_STEP.data) as FabricCheckpoint;
      assert(crashed.stopped && cp.slice > 0, `mid row group: ${JSON.stringify(cp)}`);
      const resumed = await runSync({ ...base, resume: crashed });
      assert(!resumed.stopped);
      assertEquals(crashed.pages + resumed.pages, clean.pages, "no page is read twice");
      const got = await contentDigest(otherDb);
      assertEquals(got.hash, expected.hash, describeDifference(expected, got));
    });
  }));
