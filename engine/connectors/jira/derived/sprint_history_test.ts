// Sprint membership from the sprint field and history, pinned oldest → newest; pull-request links from the
// development panel. Expectations are worked out from the constructed inputs in the comments.
import { assertEquals } from "../../../../tests/support/assert.ts";
import { parseSprintField, sprintMemberships } from "./sprint_history.ts";
import { parsePullRequest } from "../load/dev_status.ts";
import type { JiraHistory } from "../client/types.ts";

const SPRINT = "customfield_10020";
const POINTS = "customfield_10016";
const at = (day: number) => Date.UTC(2024, 0, day);
const jira = (day: number) => new Date(at(day)).toISOString().replace("Z", "+0000");
const history = (id: number, day: number, items: JiraHistory["items"]): JiraHistory => ({
  id: String(id),
  created: jira(day),
  items,
});
const sprintItem = (from: string, to: string) => ({
  field: "Sprint",
  fieldId: SPRINT,
  from,
  to,
  fromString: "",
  toString: "",
});
const pointsItem = (from: string | null, to: string) => ({
  field: "Story point estimate",
  fieldId: POINTS,
  from: null,
  to: null,
  fromString: from,
  toString: to,
});

Deno.test("sprint field: Cloud objects and legacy Server strings", () => {
  const cloud = parseSprintField([{
    id: 7,
    name: "S 7",
    state: "CLOSED",
    boardId: 8,
    startDate: "2024-01-01T09:00:00.000Z",
  }]);
  assertEquals(cloud, [{
    id: "7",
    name: "S 7",
    state: "closed",
    boardId: "8",
    goal: null,
    startDate: "2024-01-01T09:00:00.000Z",
    endDate: null,
    completeDate: null,
  }]);
  const legacy = parseSprintField([
    "com.atlassian.greenhopper.service.sprint.Sprint@1f[id=12,rapidViewId=3,state=ACTIVE,name=Sprint, with comma,goal=<null>,startDate=2024-01-02T00:00:00.000Z,endDate=<null>,completeDate=<null>,sequence=12]",
  ]);
  assertEquals([legacy[0].id, legacy[0].boardId, legacy[0].state, legacy[0].name, legacy[0].goal], [
    "12",
    "3",
    "active",
    "Sprint, with comma",
    null,
  ]);
  assertEquals(parseSprintField(null), []);
});

Deno.test("sprint membership: added/removed dates, estimate at start and the carry-over chain", () => {
  // day 1: points 3; day 2: added to sprint 10; day 5: points 5 (sprint 10 started day 3 → estimate at start 3);
  // day 10: added to 11 (10 kept: carried over); day 12: added to 12; day 13: removed from 12 (punted).
  // Sprints 10 (starts day 3) and 11 (starts day 17) remain → chain 10 → 11; 12 is removed, outside the chain.
  const histories = [
    history(1, 1, [pointsItem(null, "3")]),
    history(2, 2, [sprintItem("", "10")]),
    history(3, 5, [pointsItem("3", "5")]),
    history(4, 10, [sprintItem("10", "10, 11")]),
    history(5, 12, [sprintItem("10, 11", "10, 11, 12")]),
    history(6, 13, [sprintItem("10, 11, 12", "10, 11")]),
  ];
  const current = parseSprintField([
    { id: 11, name: "S 11", state: "active", startDate: new Date(at(17)).toISOString() },
    { id: 10, name: "S 10", state: "closed", startDate: new Date(at(3)).toISOString() },
  ]);
  const { memberships, historyOnly } = sprintMemberships({
    current,
    histories,
    sprintFieldId: SPRINT,
    storyPointsFieldId: POINTS,
    currentPoints: 5,
    createdAt: at(1),
  });
  const byId = new Map(memberships.map((m) => [m.sprintId, m]));
  assertEquals(byId.get("10"), {
    sprintId: "10",
    addedAt: at(2),
    removedAt: null,
    estimateAtStart: 3, // points in force on day 3 (the day-5 change comes later)
    carriedFrom: null,
    carriedTo: "11",
  });
  assertEquals(byId.get("11"), {
    sprintId: "11",
    addedAt: at(10),
    removedAt: null,
    estimateAtStart: 5, // sprint 11 starts day 17: the day-5 value
    carriedFrom: "10",
    carriedTo: null,
  });
  assertEquals(byId.get("12"), {
    sprintId: "12",
    addedAt: at(12),
    removedAt: at(13),
    estimateAtStart: 5, // no start date known: at the time it was added (day 12)
    carriedFrom: null,
    carriedTo: null,
  });
  assertEquals(historyOnly.map((s) => s.id), ["12"]);
});

Deno.test("pull request links: number and repository from the URL, falling back to the id", () => {
  assertEquals(
    parsePullRequest({
      id: "#12",
      url: "https://github.com/acme/api/pull/12",
      status: "MERGED",
      repositoryId: "900",
      source: { branch: "feature/X-1" },
      lastCommit: { id: "abc123" },
    }),
    {
      externalRepoId: "900",
      repoFullName: "acme/api",
      prNumber: 12,
      url: "https://github.com/acme/api/pull/12",
      branch: "feature/X-1",
      commit: "abc123",
      status: "MERGED",
    },
  );
  const gitlab = parsePullRequest({ id: "!5", url: "https://gitlab.com/group/sub/repo/-/merge_requests/5" })!;
  assertEquals([gitlab.externalRepoId, gitlab.prNumber], ["group/sub/repo", 5]);
  const noUrl = parsePullRequest({ id: "#7", repositoryName: "acme/web" })!;
  assertEquals([noUrl.externalRepoId, noUrl.prNumber], ["acme/web", 7]);
  assertEquals(parsePullRequest({ id: "draft", url: "https://github.com/acme/api" }), null);
});
