// Pages still to come of a REST listing, read from the Link header the way github.com writes it.
import { assertEquals } from "../../../../tests/support/assert.ts";
import { pagesAfter } from "./client.ts";

Deno.test("github listing: pages after this one, from the Link header's next and last pages", () => {
  const base = "https://api.github.com/organizations/1/repos?type=all&per_page=100";
  const first = `<${base}&page=2>; rel="next", <${base}&page=5>; rel="last"`;
  assertEquals(pagesAfter(first), 4);
  const middle = `<${base}&page=3>; rel="prev", <${base}&page=5>; rel="next", <${base}&page=5>; rel="last", ` +
    `<${base}&page=1>; rel="first"`;
  assertEquals(pagesAfter(middle), 1);
  assertEquals(pagesAfter(`<${base}&page=4>; rel="prev", <${base}&page=1>; rel="first"`), 0, "the last page");
  assertEquals(pagesAfter(null), 0, "a single page has no Link header");
  assertEquals(pagesAfter(`<${base}&after=Y3Vy>; rel="next"`), null, "cursor pages do not say how many follow");
});
