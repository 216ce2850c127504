// The Entra ID connector against the fake identity platform + Graph, page by page: the first run walks every page
// of users and groups (members split over pages, an empty page mid-round) with one cached token; the next run
// follows the stored delta link and applies changes and deletions; an expired delta link (410) walks everything
// again, retires what is gone and says why; a refused delta link never loses data.
import { assert, assertEquals } from "../support/assert.ts";
import { adapterKinds } from "../support/db.ts";
import { count } from "../github/support.ts";
import { groupId, person, seedDirectory, userId, withEntra } from "./support.ts";

async function people(db: import("../../db/port.ts").Db) {
  return await db.query<
    {
      external_id: string;
      department: string;
      manager_external_id: string | null;
      active: boolean;
      removed_reason: string | null;
    }
  >(
    `SELECT external_id, department, manager_external_id, active, removed_reason FROM directory_people ORDER BY external_id`,
  );
}

async function members(db: import("../../db/port.ts").Db, group: string) {
  const rows = await db.query<{ m: string }>(
    "SELECT member_external_id AS m FROM directory_group_members WHERE group_external_id = $1 ORDER BY 1",
    [group],
  );
  return rows.map((r) => r.m);
}

for (const kind of adapterKinds()) {
  Deno.test(`entra sync[${kind}]: first run walks every page, the next follows the delta link`, () =>
    withEntra(kind, { fake: { pageSize: 3, memberSlice: 2 } }, async ({ db, graph, sync }) => {
      seedDirectory(graph);
      graph.emptyPageNextRound("users");
      const first = await sync();
      assert(!first.stopped);
      assertEquals(graph.tokensIssued, 1, "one token for every request of the run");
      const userPages = graph.requests.filter((r) => r.path === "/v1.0/users/delta");
      assertEquals(userPages.length, 4, "three pages of users and the empty one in the middle");
      assertEquals(userPages[0].query.$select.split(",").includes("manager"), true, "the manager is tracked");
      const all = await people(db);
      assertEquals(all.length, 7);
      assertEquals(all.filter((p) => p.manager_external_id === userId(1)).length, 6);
      assertEquals(all.find((p) => p.external_id === userId(2))!.department, "Payments");
      assertEquals(await count(db, "directory_groups", "active"), 2);
      assertEquals(await members(db, groupId(2)), Array.from({ length: 7 }, (_, i) => userId(i + 1)), "every slice");
      assertEquals((await members(db, groupId(1))).length, 4);
      const [state] = await db.query<{ delta_link: string; full_walk_reason: string }>(
        "SELECT delta_link, full_walk_reason FROM directory_delta_state WHERE resource = 'users'",
      );
      assert(state.delta_link.includes("$deltatoken="), "the delta link is the checkpoint");
      assertEquals(state.full_walk_reason, "first sync");

      // changes in the directory: a department, a soft-deleted and a deleted user, membership changes, a group gone
      graph.directory.updateUser(userId(3), { department: "Data", managerId: userId(2) });
      graph.directory.removeUser(userId(4), "changed");
      graph.directory.removeUser(userId(5), "deleted");
      graph.directory.removeMember(groupId(2), userId(6));
      graph.directory.putUser(person(8));
      graph.directory.addMember(groupId(1), userId(8));
      graph.directory.removeGroup(groupId(2));
      const before = graph.requests.length;
      const second = await sync();
      assert(!second.stopped);
      const round = graph.requests.slice(before).filter((r) => r.path.endsWith("/delta"));
      assert(round.every((r) => r.query.$deltatoken || r.query.$skiptoken), "only delta and skip tokens");
      assert(round.some((r) => r.query.$deltatoken), "the stored delta link was followed");
      const after = await people(db);
      assertEquals(after.length, 8);
      const by = new Map(after.map((p) => [p.external_id, p]));
      assertEquals([by.get(userId(3))!.department, by.get(userId(3))!.manager_external_id], ["Data", userId(2)]);
      assertEquals([by.get(userId(4))!.active, by.get(userId(4))!.removed_reason], [false, "changed"]);
      assertEquals([by.get(userId(5))!.active, by.get(userId(5))!.removed_reason], [false, "deleted"]);
      assertEquals(by.get(userId(8))!.active, true);
      assertEquals(await members(db, groupId(1)), [userId(1), userId(3), userId(7), userId(8)]);
      assertEquals(await count(db, "directory_groups", "active"), 1, "the removed group is inactive");
      assertEquals(await members(db, groupId(2)), [], "a removed group keeps no members");

      // nothing changed: one delta page per resource, nothing written
      const third = await sync();
      assertEquals(third.rows, 0, "an unchanged directory writes nothing");
    }));

  Deno.test(`entra sync[${kind}]: an expired delta link walks everything again, retires what is gone, says why`, () =>
    withEntra(kind, { fake: { pageSize: 4 } }, async ({ db, graph, sync }) => {
      seedDirectory(graph);
      await sync();
      graph.directory.removeUser(userId(6));
      graph.directory.removeMember(groupId(1), userId(7));
      graph.expireDeltaTokens();
      // a deletion made while the link was expired is never announced: the walk must find it missing
      const refused = graph.requests.length;
      await sync();
      const statuses = graph.requests.slice(refused).filter((r) => r.path.endsWith("/delta")).map((r) => r.status);
      assertEquals(statuses.filter((s) => s === 410).length, 2, "users and groups links were refused");
      const [gone] = await db.query<{ active: boolean; removed_reason: string }>(
        "SELECT active, removed_reason FROM directory_people WHERE external_id = $1",
        [userId(6)],
      );
      assertEquals([gone.active, gone.removed_reason], [false, "missing"], "a walk lists no tombstones");
      assertEquals(await members(db, groupId(1)), [userId(1), userId(3), userId(5)]);
      const states = await db.query<{ resource: string; full_walk_reason: string; delta_link: string }>(
        "SELECT resource, full_walk_reason, delta_link FROM directory_delta_state ORDER BY resource",
      );
      for (const s of states) {
        assert(s.full_walk_reason.includes("410 syncStateNotFound"), s.full_walk_reason);
        assert(s.delta_link.includes("$deltatoken="));
      }
      // the fresh link works again
      graph.directory.updateUser(userId(2), { jobTitle: "Staff Engineer" });
      const next = await sync();
      assert(!next.stopped);
      assertEquals(await count(db, "directory_people", "job_title = 'Staff Engineer'"), 1);
    }));

  Deno.test(`entra sync[${kind}]: a walk retires a person the directory no longer lists`, () =>
    withEntra(kind, {}, async ({ db, graph, sync }) => {
      seedDirectory(graph);
      await sync();
      // gone without a tombstone (e.g. purged while the link was expired): only a walk can notice
      graph.directory.users.delete(userId(7));
      graph.expireDeltaTokens();
      await sync();
      const [row] = await db.query<{ active: boolean; removed_reason: string }>(
        "SELECT active, removed_reason FROM directory_people WHERE external_id = $1",
        [userId(7)],
      );
      assertEquals([row.active, row.removed_reason], [false, "missing"]);
    }));

  Deno.test(`entra sync[${kind}]: 429 Retry-After is honoured; an expired access token is replaced once`, () =>
    withEntra(kind, {}, async ({ db, graph, sync }) => {
      seedDirectory(graph);
      graph.throttle(2, 1);
      const started = Date.now();
      const first = await sync();
      assert(!first.stopped);
      assert(Date.now() - started >= 1900, "two waits of the second Retry-After asked for");
      assertEquals(graph.requests.filter((r) => r.status === 429).length, 2);
      assertEquals(await count(db, "directory_people"), 7);

      graph.expireAccessTokens();
      graph.directory.updateUser(userId(2), { department: "Risk" });
      const second = await sync();
      assert(!second.stopped);
      assertEquals(graph.tokensIssued, 2, "runs share the token until it is refused; then it is replaced once");
      assertEquals(graph.requests.filter((r) => r.status === 401).length, 1);
      assertEquals(await count(db, "directory_people", "department = 'Risk'"), 1);
    }));

  Deno.test(`entra sync[${kind}]: a group filter reads only those groups`, () =>
    withEntra(kind, { settings: { groupIds: [groupId(1)] } }, async ({ db, graph, sync }) => {
      seedDirectory(graph);
      await sync();
      assertEquals(
        (await db.query<{ external_id: string }>("SELECT external_id FROM directory_groups")).map((g) => g.external_id),
        [
          groupId(1),
        ],
      );
      const first = graph.requests.find((r) => r.path === "/v1.0/groups/delta")!;
      assertEquals(first.query.$filter, `id eq '${groupId(1)}'`);
    }));

  Deno.test(`entra sync[${kind}]: refused credentials fail naming them, never the secret`, () =>
    withEntra(kind, {}, async ({ graph, sync }) => {
      seedDirectory(graph);
      const result = await sync({
        credentials: { ...graph.credentials, clientSecret: "wrong-secret-value" },
        catchErrors: true,
      });
      assert(result.stopped);
      const message = String((result.error as Error).message);
      assert(/refused the client credentials/.test(message), message);
      assert(message.includes("AADSTS7000215"), message);
      assert(!message.includes("wrong-secret-value") && !message.includes(graph.credentials.clientSecret), message);
    }));
}
