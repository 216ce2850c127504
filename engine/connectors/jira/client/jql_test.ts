import { assertEquals, assertThrows } from "../../../../tests/support/assert.ts";
import { buildIssueJql, formatJqlDateTime, quoteJqlValue } from "./jql.ts";

Deno.test("buildIssueJql quotes keys, wraps the base JQL and pins the order", () => {
  assertEquals(
    buildIssueJql({
      projectKeys: ["EE", "K5", "EE", " "],
      baseJql: 'issuetype != Epic OR summary ~ "a (b"',
      updatedFrom: new Date(Date.UTC(2024, 0, 1, 10, 15, 59)),
      updatedTo: new Date(Date.UTC(2024, 0, 2, 0, 0, 30)),
    }),
    'project IN ("EE", "K5") AND (issuetype != Epic OR summary ~ "a (b") AND updated >= "2024-01-01 10:15" ' +
      'AND updated < "2024-01-02 00:00" ORDER BY updated ASC, key ASC',
  );
  assertEquals(buildIssueJql({ projectKeys: ["AND"] }), 'project IN ("AND") ORDER BY updated ASC, key ASC');
});

Deno.test("quoting escapes quotes and backslashes so values cannot end the literal", () => {
  assertEquals(quoteJqlValue('A" OR project = "B'), '"A\\" OR project = \\"B"');
  assertEquals(quoteJqlValue("C:\\x"), '"C:\\\\x"');
});

Deno.test("dates are rendered in the Jira user's time zone, floored to the minute", () => {
  const instant = new Date(Date.UTC(2024, 6, 1, 3, 7, 45)); // 03:07:45 UTC
  assertEquals(formatJqlDateTime(instant), "2024-07-01 03:07");
  assertEquals(formatJqlDateTime(instant, "America/New_York"), "2024-06-30 23:07"); // EDT, UTC−4
  assertEquals(formatJqlDateTime(instant, "Asia/Shanghai"), "2024-07-01 11:07");
  assertEquals(formatJqlDateTime(new Date(Date.UTC(2024, 0, 1, 0, 0)), "America/New_York"), "2023-12-31 19:00");
});

Deno.test("buildIssueJql refuses what would make the query unbounded or broken", () => {
  assertThrows(() => buildIssueJql({ projectKeys: [] }), "at least one project key");
  assertThrows(() => buildIssueJql({ projectKeys: ["A"], baseJql: "status = Done ORDER BY created" }), "ORDER BY");
  assertThrows(() => buildIssueJql({ projectKeys: ["A"], baseJql: "status = Done) OR (project = B" }), "unbalanced");
  assertThrows(
    () => buildIssueJql({ projectKeys: ["A"], updatedFrom: new Date(2000), updatedTo: new Date(1000) }),
    "before",
  );
  assertThrows(() => formatJqlDateTime(new Date(0), "Mars/Olympus"), "unknown time zone");
  // ORDER BY inside a quoted value is text, not a clause.
  assertEquals(
    buildIssueJql({ projectKeys: ["A"], baseJql: 'summary ~ "order by"' }),
    'project IN ("A") AND (summary ~ "order by") ORDER BY updated ASC, key ASC',
  );
});
