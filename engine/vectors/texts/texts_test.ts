import { assert, assertEquals } from "../../../tests/support/assert.ts";
import { compose, MAX_TEXT_CHARS } from "./compose.ts";
import { workItemText } from "./work_items.ts";
import { commitSummary, MAX_COMMITS, prText } from "./prs.ts";

Deno.test("compose: labelled parts, empty ones skipped, whitespace collapsed", () => {
  assertEquals(
    compose([["Key", "EE-1"], ["Summary", "  Login\n fails "], ["Labels", ["ui", "", null, "auth"]], ["Empty", " "]]),
    "Key: EE-1 Summary: Login fails Labels: ui, auth",
  );
  assertEquals(compose([["A", null], ["B", undefined], ["C", []]]), "");
});

Deno.test("compose: bounded; the longest field is cut first, at a word boundary, short fields stay whole", () => {
  const long = "lorem ipsum dolor ".repeat(2000);
  const text = compose([["Key", "EE-1"], ["Summary", "Short summary"], ["Description", long]]);
  assert(text.length <= MAX_TEXT_CHARS, `${text.length}`);
  assert(text.startsWith("Key: EE-1 Summary: Short summary Description: lorem ipsum"), text.slice(0, 80));
  assert(text.endsWith("…"));
  assert(/(lorem|ipsum|dolor)…$/.test(text), text.slice(-20));
  // two long fields share the budget
  const two = compose([["Title", "t ".repeat(5000)], ["Body", "b ".repeat(5000)]], 1000);
  assert(two.length <= 1000, `${two.length}`);
  assert(two.includes("Body: b b"), "both long fields keep a share");
});

Deno.test("work item text: key, summary, type, status, labels, then the description", () => {
  assertEquals(
    workItemText({
      id: 1,
      integration_id: 1,
      key: "EE-7",
      summary: "Checkout button does nothing",
      description: "Steps: open cart, press checkout.",
      type: "Bug",
      status: "In Progress",
      labels: ["payments", "web"],
    }),
    "Key: EE-7 Summary: Checkout button does nothing Type: Bug Status: In Progress Labels: payments, web " +
      "Description: Steps: open cart, press checkout.",
  );
});

Deno.test("pull request text: repo and number, title, state, distinct commit first lines without merges, body", () => {
  const messages = [
    "Add retry to the client\n\nLonger body",
    "Merge branch 'main' into feature",
    "Add retry to the client",
    "Fix lint",
  ];
  assertEquals(commitSummary(messages), ["Add retry to the client", "Fix lint"]);
  assertEquals(
    prText({
      id: 1,
      integration_id: 2,
      repository: "acme/api",
      number: 42,
      title: "Retry transient errors",
      body: "Closes EE-7.",
      state: "MERGED",
      messages,
    }),
    "Pull Request: acme/api#42 Title: Retry transient errors State: MERGED Commits: Add retry to the client; Fix lint " +
      "Description: Closes EE-7.",
  );
  const many = Array.from({ length: 100 }, (_, i) => `commit ${i}`);
  assertEquals(commitSummary(many).length, MAX_COMMITS);
  const huge = prText({
    id: 1,
    integration_id: 2,
    repository: "a/b",
    number: 1,
    title: "T",
    body: "x ".repeat(50_000),
    state: null,
    messages: many,
  });
  assert(huge.length <= MAX_TEXT_CHARS && huge.includes("Title: T"), `${huge.length}`);
});
