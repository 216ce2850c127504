// Field value normalisation (study §13 rule 12) and ADF → text, on the shapes Jira really returns.
import { assertEquals } from "../../../../tests/support/assert.ts";
import { customFieldText, hasDevelopment, isoTime, nameList, storyPoints, teamText } from "./values.ts";
import { adfToText } from "./adf.ts";

Deno.test("custom field values: objects give their label, lists are joined, scalars become text", () => {
  assertEquals(customFieldText({ self: "x", value: "High", id: "10" }), "High");
  assertEquals(customFieldText({ value: "Europe", child: { value: "Berlin" } }), "Europe / Berlin");
  assertEquals(customFieldText({ accountId: "a1", displayName: "Ada Byron" }), "Ada Byron");
  assertEquals(customFieldText([{ value: "a" }, { name: "b" }, "c", 4]), "a, b, c, 4");
  assertEquals(customFieldText([]), null);
  assertEquals(customFieldText(""), null);
  assertEquals(customFieldText(3.5), "3.5");
  assertEquals(customFieldText(false), "false");
  assertEquals(customFieldText({ id: 42 }), "42");
});

Deno.test("special fields: team name, story points as numbers, development presence", () => {
  assertEquals(teamText({ id: "t-1", name: "Platform", title: "Platform team" }), "Platform");
  assertEquals(teamText("Payments"), "Payments");
  assertEquals(storyPoints("5"), 5);
  assertEquals(storyPoints(" 2.5 "), 2.5);
  assertEquals(storyPoints(8), 8);
  assertEquals([storyPoints("five"), storyPoints(""), storyPoints(null), storyPoints(Number.NaN)], [
    null,
    null,
    null,
    null,
  ]);
  assertEquals(hasDevelopment("{}"), false);
  assertEquals(hasDevelopment("{pullrequest={dataType=pullrequest, state=MERGED, stateCount=1}, json={}}"), true);
  assertEquals([hasDevelopment(null), hasDevelopment([]), hasDevelopment({}), hasDevelopment("''")], [
    false,
    false,
    false,
    false,
  ]);
  assertEquals(hasDevelopment({ pullrequest: 1 }), true);
});

Deno.test("lists and dates: names de-duplicated, Jira offsets converted to UTC", () => {
  assertEquals(nameList([{ name: "API" }, { name: "UI" }, { name: "API" }]), ["API", "UI"]);
  assertEquals(nameList(["frontEnd", "Saas"]), ["frontEnd", "Saas"]);
  assertEquals(nameList(null), []);
  assertEquals(isoTime("2021-03-28T16:06:08.713+0800"), "2021-03-28T08:06:08.713Z");
  assertEquals(isoTime("2024-01-01"), "2024-01-01T00:00:00.000Z");
  assertEquals([isoTime(""), isoTime("not a date"), isoTime(null)], [null, null, null]);
});

Deno.test("ADF documents become readable text; wiki strings pass through", () => {
  const doc = {
    type: "doc",
    version: 1,
    content: [
      { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Steps" }] },
      {
        type: "bulletList",
        content: [
          { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "open the page" }] }] },
          {
            type: "listItem",
            content: [{
              type: "paragraph",
              content: [{ type: "text", text: "ask " }, { type: "mention", attrs: { id: "u1", text: "@Ada" } }],
            }],
          },
        ],
      },
      {
        type: "paragraph",
        content: [
          { type: "text", text: "see" },
          { type: "hardBreak" },
          { type: "inlineCard", attrs: { url: "https://example.test/x" } },
          { type: "emoji", attrs: { shortName: ":smile:", text: "😄" } },
        ],
      },
      { type: "mediaSingle", content: [{ type: "media", attrs: { id: "m1" } }] },
      {
        type: "table",
        content: [{
          type: "tableRow",
          content: [
            { type: "tableHeader", content: [{ type: "paragraph", content: [{ type: "text", text: "a" }] }] },
            { type: "tableCell", content: [{ type: "paragraph", content: [{ type: "text", text: "b" }] }] },
          ],
        }],
      },
    ],
  };
  assertEquals(adfToText(doc), "Steps\n- open the page\n- ask @Ada\nsee\nhttps://example.test/x😄\na | b");
  assertEquals(adfToText("h2. Wiki *markup*"), "h2. Wiki *markup*");
  assertEquals(adfToText({ type: "doc", content: [] }), null);
  assertEquals(adfToText({ not: "adf" }), null);
});
