import { assert, assertEquals, assertThrows } from "../../support/assert.ts";
import { compareKeys, compareRows, compileJql } from "./jql.ts";
import type { IssueRow, StoredIssue } from "./store.ts";

const NOW = Date.UTC(2024, 5, 1);
const row = (key: string, updated: string, type = "Story"): IssueRow => ({
  ref: 0,
  id: Number(key.split("-")[1]),
  key,
  projectKey: key.split("-")[0],
  issueTypeId: type === "Story" ? "30001" : "30003",
  issueTypeName: type,
  createdMs: Date.parse("2024-01-01T00:00:00Z"),
  updatedMs: Date.parse(updated),
});
const full = (status: string) => () => ({ fields: { status: { id: "3", name: status } } }) as unknown as StoredIssue;
const test = (jql: string, r: IssueRow, status = "Done", tz = "UTC") => compileJql(jql, tz, NOW).where(r, full(status));

Deno.test("fake JQL: project lists, issue types, status, boolean logic", () => {
  const a = row("ALPHA-1", "2024-03-01T10:00:00Z");
  assert(test('project IN ("ALPHA", BETA)', a));
  assert(!test('project NOT IN ("ALPHA")', a));
  assert(test("project = alpha AND (issuetype = Story OR issuetype = Bug)", a));
  assert(!test("issuetype = 30003", a));
  assert(test("issuetype != Bug AND NOT status = Backlog", a));
  assert(test('status = "In Progress"', a, "In Progress"));
  assert(test("key = ALPHA-1 OR id = 99", a));
});

Deno.test("fake JQL: date bounds are minute literals in the user's zone, or relative periods", () => {
  const r = row("A-1", "2024-03-01T15:30:00Z");
  assert(test('updated >= "2024-03-01 15:30" AND updated < "2024-03-01 15:31"', r));
  assert(!test('updated < "2024-03-01 15:30"', r));
  // 15:30 UTC is 10:30 in New York (EST).
  assert(test('updated >= "2024-03-01 10:30" AND updated < "2024-03-01 10:31"', r, "Done", "America/New_York"));
  assert(test("updated >= 2024/03/01", r));
  assert(test('updated >= "-100d"', r));
  assert(!test('updated >= "-1d"', r));
});

Deno.test("fake JQL: ORDER BY with key tiebreak compares project then number", () => {
  const c = compileJql("project = A ORDER BY updated ASC, key ASC", "UTC", NOW);
  const rows = [
    row("A-10", "2024-01-02T00:00:00Z"),
    row("A-9", "2024-01-02T00:00:00Z"),
    row("A-1", "2024-01-03T00:00:00Z"),
  ];
  assertEquals(rows.sort(compareRows(c.order)).map((r) => r.key), ["A-9", "A-10", "A-1"]);
  assert(compareKeys("AB-2", "B-1") < 0);
  assertEquals(compileJql("ORDER BY key", "UTC", NOW).bounded, false);
  assertEquals(compileJql("project = A", "UTC", NOW).bounded, true);
});

Deno.test("fake JQL: unsupported input is rejected with Jira's wording", () => {
  assertThrows(() => compileJql("foo = 1", "UTC", NOW), "Field 'foo' does not exist");
  assertThrows(() => compileJql('updated >= "yesterday"', "UTC", NOW), "is invalid");
  assertThrows(() => compileJql('project = "A', "UTC", NOW), "unterminated");
  assertThrows(() => compileJql("project ~ A", "UTC", NOW), "operator '~'");
  assertThrows(() => compileJql("project = A ORDER BY summary", "UTC", NOW), "ORDER BY");
  assertThrows(() => compileJql("project = A B", "UTC", NOW), "unexpected 'B'");
});
