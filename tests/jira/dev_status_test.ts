// Development panels are read only for items whose development summary changed since the panel was last read for
// them (issue #12): a full re-sync of unchanged issues makes no dev-status call, a changed summary makes exactly one
// for that issue, and a panel that failed is asked again on the next sync.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { createJiraConnector, STEP } from "../../engine/connectors/jira/connector.ts";
import { DEVELOPMENT_FIELD, SPRINT_FIELD, STORY_POINTS_FIELD, synthesizeIssues } from "../fakes/jira/mod.ts";
import { runSync } from "./driver.ts";
import { FAST_HTTP, mapCustomFields, withJira } from "./support.ts";

const connector = createJiraConnector({ http: FAST_HTTP });
const SYNTH = { count: 40, seed: 3, developmentEvery: 3, longHistoryEvery: 0 };
const PANEL = "/rest/dev-status/latest/issue/detail";
const kind = primaryKind();

Deno.test(`jira dev status[${kind}]: panels only for changed development summaries`, () =>
  withJira(
    kind,
    { fake: { recorded: false, synthetic: SYNTH }, projectKeys: ["ALPHA", "BETA", "GAMMA"] },
    async ({ db, jira, tenantId, integrationId, credentials }) => {
      await mapCustomFields(db, tenantId, integrationId, {
        sprints: SPRINT_FIELD,
        storyPoints: STORY_POINTS_FIELD,
        development: DEVELOPMENT_FIELD,
      });
      const synth = synthesizeIssues(SYNTH.count, SYNTH.seed, SYNTH);
      const withDev = Array.from({ length: SYNTH.count }, (_, i) => i).filter((i) => synth.hasDevelopment(i));
      assert(withDev.length > 3);
      // full syncs (no window start; the end after the edits below, which JQL floors to the minute) up to step 4
      const steps = [STEP.projects, STEP.statuses, STEP.issues, STEP.devStatus];
      const sync = () =>
        runSync({
          db,
          connector,
          tenantId,
          integrationId,
          credentials,
          steps,
          windowTo: new Date(Date.now() + 120_000),
        });

      await sync();
      assertEquals(jira.count(PANEL), withDev.length, "first sync: one panel per item with development");
      await sync();
      assertEquals(jira.count(PANEL), withDev.length, "unchanged summaries: no panel call");

      const changed = synth.row(withDev[0]);
      jira.updateIssue(changed.key, {
        fields: { [DEVELOPMENT_FIELD]: "{pullrequest={dataType=pullrequest, state=OPEN, stateCount=2}, json=…}" },
      });
      await sync();
      assertEquals(jira.count(PANEL), withDev.length + 1, "one changed summary: one panel call");

      // a failing panel is not marked as read: the next sync asks again
      const other = synth.row(withDev[1]);
      jira.updateIssue(other.key, { fields: { [DEVELOPMENT_FIELD]: "{pullrequest={stateCount=3}}" } });
      jira.inject({ kind: "status", status: 404, path: PANEL, times: 1 });
      await sync();
      assertEquals(jira.count(PANEL), withDev.length + 2);
      await sync();
      assertEquals(jira.count(PANEL), withDev.length + 3, "the failed panel was asked again");
      await sync();
      assertEquals(jira.count(PANEL), withDev.length + 3, "and then not any more");
    },
  ));
