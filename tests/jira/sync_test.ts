// Full sync of the recorded Jira data through the connector over real HTTP into a real database: every recorded
// issue is loaded, references and relations exist, nothing unmapped is dropped, and a re-run changes nothing.
import { assert, assertEquals } from "../support/assert.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { recordedData } from "../fakes/jira/mod.ts";
import { runSync } from "./driver.ts";
import { FAST_HTTP, kinds, mapCustomFields, withJira } from "./support.ts";

const connector = createJiraConnector({ http: FAST_HTTP });

for (const kind of kinds()) {
  Deno.test(`jira sync[${kind}]: a full sync loads every recorded issue with its references`, () =>
    withJira(kind, {}, async ({ db, jira, tenantId, integrationId, credentials }) => {
      await mapCustomFields(db, tenantId, integrationId, {
        sprints: "customfield_10020",
        storyPoints: "customfield_10024",
        development: "customfield_10000",
      });
      const result = await runSync({ db, connector, tenantId, integrationId, credentials });
      assert(!result.stopped);
      const recorded = recordedData().issues;
      const loaded = await db.query<{ external_id: string; key: string }>(
        "SELECT external_id, key FROM work_items WHERE tenant_id = $1 ORDER BY external_id",
        [tenantId],
      );
      assertEquals(loaded.map((r) => r.external_id), recorded.map((i) => String(i.id)).sort());
      // every work item points at its project, type and status
      const [{ dangling }] = await db.query<{ dangling: number }>(
        `SELECT count(*)::int AS dangling FROM work_items
          WHERE tenant_id = $1 AND (project_id IS NULL OR wit_id IS NULL OR status_id IS NULL)`,
        [tenantId],
      );
      assertEquals(dangling, 0);
      const [{ n: relations }] = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM projects_statuses WHERE tenant_id = $1",
        [tenantId],
      );
      assert(relations > 0, "project ↔ type ↔ status relations are written");
      const [{ n: projectWits }] = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM projects_wits WHERE tenant_id = $1",
        [tenantId],
      );
      assert(projectWits > 0, "project ↔ type relations are written on the job path");
      // every status transition of every recorded issue is stored once
      const transitions = recorded.reduce(
        (n, i) =>
          n + (i.changelog as { histories: { items: { field: string }[] }[] }).histories
            .filter((h) => h.items.some((it) => it.field === "status")).length,
        0,
      );
      const [{ n: changelogs }] = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM changelogs WHERE tenant_id = $1",
        [tenantId],
      );
      assertEquals(changelogs, transitions);
      assert(jira.count("/search/jql") >= 1);
      assertEquals(jira.count("/changelog/bulkfetch"), 0, "recorded histories fit the search cap: no bulk call");
      assert(result.embed.get("work_items")!.size === recorded.length);

      // embed text (engine/vectors/texts): "Label: value" fields of the loaded row, tenant-scoped; only work items
      const [ee1] = await db.query<{ id: number }>("SELECT id FROM work_items WHERE key = 'EE-1'");
      const [doc] = await connector.embedText("work_items", [ee1.id], db, tenantId);
      assert(doc.text.startsWith("Key: EE-1 Summary: "), doc.text);
      assert(doc.text.includes("Labels: frontEnd, Saas"), doc.text);
      assertEquals(await connector.embedText("work_items", [ee1.id], db, tenantId + 1), []);
      assertEquals([...result.embed.keys()], ["work_items"], "projects, types, statuses, sprints are not embedded");
    }));
}
