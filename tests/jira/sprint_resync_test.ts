// Incremental re-sync of sprint reports against the fake Jira (synthesized sprints): a closed sprint whose report is
// loaded is not asked for again, an active sprint is, and a sprint that closed since the last sync is read once more
// (its final report) and then no longer; a closed sprint whose report answered 404 is not asked again either. Every
// issue is edited between the syncs, so every sprint is in the window.
import { assert, assertEquals } from "../support/assert.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { SPRINT_FIELD, STORY_POINTS_FIELD } from "../fakes/jira/mod.ts";
import type { FakeJira } from "../fakes/jira/mod.ts";
import { runSync } from "./driver.ts";
import { FAST_HTTP, kinds, mapCustomFields, withJira } from "./support.ts";
import type { Db } from "../../db/port.ts";

const connector = createJiraConnector({ http: FAST_HTTP });
const SYNTH = { count: 40, seed: 3, developmentEvery: 1000, longHistoryEvery: 1000 };

/** Sprint ids of the sprint reports requested since request `from`, sorted. */
function reportsSince(jira: FakeJira, from: number): string[] {
  return jira.requests.slice(from).filter((r) => r.path.endsWith("/sprintreport"))
    .map((r) => String(r.query.sprintId)).sort();
}

async function sprintsByState(db: Db, state: string): Promise<string[]> {
  return (await db.query<{ external_id: string }>(
    "SELECT external_id FROM sprints WHERE state = $1 AND EXISTS (SELECT 1 FROM work_items_sprints ws WHERE ws.sprint_id = sprints.id) ORDER BY external_id",
    [state],
  )).map((r) => r.external_id).sort();
}

function touchAll(jira: FakeJira, at: number, label: string) {
  for (let i = 0; i < SYNTH.count; i++) {
    jira.updateIssue(jira.store.row(i).key, { at, fields: { summary: `${label} ${i}` } });
  }
}

for (const kind of kinds()) {
  Deno.test(`jira sprint re-sync[${kind}]: closed sprints' reports are read once, active ones every sync`, () =>
    withJira(
      kind,
      { fake: { recorded: false, synthetic: SYNTH }, projectKeys: ["ALPHA", "BETA", "GAMMA"] },
      async ({ db, jira, tenantId, integrationId, credentials }) => {
        await mapCustomFields(db, tenantId, integrationId, { sprints: SPRINT_FIELD, storyPoints: STORY_POINTS_FIELD });
        const sync = (windowFrom: Date | null, windowTo: Date) =>
          runSync({ db, connector, tenantId, integrationId, credentials, windowFrom, windowTo });
        const t1 = Date.now();
        await sync(null, new Date(t1));
        const closed = await sprintsByState(db, "closed");
        const active = await sprintsByState(db, "active");
        assert(closed.length > 3 && active.length > 0, `closed ${closed} active ${active}`);
        assertEquals(reportsSince(jira, 0), [...closed, ...active].sort(), "the first sync reads every report");

        // every issue changes and one active sprint closes: its final report and the other active ones are read
        const [closing, ...stillActive] = active;
        const completeDate = new Date(t1 - 60_000).toISOString();
        jira.patchSprint(Number(closing), { state: "closed", completeDate });
        touchAll(jira, t1 + 60_000, "Edited");
        let from = jira.requests.length;
        await sync(new Date(t1 - 60_000), new Date(t1 + 3 * 60_000));
        assertEquals(reportsSince(jira, from), [closing, ...stillActive].sort());
        const [stored] = await db.query<{ state: string; report_state: string; complete: boolean }>(
          "SELECT state, report_state, report_complete_date = $2::timestamptz AS complete FROM sprints WHERE external_id = $1",
          [closing, completeDate],
        );
        assertEquals(stored, { state: "closed", report_state: "closed", complete: true });

        // the next sync reads only the sprints still active; the whole job is the fixed calls plus those reports
        touchAll(jira, t1 + 4 * 60_000, "Edited again");
        from = jira.requests.length;
        await sync(new Date(t1 + 3 * 60_000), new Date(t1 + 6 * 60_000));
        assertEquals(reportsSince(jira, from), stillActive.sort());
        const calls = jira.requests.slice(from).map((r) => r.path.replace(/\d+/g, "N"));
        const tally = new Map<string, number>();
        for (const c of calls) tally.set(c, (tally.get(c) ?? 0) + 1);
        assertEquals(Object.fromEntries(tally), {
          "/rest/api/N/project/search": 1,
          "/rest/api/N/project/ALPHA/statuses": 1,
          "/rest/api/N/project/BETA/statuses": 1,
          "/rest/api/N/project/GAMMA/statuses": 1,
          "/rest/api/N/issueLinkType": 1,
          "/rest/api/N/myself": 1,
          "/rest/api/N/search/approximate-count": 1,
          "/rest/api/N/search/jql": 2, // the window's issues and the census
          "/rest/agile/N.N/board/N/sprint": 3,
          ...(stillActive.length ? { "/rest/greenhopper/N.N/rapid/charts/sprintreport": stillActive.length } : {}),
        });

        // a closed sprint whose completion date changes (re-opened and closed again) is read again
        jira.patchSprint(Number(closed[0]), { completeDate: new Date(t1 - 30_000).toISOString() });
        touchAll(jira, t1 + 7 * 60_000, "Edited a third time");
        from = jira.requests.length;
        await sync(new Date(t1 + 6 * 60_000), new Date(t1 + 9 * 60_000));
        assertEquals(reportsSince(jira, from), [closed[0], ...stillActive].sort());
      },
    ));
}

for (const kind of kinds()) {
  Deno.test(`jira sprint re-sync[${kind}]: a closed sprint whose report answered 404 is not asked again`, () =>
    withJira(
      kind,
      { fake: { recorded: false, synthetic: SYNTH }, projectKeys: ["ALPHA", "BETA", "GAMMA"] },
      async ({ db, jira, tenantId, integrationId, credentials }) => {
        await mapCustomFields(db, tenantId, integrationId, { sprints: SPRINT_FIELD, storyPoints: STORY_POINTS_FIELD });
        const sync = (windowFrom: Date | null, windowTo: Date) =>
          runSync({ db, connector, tenantId, integrationId, credentials, windowFrom, windowTo });
        const t1 = Date.now();
        // every report is gone (a deleted board): the sync finishes and asks for each once
        const gone = jira.inject({ kind: "status", status: 404, path: /sprintreport$/, times: Infinity });
        await sync(null, new Date(t1));
        gone.cancel();
        const closed = await sprintsByState(db, "closed");
        const active = await sprintsByState(db, "active");
        assert(closed.length > 3 && active.length > 0, `closed ${closed} active ${active}`);
        assertEquals(reportsSince(jira, 0), [...closed, ...active].sort());
        const marked = await db.query<{ external_id: string }>(
          "SELECT external_id FROM sprints WHERE report_state = 'closed' ORDER BY external_id",
        );
        assertEquals(marked.map((r) => r.external_id).sort(), closed, "closed sprints marked as read, active not");

        // every issue changes: only the active sprints are asked again
        touchAll(jira, t1 + 60_000, "Edited");
        const from = jira.requests.length;
        await sync(new Date(t1 - 60_000), new Date(t1 + 3 * 60_000));
        assertEquals(reportsSince(jira, from), active);
      },
    ));
}
