// The regex-free date path and the parse-once ordering must agree exactly with changelog.ts' parseJiraDate and
// sortHistories, which they replace on the hot path of a large load.
import { assertEquals } from "../../../../tests/support/assert.ts";
import { parseJiraDate, sortHistories } from "../client/changelog.ts";
import { jiraTime, orderedHistories } from "./history_time.ts";
import type { JiraHistory } from "../client/types.ts";

Deno.test("jiraTime equals parseJiraDate for every shape Jira and the bulk endpoint send", () => {
  const values: unknown[] = [
    "2021-03-28T16:06:08.713+0800",
    "2021-03-28T16:06:08.713-0330",
    "2021-03-28T16:06:08.713+0000",
    "2024-02-29T23:59:59.999+1400",
    "2021-03-28T16:06:08.713+08:00",
    "2021-03-28T16:06:08.713Z",
    "2021-03-28T16:06:08+0800",
    "2021-03-28T16:06:08.713+08xx",
    "2021-13-28T16:06:08.713+0800", // month 13: NaN from both
    "not a date at all, 28 chars",
    "",
    1616918768713,
    1616918768,
    null,
    undefined,
    { created: "x" },
  ];
  for (const v of values) assertEquals(jiraTime(v), parseJiraDate(v), String(v));
});

function history(id: string, created: string): JiraHistory {
  return { id, created, items: [] } as unknown as JiraHistory;
}

Deno.test("orderedHistories gives sortHistories' order: ascending, newest first, mixed, ties and bad dates", () => {
  const t = (m: number) => new Date(Date.UTC(2024, 0, 1) + m * 60_000).toISOString().replace("Z", "+0000");
  const cases: JiraHistory[][] = [
    [history("1", t(1)), history("2", t(2)), history("3", t(3))],
    [history("3", t(3)), history("2", t(2)), history("1", t(1))],
    [history("2", t(5)), history("9", t(1)), history("4", t(3)), history("1", t(3))],
    [history("10", t(1)), history("9", t(1)), history("a", t(1)), history("b", t(1))],
    [history("5", t(2)), history("6", "garbage"), history("4", t(1)), history("7", t(0))],
    [history("1", t(1))],
    [],
  ];
  for (const input of cases) {
    const ids = (hs: JiraHistory[]) => hs.map((h) => h.id);
    assertEquals(ids(orderedHistories(input)), ids(sortHistories(input)), ids(input).join(","));
    assertEquals(orderedHistories(input) !== input, true, "a copy, never the input array");
  }
});
