// Values derived from history are a function of the complete stored history only (issue #10 §1): an issue loaded
// first with its truncated search changelog and then complete (bulkfetch) ends with the same flow metrics, time in
// status and sprint membership dates in either order, a redelivered page changes nothing, the page loads write the
// final values themselves (each derives from everything stored plus the page), and the after-step recompute of an
// item left pending gives the same values.
import { assertEquals } from "../../../../tests/support/assert.ts";
import { adapterKinds, withTestDb } from "../../../../tests/support/db.ts";
import { createTenant } from "../../../../db/seed.ts";
import type { Db } from "../../../../db/port.ts";
import { insertMany } from "../../../../db/port.ts";
import type { JiraHistory, JiraIssue } from "../client/types.ts";
import { loadIssues } from "./load_issues.ts";
import { recomputeDerived } from "./recompute_derived.ts";

const SPRINT = "customfield_10020";
const STATUS = {
  todo: { id: "1", name: "To Do" },
  doing: { id: "3", name: "In Progress" },
  done: { id: "10001", name: "Done" },
};
const at = (day: number) => new Date(Date.UTC(2024, 0, day, 9)).toISOString().replace("Z", "+0000");
const move = (id: string, day: number, from: { id: string; name: string }, to: { id: string; name: string }) => ({
  id,
  created: at(day),
  author: { accountId: "u1", displayName: "Ada" },
  items: [{ field: "status", fieldId: "status", from: from.id, fromString: from.name, to: to.id, toString: to.name }],
});
const sprintMove = (id: string, day: number, from: string, to: string): JiraHistory => ({
  id,
  created: at(day),
  items: [{ field: "Sprint", fieldId: SPRINT, from, fromString: from && `S ${from}`, to, toString: `S ${to}` }],
});
// oldest first: started, done, reopened, started again, done again; moved from sprint 7 to sprint 8 on the way
const HISTORY: JiraHistory[] = [
  move("101", 2, STATUS.todo, STATUS.doing),
  sprintMove("102", 3, "", "7"),
  move("103", 5, STATUS.doing, STATUS.done),
  move("104", 6, STATUS.done, STATUS.todo),
  sprintMove("105", 7, "7", "8"),
  move("106", 8, STATUS.todo, STATUS.doing),
  move("107", 10, STATUS.doing, STATUS.done),
];

function issue(histories: JiraHistory[]): JiraIssue {
  return {
    id: "5001",
    key: "EE-1",
    fields: {
      project: { id: "10", key: "EE", name: "EE" },
      issuetype: { id: "20", name: "Story" },
      status: { ...STATUS.done, statusCategory: { key: "done", name: "Done" } },
      created: at(1),
      updated: at(10),
      summary: "EE-1",
      [SPRINT]: [{ id: 8, name: "S 8", state: "closed", boardId: 3, startDate: at(7), endDate: at(14) }],
    },
    // search embeds the newest histories only and says how many there are
    changelog: { startAt: 0, maxResults: histories.length, total: HISTORY.length, histories: [...histories].reverse() },
  };
}
const PARTIAL = issue(HISTORY.slice(-2));
const COMPLETE = issue(HISTORY);

async function derived(db: Db) {
  const [item] = await db.query(
    `SELECT total_work_starts AS starts, total_completions AS completions, total_backlog_returns AS returns,
            extract(epoch FROM work_first_started_at)::float8 AS first_start, total_cycle_time_seconds AS cycle FROM work_items`,
  );
  const changelogs = await db.query(
    `SELECT external_id, extract(epoch FROM transition_start_date)::float8 AS start, time_in_status_seconds AS seconds FROM changelogs
      ORDER BY external_id`,
  );
  const sprints = await db.query(
    `SELECT s.external_id, extract(epoch FROM ws.added_date)::float8 AS added,
            extract(epoch FROM ws.removed_date)::float8 AS removed FROM work_items_sprints ws
       JOIN sprints s ON s.id = ws.sprint_id ORDER BY s.external_id`,
  );
  return { item, changelogs, sprints };
}

async function scenario(db: Db, order: JiraIssue[][]) {
  const tenantId = await createTenant(db, `Acme ${crypto.randomUUID()}`);
  const [{ id: integrationId }] = await db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
    [tenantId],
  );
  const [field] = await insertMany<{ id: number }>(db, "custom_fields", [{
    tenant_id: tenantId,
    integration_id: integrationId,
    external_id: SPRINT,
    name: "Sprint",
  }], { returning: "id" });
  await insertMany(db, "custom_fields_mappings", [{
    tenant_id: tenantId,
    integration_id: integrationId,
    sprints_field_id: field.id,
  }]);
  const scope = (tx: Db) => ({ tx, tenantId, integrationId });
  for (const page of order) await db.transaction((tx) => loadIssues(scope(tx as Db), page));
  const afterPages = await derived(db);
  const hook = await db.transaction((tx) => recomputeDerived(scope(tx as Db)));
  const result = await derived(db);
  // an item left pending (a page that could not read its stored history) is recomputed from what is stored
  await db.query(
    `UPDATE work_items SET total_work_starts = 0, work_first_started_at = NULL, total_cycle_time_seconds = NULL
      WHERE tenant_id = $1`,
    [tenantId],
  );
  await db.query("UPDATE changelogs SET time_in_status_seconds = NULL, transition_start_date = NULL");
  await db.query("DELETE FROM work_items_sprints");
  await db.query("UPDATE jira_derivations SET pending = true WHERE tenant_id = $1", [tenantId]);
  const pendingHook = await db.transaction((tx) => recomputeDerived(scope(tx as Db)));
  const recomputed = await derived(db);
  await db.query("DELETE FROM tenants WHERE id = $1", [tenantId]);
  return { afterPages, hook, result, pendingHook, recomputed };
}

for (const kind of adapterKinds()) {
  Deno.test(`recompute derived[${kind}]: the complete stored history decides, whatever the page order`, () =>
    withTestDb(kind, async (db) => {
      const inOrder = await scenario(db, [[PARTIAL], [COMPLETE]]);
      const reversed = await scenario(db, [[COMPLETE], [PARTIAL]]);
      const redelivered = await scenario(db, [[PARTIAL], [COMPLETE], [PARTIAL], [COMPLETE]]);
      assertEquals(reversed.result, inOrder.result);
      assertEquals(redelivered.result, inOrder.result);
      // the page loads derive from the complete stored history themselves (a truncated changelog's page is left to
      // the page that completes it); sprint 7, known only from history, has no row yet: the page leaves the item
      // pending and the hook inserts the sprint and the membership, in any page order
      for (const s of [inOrder, reversed, redelivered]) {
        assertEquals(s.afterPages.item, inOrder.result.item);
        assertEquals(s.afterPages.changelogs, inOrder.result.changelogs);
        assertEquals(s.afterPages.sprints, inOrder.result.sprints.filter((m) => m.external_id === "8"));
        assertEquals(s.hook, { items: 1, rows: 2 });
        // and the recompute of a pending item gives the same values
        assertEquals(s.pendingHook.items, 1);
        assertEquals(s.recomputed, inOrder.result);
      }
      assertEquals(inOrder.result.item, {
        starts: 2,
        completions: 2,
        returns: 1,
        first_start: Date.UTC(2024, 0, 2, 9) / 1000,
        cycle: 8 * 86400,
      });
      assertEquals(inOrder.result.changelogs.map((c) => c.seconds), [86400, 3 * 86400, 86400, 2 * 86400, 2 * 86400]);
      assertEquals(inOrder.result.sprints, [
        { external_id: "7", added: Date.UTC(2024, 0, 3, 9) / 1000, removed: Date.UTC(2024, 0, 7, 9) / 1000 },
        { external_id: "8", added: Date.UTC(2024, 0, 7, 9) / 1000, removed: null },
      ]);
    }));
}
