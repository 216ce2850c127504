// The slimmed sprint report keeps what loadSprintReports reads and nothing of the entries it does not.
import { assertEquals } from "../../../../tests/support/assert.ts";
import type { JiraSprintReport } from "../client/types.ts";
import { slimSprintReport } from "./load_sprints.ts";

const entry = (id: number, points?: number) => ({
  id,
  key: `A-${id}`,
  hidden: false,
  summary: "a summary the loader never reads",
  typeId: "10001",
  priorityId: "3",
  statusId: "10002",
  done: true,
  estimateStatistic: {
    statFieldId: "customfield_10016",
    statFieldValue: points === undefined ? {} : { value: points },
  },
  currentEstimateStatistic: { statFieldId: "customfield_10016", statFieldValue: { value: 13 } },
});

Deno.test("sprint report slimming: entries keep id, key and end estimate; sums, added keys and sprint stay whole", () => {
  const report: JiraSprintReport = {
    contents: {
      completedIssues: [entry(1, 3)],
      issuesNotCompletedInCurrentSprint: [entry(2)],
      puntedIssues: [entry(3, 5), null],
      issueKeysAddedDuringSprint: { "A-3": true },
      completedIssuesEstimateSum: { value: 3, text: "3.0" },
      allIssuesEstimateSum: { value: 3, text: "3.0" },
    },
    sprint: { id: 7, name: "Sprint 7", state: "CLOSED", goal: "ship" },
    lastUserToClose: "Ada",
  };
  const slim = slimSprintReport(report);
  assertEquals(slim.contents.completedIssues, [
    { id: 1, key: "A-1", estimateStatistic: { statFieldId: "customfield_10016", statFieldValue: { value: 3 } } },
  ]);
  assertEquals(slim.contents.issuesNotCompletedInCurrentSprint, [
    { id: 2, key: "A-2", estimateStatistic: { statFieldId: "customfield_10016", statFieldValue: {} } },
  ]);
  // a malformed entry is passed on as is (the loader skips what matches no work item)
  assertEquals((slim.contents.puntedIssues as unknown[])[1], null);
  // a list Jira left out stays absent
  assertEquals("issuesCompletedInAnotherSprint" in slim.contents, false);
  const { completedIssues: _a, issuesNotCompletedInCurrentSprint: _b, puntedIssues: _c, ...rest } = slim.contents;
  const { completedIssues: _d, issuesNotCompletedInCurrentSprint: _e, puntedIssues: _f, ...before } = report.contents;
  assertEquals(rest, before);
  assertEquals([slim.sprint, slim.lastUserToClose], [report.sprint, "Ada"]);
  // the answer itself is not changed (a caller may still hold it)
  assertEquals(Object.keys(report.contents.completedIssues[0] as object).length, 10);
});
