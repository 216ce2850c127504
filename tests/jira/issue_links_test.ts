// Issue links against the fake Jira: the site's link types (recorded issues.apache.org /issueLinkType) and the links
// on the recorded issues, stored field by field once per link in its outward direction whichever side it was read
// from, a link to an issue outside the synced projects kept by key, and a removal reconciled when only one of the two
// linked issues is synced again.
import { assertEquals } from "../support/assert.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { recordedData } from "../fakes/jira/mod.ts";
import { runSync } from "./driver.ts";
import { FAST_HTTP, kinds, withJira } from "./support.ts";
import type { Db } from "../../db/port.ts";

const connector = createJiraConnector({ http: FAST_HTTP });
// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

const linkTypes = () => recordedData().apache.linkTypes as Obj[];
const typeNamed = (name: string) => linkTypes().find((t) => t.name === name)!;
const issue = (key: string) => recordedData().issues.find((i) => i.key === key) as Obj;
const linked = (i: Obj) => ({ id: String(i.id), key: i.key, self: `https://fake/rest/api/3/issue/${i.id}` });

async function storedLinks(db: Db, integrationId: number) {
  return await db.query<Obj>(
    `SELECT external_id, type_external_id, type_name, inward, outward, source_external_id, source_key,
            target_external_id, target_key FROM work_item_links WHERE integration_id = $1 ORDER BY external_id`,
    [integrationId],
  );
}

for (const kind of kinds()) {
  Deno.test(`jira issue links[${kind}]: types and links field by field, out-of-scope ends by key, removals`, () =>
    withJira(kind, {}, async ({ db, jira, integrationId, tenantId, credentials }) => {
      const [a, b] = [issue("EE-1"), issue("EE-19")];
      const blocker = typeNamed("Blocker");
      const cloners = typeNamed("Cloners");
      const outside = { id: "13999001", key: "ZOO-7", self: "https://fake/rest/api/3/issue/13999001" };
      const t0 = Date.now();
      // EE-1 blocks EE-19 (seen from both sides) and is a clone of ZOO-7, an issue of a project never synced
      jira.updateIssue("EE-1", {
        at: t0,
        fields: {
          issuelinks: [
            { id: "70001", type: blocker, outwardIssue: linked(b) },
            { id: "70002", type: cloners, outwardIssue: outside },
          ],
        },
      });
      jira.updateIssue("EE-19", {
        at: t0,
        fields: { issuelinks: [{ id: "70001", type: blocker, inwardIssue: linked(a) }] },
      });
      const t1 = new Date(t0 + 60_000);
      await runSync({ db, connector, tenantId, integrationId, credentials, windowTo: t1 });

      const types = await db.query<Obj>(
        "SELECT external_id, name, inward, outward FROM jira_link_types WHERE integration_id = $1",
        [integrationId],
      );
      const byId = (x: Obj, y: Obj) => String(x.id ?? x.external_id).localeCompare(String(y.id ?? y.external_id));
      assertEquals(
        types.sort(byId),
        linkTypes().map((t) => ({ external_id: t.id, name: t.name, inward: t.inward, outward: t.outward })).sort(byId),
      );
      assertEquals(types.length, 17);
      const row = (id: string, type: Obj, source: Obj, target: Obj) => ({
        external_id: id,
        type_external_id: type.id,
        type_name: type.name,
        inward: type.inward,
        outward: type.outward,
        source_external_id: String(source.id),
        source_key: source.key,
        target_external_id: String(target.id),
        target_key: target.key,
      });
      assertEquals(await storedLinks(db, integrationId), [
        row("70001", blocker, a, b),
        row("70002", cloners, a, outside),
      ]);

      // the blocker link is removed; only EE-19 is synced again (EE-1 still lists it as it was last read)
      const t2 = t1.getTime() + 60_000;
      jira.updateIssue("EE-19", { at: t2, fields: { issuelinks: [] } });
      const second = await runSync({
        db,
        connector,
        tenantId,
        integrationId,
        credentials,
        windowFrom: t1,
        windowTo: new Date(t2 + 60_000),
      });
      assertEquals(second.recordsByKind.get("jira_issues"), 1, "only EE-19 came back");
      assertEquals(await storedLinks(db, integrationId), [row("70002", cloners, a, outside)]);
    }));
}
