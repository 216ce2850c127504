// Synthesized issues (skipped steps, reopen, returns, sprint moves, carry-overs, pull requests) through every step:
// development status only for issues whose development field is set, PR links equal the panel's answer, sprint
// membership and carry-over chains follow the sprint history, and outcomes/totals match the sprint reports.
import { assert, assertEquals } from "../support/assert.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { DEVELOPMENT_FIELD, SPRINT_FIELD, STORY_POINTS_FIELD, synthesizeIssues } from "../fakes/jira/mod.ts";
import { runSync } from "./driver.ts";
import { FAST_HTTP, kinds, mapCustomFields, withJira } from "./support.ts";

const connector = createJiraConnector({ http: FAST_HTTP });
const SYNTH = { count: 60, seed: 7, developmentEvery: 4, longHistoryEvery: 10 };
// JSON rows and source issues are read loosely on purpose: the test compares them field by field
// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

for (const kind of kinds()) {
  Deno.test(`jira synthetic[${kind}]: dev status, sprints, carry-overs and sprint reports`, () =>
    withJira(
      kind,
      { fake: { recorded: false, synthetic: SYNTH, searchChangelogCap: 20 }, projectKeys: ["ALPHA", "BETA", "GAMMA"] },
      async ({ db, jira, tenantId, integrationId, credentials }) => {
        await mapCustomFields(db, tenantId, integrationId, {
          sprints: SPRINT_FIELD,
          storyPoints: STORY_POINTS_FIELD,
          development: DEVELOPMENT_FIELD,
        });
        const result = await runSync({ db, connector, tenantId, integrationId, credentials });
        assert(!result.stopped);
        const synth = synthesizeIssues(SYNTH.count, SYNTH.seed, SYNTH);
        const withDev = Array.from({ length: SYNTH.count }, (_, i) => i).filter((i) => synth.hasDevelopment(i));
        assert(withDev.length > 5 && withDev.length < SYNTH.count);
        assertEquals(await db.query("SELECT count(*)::int AS n FROM work_items"), [{ n: SYNTH.count }]);
        const devFlags = await db.query<{ external_id: string }>(
          "SELECT external_id FROM work_items WHERE development ORDER BY external_id",
        );
        assertEquals(devFlags.map((r) => r.external_id), withDev.map((i) => String(synth.row(i).id)).sort());
        assertEquals(jira.count("/dev-status/latest/issue/detail"), withDev.length, "one panel call per dev issue");

        // PR links equal what the development panel returns for each issue
        const expected: string[] = [];
        for (const i of withDev) {
          const id = String(synth.row(i).id);
          const res = await fetch(
            `${jira.url}/rest/dev-status/latest/issue/detail?issueId=${id}&applicationType=GitHub&dataType=pullrequest`,
            {
              headers: { authorization: `Basic ${btoa(`${jira.basicAuth.email}:${jira.basicAuth.token}`)}` },
            },
          );
          for (const pr of (await res.json()).detail[0].pullRequests as Obj[]) {
            expected.push([id, pr.repositoryId, Number(pr.id.slice(1)), pr.source.branch, pr.status].join("|"));
          }
        }
        const links = await db.query<Obj>(
          `SELECT wi.external_id, l.external_repo_id, l.pr_number, l.branch, l.status, l.repo_full_name
             FROM work_items_prs_links l JOIN work_items wi ON wi.id = l.work_item_id WHERE l.active`,
        );
        assertEquals(
          links.map((l) => [l.external_id, l.external_repo_id, l.pr_number, l.branch, l.status].join("|")).sort(),
          expected.sort(),
        );
        assert(links.every((l) => /^acme\/(alpha|beta|gamma)-service$/.test(l.repo_full_name)));

        // sprint membership follows the sprint field and its history; the chain of kept sprints is in time order
        const memberships = await db.query<Obj>(
          `SELECT wi.external_id, s.external_id AS sprint, s.start_date, ws.removed_date, ws.sprint_outcome,
                  f.external_id AS carried_from, t.external_id AS carried_to
             FROM work_items_sprints ws JOIN work_items wi ON wi.id = ws.work_item_id
             JOIN sprints s ON s.id = ws.sprint_id
             LEFT JOIN sprints f ON f.id = ws.carried_over_from_sprint_id
             LEFT JOIN sprints t ON t.id = ws.carried_over_to_sprint_id`,
        );
        let carried = 0;
        for (let i = 0; i < SYNTH.count; i++) {
          const { issue, histories } = synth.build(i);
          const current = ((issue.fields[SPRINT_FIELD] ?? []) as Obj[]).map((s) => String(s.id));
          const everAdded = new Set(
            histories.flatMap((h) => (h.items as Obj[]).filter((it) => it.fieldId === SPRINT_FIELD))
              .flatMap((it) => String(it.to ?? "").split(",").map((s) => s.trim()).filter(Boolean)),
          );
          const mine = memberships.filter((m) => m.external_id === issue.id);
          assertEquals(mine.map((m) => m.sprint).sort(), [...new Set([...current, ...everAdded])].sort(), issue.key);
          for (const m of mine) {
            assertEquals(m.removed_date === null, current.includes(m.sprint), `${issue.key} ${m.sprint}`);
          }
          // the kept sprints in start order form the carry-over chain
          const kept = mine.filter((m) => m.removed_date === null).sort((a, b) =>
            +new Date(a.start_date) - +new Date(b.start_date)
          );
          kept.forEach((m, k) => {
            assertEquals(m.carried_from, k > 0 ? kept[k - 1].sprint : null, issue.key);
            assertEquals(m.carried_to, k < kept.length - 1 ? kept[k + 1].sprint : null, issue.key);
          });
          if (kept.length > 1) carried++;
        }
        assert(carried > 0, "the synthesized data has carry-overs");

        // outcomes and totals equal the sprint reports
        const reported = await db.query<Obj>(
          "SELECT external_id, board_id, velocity, total_estimate, completed_estimate, scope_change_count FROM sprints WHERE velocity IS NOT NULL OR total_estimate IS NOT NULL OR scope_change_count IS NOT NULL",
        );
        assert(reported.length > 0, "sprint reports were loaded");
        for (const s of reported.slice(0, 5)) {
          const res = await fetch(
            `${jira.url}/rest/greenhopper/1.0/rapid/charts/sprintreport?rapidViewId=${s.board_id}&sprintId=${s.external_id}`,
            {
              headers: { authorization: `Basic ${btoa(`${jira.basicAuth.email}:${jira.basicAuth.token}`)}` },
            },
          );
          const c = (await res.json()).contents;
          assertEquals(s.completed_estimate, c.completedIssuesEstimateSum.value ?? null, `sprint ${s.external_id}`);
          assertEquals(s.velocity, c.completedIssuesEstimateSum.value ?? null);
          assertEquals(s.scope_change_count, Object.keys(c.issueKeysAddedDuringSprint).length);
          for (
            const [list, outcome] of [["completedIssues", "completed"], [
              "issuesNotCompletedInCurrentSprint",
              "not_completed",
            ], ["puntedIssues", "punted"]]
          ) {
            for (const entry of c[list] as Obj[]) {
              const m = memberships.find((x) => x.external_id === String(entry.id) && x.sprint === s.external_id);
              assertEquals(m?.sprint_outcome, outcome, `${entry.key} in sprint ${s.external_id}`);
            }
          }
        }
      },
    ));
}
