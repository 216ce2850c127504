// The content digest sees what a sync loaded and nothing else: two clean syncs into two databases agree, and a
// change to one loaded value (or to what a reference points at) is found and named.
import { assert, assertEquals, assertNotEquals } from "./assert.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { runSync } from "../jira/driver.ts";
import { FAST_HTTP, mapCustomFields, withJira } from "../jira/support.ts";
import { primaryKind } from "./db.ts";
import { contentDigest, describeDifference } from "./content_hash.ts";

const connector = createJiraConnector({ http: FAST_HTTP });

async function syncedDigest(mutate?: (db: import("../../db/port.ts").Db) => Promise<void>) {
  let out: Awaited<ReturnType<typeof contentDigest>> | undefined;
  await withJira(primaryKind(), {}, async ({ db, tenantId, integrationId, credentials }) => {
    await mapCustomFields(db, tenantId, integrationId, {
      sprints: "customfield_10020",
      storyPoints: "customfield_10024",
      development: "customfield_10000",
    });
    await runSync({ db, connector, tenantId, integrationId, credentials });
    await mutate?.(db);
    out = await contentDigest(db);
  });
  return out!;
}

Deno.test(`content hash[${primaryKind()}]: equal for two clean syncs, different and named after one change`, async () => {
  const a = await syncedDigest();
  const b = await syncedDigest();
  assertEquals(describeDifference(a, b), "");
  assertEquals(a.hash, b.hash);
  assert(a.tables.work_items.rows > 0 && a.tables.changelogs.rows > 0);

  const c = await syncedDigest(async (db) => {
    await db.query(
      "UPDATE work_items SET total_completions = total_completions + 1 WHERE id = (SELECT min(id) FROM work_items)",
    );
  });
  assertNotEquals(a.hash, c.hash);
  assert(describeDifference(a, c).startsWith("work_items:"), describeDifference(a, c));

  // a changelog that points at another status is a different changelog, though no column of its own changed
  const d = await syncedDigest(async (db) => {
    await db.query(
      "UPDATE changelogs SET to_status_id = (SELECT max(id) FROM statuses) WHERE id = (SELECT min(id) FROM changelogs WHERE to_status_id <> (SELECT max(id) FROM statuses))",
    );
  });
  assertEquals(Object.keys(a.tables).filter((t) => a.tables[t].hash !== d.tables[t].hash), ["changelogs"]);
});
