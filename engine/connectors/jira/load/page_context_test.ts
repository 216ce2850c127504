// The page context statement and the write-only-what-changed helpers, on every adapter: ids of what exists, the
// stored state of people (unchanged / changed / new), an existing work item with its stored transition, tables
// holding rows without planner statistics until they are analyzed, and writeStale touching only stale rows.
import { assert, assertEquals } from "../../../../tests/support/assert.ts";
import { adapterKinds, withTestDb } from "../../../../tests/support/db.ts";
import { createTenant } from "../../../../db/seed.ts";
import { analyzeTables, type Scope, scoped, upsertChanged, writeStale } from "../../common/db_util.ts";
import { loadPageContext, loadStatusSteps } from "./page_context.ts";
import { IDENTITIES, STATUSES } from "./references.ts";
import { CHANGELOGS } from "./load_issues.ts";

const person = (scope: Scope, ext: string, name: string) =>
  scoped(scope, { external_id: ext, display_name: name, email: null, login: null, avatar_url: null, active: true });

for (const kind of adapterKinds()) {
  Deno.test(`page context[${kind}]: one statement reads ids, people state, stored history and missing statistics`, () =>
    withTestDb(kind, async (db) => {
      const tenantId = await createTenant(db, "Acme");
      const [{ id: integrationId }] = await db.query<{ id: number }>(
        "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
        [tenantId],
      );
      await db.transaction(async (tx) => {
        const scope: Scope = { tx, tenantId, integrationId };
        const [status] = await upsertChanged(tx, STATUSES, [
          scoped(scope, { external_id: "3", original_name: "In Progress", category: "In Progress", active: true }),
        ]);
        const [ada, grace] = await upsertChanged(tx, IDENTITIES, [
          person(scope, "u1", "Ada"),
          person(scope, "u2", "Grace"),
        ]);
        const [item] = await tx.query<{ id: number }>(
          "INSERT INTO work_items (tenant_id, integration_id, external_id, key) VALUES ($1, $2, '100', 'EE-1') RETURNING id",
          [tenantId, integrationId],
        );
        const at = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
        await upsertChanged(tx, CHANGELOGS, [scoped(scope, {
          external_id: "h1",
          work_item_id: item.id,
          to_status_id: status.id,
          transition_change_date: new Date(at).toISOString(),
          changed_by_id: ada.id,
          transition_start_date: new Date(at - 60_000).toISOString(),
          time_in_status_seconds: 60,
          active: true,
        })]);
        const sprintItems = [{ field: "Sprint", fieldId: "customfield_10020", from: "", to: "7", toString: "S 7" }];
        await tx.query(
          `INSERT INTO jira_field_histories (tenant_id, integration_id, work_item_id, external_id, changed_at, items)
           VALUES ($1, $2, $3, 'h2', $4, $5::jsonb)`,
          [tenantId, integrationId, item.id, new Date(at).toISOString(), JSON.stringify(sprintItems)],
        );
        const sprint = {
          id: "7",
          name: "S 7",
          state: "active",
          boardId: "3",
          goal: null,
          startDate: null,
          endDate: null,
          completeDate: null,
        };
        await tx.query(
          `INSERT INTO jira_derivations (work_item_id, tenant_id, integration_id, current_sprints, snapshot_updated_at)
           VALUES ($1, $2, $3, $4::jsonb, $5)`,
          [item.id, tenantId, integrationId, JSON.stringify([sprint]), new Date(at).toISOString()],
        );

        const people = [person(scope, "u1", "Ada"), person(scope, "u2", "Grace Hopper"), person(scope, "u3", "Ken")];
        const request = {
          issueIds: ["100", "101"],
          projectIds: ["p-unknown"],
          witIds: [],
          statusIds: ["3", "99"],
          people,
          statsTables: ["work_items", "changelogs", "sprints"],
        };
        const context = await loadPageContext(scope, request);
        assertEquals([...context.statuses], [["3", Number(status.id)]]);
        assertEquals(context.projects.size, 0);
        assertEquals(context.people.get("u1"), { id: Number(ada.id), stale: false });
        assertEquals(context.people.get("u2"), { id: Number(grace.id), stale: true });
        assertEquals(context.people.get("u3"), { id: null, stale: true });
        assertEquals([...context.items.keys()], ["100"]);
        const stored = context.items.get("100")!;
        assertEquals(stored.id, Number(item.id));
        assertEquals(stored.transitions.get("h1"), {
          externalId: "h1",
          at,
          fromStatusId: null,
          toStatusId: Number(status.id),
          changedById: Number(ada.id),
          startAt: at - 60_000,
          seconds: 60,
        });
        // every stored input of the item's derived values: field histories and the newest snapshot's sprints
        assertEquals(stored.histories.map(([id, changedAt, items]) => [id, Date.parse(changedAt), items]), [
          ["h2", at, sprintItems],
        ]);
        assertEquals(stored.derivation, { currentSprints: [sprint], snapshotUpdatedAt: at });
        // the seeded workflow classifies statuses only once mapped; the commitment point is seeded
        assert((await loadStatusSteps(scope)).commitmentStep !== null, "commitment step read");
        // sprints is empty, so it needs no statistics; the other two hold rows and were never analyzed
        assertEquals([...context.unanalyzed].sort(), ["changelogs", "work_items"]);
        await analyzeTables(tx, context.unanalyzed);
        assertEquals((await loadPageContext(scope, request)).unanalyzed, []);

        // only the changed and the new person are written; every id comes back. u1 is edited behind the state's
        // back: had writeStale sent it, the edit would be overwritten with "Ada"
        await tx.query("UPDATE identities SET display_name = 'Ada (edited meanwhile)' WHERE id = $1", [ada.id]);
        const { ids, written } = await writeStale(scope, IDENTITIES, people, context.people);
        assertEquals(written.length, 2);
        assertEquals(ids.get("u1"), Number(ada.id));
        assertEquals(ids.get("u2"), Number(grace.id));
        assert(ids.get("u3")! > 0, "the new person got an id");
        const names = await tx.query<{ external_id: string; display_name: string }>(
          "SELECT external_id, display_name FROM identities WHERE tenant_id = $1 ORDER BY external_id",
          [tenantId],
        );
        assertEquals(names.map((r) => [r.external_id, r.display_name]), [
          ["u1", "Ada (edited meanwhile)"],
          ["u2", "Grace Hopper"],
          ["u3", "Ken"],
        ]);
      });
    }));
}
