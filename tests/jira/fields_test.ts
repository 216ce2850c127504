// Field-by-field: rows loaded from the recorded merico issues compared with the source JSON they came from (key,
// type, status, dates, people, story points, sprints, parent, every status transition), plus flow metrics of two
// recorded issues with complex histories checked against numbers worked out by hand.
import { assert, assertEquals } from "../support/assert.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { recordedData } from "../fakes/jira/mod.ts";
import { runSync } from "./driver.ts";
import { FAST_HTTP, kinds, mapCustomFields, withJira } from "./support.ts";
import type { Db } from "../../db/port.ts";

const connector = createJiraConnector({ http: FAST_HTTP });
// JSON rows and source issues are read loosely on purpose: the test compares them field by field
// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

/** Jira's "+0800" offsets → ISO UTC, independently of the connector's parser. */
const utc = (s: string | null | undefined) =>
  s ? new Date(s.replace(/([+-]\d\d)(\d\d)$/, "$1:$2")).toISOString() : null;
const iso = (d: unknown) => (d === null || d === undefined ? null : new Date(d as string).toISOString());

function source(key: string): Obj {
  return recordedData().issues.find((i) => i.key === key) as Obj;
}

async function row(db: Db, key: string): Promise<Obj> {
  const [r] = await db.query<Obj>(
    `SELECT wi.*, w.external_id AS wit_ext, s.external_id AS status_ext,
            p.key AS project_key, a.display_name AS assignee_name, a.external_id AS assignee_ext,
            r.display_name AS reporter_name
       FROM work_items wi JOIN wits w ON w.id = wi.wit_id JOIN statuses s ON s.id = wi.status_id
       JOIN projects p ON p.id = wi.project_id
       LEFT JOIN identities a ON a.id = wi.assignee_id LEFT JOIN identities r ON r.id = wi.reporter_id
      WHERE wi.key = $1`,
    [key],
  );
  return r;
}

async function transitions(db: Db, key: string) {
  return (await db.query<Obj>(
    `SELECT c.external_id, f.external_id AS from_ext, t.external_id AS to_ext, c.transition_change_date,
            c.transition_start_date, c.time_in_status_seconds, i.display_name AS changed_by
       FROM changelogs c JOIN work_items wi ON wi.id = c.work_item_id
       LEFT JOIN statuses f ON f.id = c.from_status_id LEFT JOIN statuses t ON t.id = c.to_status_id
       LEFT JOIN identities i ON i.id = c.changed_by_id
      WHERE wi.key = $1 ORDER BY c.transition_change_date, c.external_id`,
    [key],
  )).map((r) => ({
    id: r.external_id,
    from: r.from_ext,
    to: r.to_ext,
    at: iso(r.transition_change_date),
    by: r.changed_by,
    start: iso(r.transition_start_date),
    seconds: r.time_in_status_seconds,
  }));
}

function sourceTransitions(issue: Obj) {
  return (issue.changelog.histories as Obj[])
    .filter((h) => h.items.some((i: Obj) => i.field === "status"))
    .sort((a, b) => Date.parse(utc(a.created)!) - Date.parse(utc(b.created)!))
    .map((h) => {
      const item = h.items.find((i: Obj) => i.field === "status");
      return { id: h.id, from: item.from, to: item.to, at: utc(h.created), by: h.author.displayName };
    });
}

for (const kind of kinds()) {
  Deno.test(`jira fields[${kind}]: loaded rows match the recorded source issues field by field`, () =>
    withJira(kind, {}, async ({ db, tenantId, integrationId, credentials }) => {
      await mapCustomFields(db, tenantId, integrationId, {
        sprints: "customfield_10020",
        storyPoints: "customfield_10024",
        development: "customfield_10000",
      });
      await runSync({ db, connector, tenantId, integrationId, credentials });

      for (const key of ["EE-1", "EE-19", "EE-23", "EE-25", "K5-2"]) {
        const src = source(key);
        const f = src.fields;
        const r = await row(db, key);
        assert(r, `${key} loaded`);
        assertEquals(r.external_id, String(src.id), key);
        // the type's name comes from the project catalogue (step 1), which may be localised differently
        assertEquals(r.wit_ext, f.issuetype.id, key);
        assertEquals(r.status_ext, f.status.id, key);
        assertEquals(r.project_key, f.project.key, key);
        assertEquals(r.summary, String(f.summary).replaceAll("\0", ""), key);
        assertEquals(iso(r.source_created_at), utc(f.created), key);
        assertEquals(iso(r.source_updated_at), utc(f.updated), key);
        assertEquals(iso(r.resolved_at), utc(f.resolutiondate), key);
        assertEquals(r.assignee_name, f.assignee?.displayName ?? null, key);
        assertEquals(r.assignee_ext, f.assignee?.accountId ?? null, key);
        assertEquals(r.reporter_name, f.reporter?.displayName ?? null, key);
        assertEquals(r.priority, f.priority?.name ?? null, key);
        assertEquals(r.resolution, f.resolution?.name ?? null, key);
        assertEquals(r.labels, f.labels ?? [], key);
        assertEquals(r.parent_external_id, f.parent?.id ?? null, key);
        const points = f.customfield_10024 === null || f.customfield_10024 === undefined
          ? null
          : Number(f.customfield_10024);
        assertEquals(r.story_points, points, key);
        assertEquals(r.development, false, `${key}: "{}" means no development information`);
        const got = await transitions(db, key);
        assertEquals(got.map(({ id, from, to, at, by }) => ({ id, from, to, at, by })), sourceTransitions(src), key);
        // time in the FROM status runs from the previous status change (creation for the first)
        got.forEach((t, i) => {
          const start = i === 0 ? utc(f.created) : got[i - 1].at;
          assertEquals(t.start, start, `${key} transition ${t.id}`);
          assertEquals(t.seconds, (Date.parse(t.at!) - Date.parse(start!)) / 1000, `${key} transition ${t.id}`);
        });
      }

      // sprints: EE-1 is in sprint 7 (field); EE-19 was added to it and removed again (history only)
      const sprints = await db.query<Obj>(
        `SELECT wi.key, s.external_id, s.board_id, s.name, ws.added_date, ws.removed_date, ws.estimate_at_start,
                ws.sprint_outcome
           FROM work_items_sprints ws JOIN sprints s ON s.id = ws.sprint_id JOIN work_items wi ON wi.id = ws.work_item_id
          WHERE wi.key IN ('EE-1', 'EE-19') ORDER BY wi.key`,
      );
      const ee1 = source("EE-1").fields.customfield_10020[0];
      assertEquals(sprints.map((s) => [s.key, s.external_id, s.board_id, s.name]), [
        ["EE-1", String(ee1.id), String(ee1.boardId), ee1.name],
        ["EE-19", "7", "8", ee1.name],
      ]);
      // added: the history entry that put the sprint id into the field (10690 / 10697); removed: 12032
      assertEquals(iso(sprints[0].added_date), utc("2020-06-12T08:29:19.487+0800"));
      assertEquals(iso(sprints[0].removed_date), null);
      assertEquals(sprints[0].estimate_at_start, -1, "no story point history: the current value (-1)");
      assertEquals(iso(sprints[1].added_date), utc("2020-06-12T08:29:19.607+0800"));
      assertEquals(iso(sprints[1].removed_date), utc("2020-06-19T14:44:09.533+0800"));
      assert(sprints[0].sprint_outcome !== null, "the sprint report set an outcome for EE-1");
    }));

  Deno.test(`jira fields[${kind}]: flow metrics of recorded issues equal the hand-computed values`, () =>
    withJira(kind, {}, async ({ db, tenantId, integrationId, credentials }) => {
      await runSync({ db, connector, tenantId, integrationId, credentials, steps: undefined });
      // Mapping used (seed + the operator's additions in support.ts): Open → Backlog #1, Inbox → Backlog #1,
      // Ready for Dev → Ready to Work #3, To Do (ids 10000 and 10033) → To Do #4 = commitment point,
      // In Progress / In Development (id 3) → In Progress #5, Resolved (id 5) → Ready for Prod #10 (Waiting),
      // Closed (id 6) and 已完成 (id 10068) → Done #11.
      //
      // EE-23 (created 2020-06-12T00:33:57.204Z, UTC below):
      //   10898 01:27:39.141 Open→In Development    start #1, first commitment (#5 ≥ #4)
      //   10899 01:27:50.404 In Development→Resolved  in flight → in flight; 11.263 s in progress
      //   10932 04:58:47.271 Resolved→To Do         backlog return #1; 12,656.867 s waiting (04:58:47.271−01:27:50.404)
      //   10932…11284: To Do→Open→To Do→Open         moves inside To Do: nothing
      //   11449 06-15 09:07:56.858 Open→Resolved    start #2 (last start)
      //   11537 06-17 03:08:17.806 Resolved→Closed  completion #1; 151,220.948 s waiting (1 d 18:00:20.948)
      //   86178 2021-03-28 Closed→已完成             Done → Done: no new completion
      // cycle = lead = 06-17 03:08:17.806 − 06-12 01:27:39.141 = 5 d 1:40:38.665 = 438,038.665 s
      const ee23 = await row(db, "EE-23");
      assertEquals(metrics(ee23), {
        committed: "2020-06-12T01:27:39.141Z",
        firstStart: "2020-06-12T01:27:39.141Z",
        lastStart: "2020-06-15T09:07:56.858Z",
        firstDone: "2020-06-17T03:08:17.806Z",
        lastDone: "2020-06-17T03:08:17.806Z",
        starts: 2,
        completions: 1,
        returns: 1,
        work: 11.263,
        waiting: 163877.815, // 12,656.867 + 151,220.948
        cycle: 438038.665,
        lead: 438038.665,
        rework: true,
        direct: false,
      });
      // EE-19 (created 2020-06-12T00:28:00.241Z), skipped steps and a return to the backlog:
      //   10905 01:46:22.354 Inbox→Ready for Dev          To Do → To Do
      //   10906 01:46:26.809 Ready for Dev→In Development start #1, commitment
      //   10907 01:46:30.363 In Development→Resolved      3.554 s in progress
      //   10937 04:58:47.406 Resolved→To Do               return #1; 11,537.043 s waiting
      //   10986 05:01:20.620 To Do→Open                   To Do → To Do
      //   11832 06-18 08:34:11.171 Open→Resolved          start #2, skipping In Progress entirely
      //   35109 11-10 01:43:08.611 Resolved→Closed        completion; 145 d − 6:51:02.560 = 12,503,337.44 s waiting
      // cycle = lead = 11-10 01:43:08.611 − 06-12 01:46:26.809 = 151 d − 3:18.198 = 13,046,201.802 s
      const ee19 = await row(db, "EE-19");
      assertEquals(metrics(ee19), {
        committed: "2020-06-12T01:46:26.809Z",
        firstStart: "2020-06-12T01:46:26.809Z",
        lastStart: "2020-06-18T08:34:11.171Z",
        firstDone: "2020-11-10T01:43:08.611Z",
        lastDone: "2020-11-10T01:43:08.611Z",
        starts: 2,
        completions: 1,
        returns: 1,
        work: 3.554,
        waiting: 12514874.483, // 11,537.043 + 12,503,337.44
        cycle: 13046201.802,
        lead: 13046201.802,
        rework: true,
        direct: false,
      });
    }));
}

function metrics(r: Obj) {
  const round = (v: unknown) => (v === null ? null : Math.round(Number(v) * 1000) / 1000);
  return {
    committed: iso(r.work_first_committed_at),
    firstStart: iso(r.work_first_started_at),
    lastStart: iso(r.work_last_started_at),
    firstDone: iso(r.work_first_completed_at),
    lastDone: iso(r.work_last_completed_at),
    starts: r.total_work_starts,
    completions: r.total_completions,
    returns: r.total_backlog_returns,
    work: round(r.total_work_time_seconds),
    waiting: round(r.total_waiting_time_seconds),
    cycle: round(r.total_cycle_time_seconds),
    lead: round(r.total_lead_time_seconds),
    rework: r.rework_indicator,
    direct: r.direct_completion,
  };
}
