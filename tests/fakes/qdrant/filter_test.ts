import { assert, assertEquals, assertThrows } from "../../support/assert.ts";
import { filterMatches } from "./filter.ts";

const p = { tenant: "7", kind: "work_items", integration_id: 3, labels: ["ui", "bug"], size: 5, meta: { team: "a" } };

Deno.test("qdrant double filter: must, should, must_not, match variants, ranges, nesting", () => {
  assert(filterMatches(1, p, { must: [{ key: "tenant", match: { value: "7" } }] }));
  assert(!filterMatches(1, p, { must: [{ key: "tenant", match: { value: "8" } }] }));
  assert(!filterMatches(1, p, { must: [{ key: "tenant", match: { value: 7 } }] }), "keyword vs integer");
  assert(
    filterMatches(1, p, {
      should: [{ key: "kind", match: { value: "prs" } }, { key: "labels", match: { value: "bug" } }],
    }),
  );
  assert(!filterMatches(1, p, { should: [{ key: "kind", match: { value: "prs" } }] }));
  assert(!filterMatches(1, p, { must_not: [{ key: "integration_id", match: { any: [3, 4] } }] }));
  assert(filterMatches(1, p, { must: [{ key: "labels", match: { except: ["x"] } }] }));
  assert(filterMatches(1, p, { must: [{ key: "size", range: { gte: 5, lt: 6 } }] }));
  assert(!filterMatches(1, p, { must: [{ key: "size", range: { gt: 5 } }] }));
  assert(filterMatches(1, p, { must: [{ key: "meta.team", match: { value: "a" } }] }));
  assert(
    filterMatches("abc", p, { must: [{ has_id: ["abc"] }, { must_not: [{ key: "tenant", match: { value: "1" } }] }] }),
  );
  assert(filterMatches(1, p, { must: [{ is_empty: { key: "missing" } }] }));
  assertEquals(filterMatches(1, p, null), true);
  assertThrows(() => filterMatches(1, p, { must: [{ geo_radius: {} }] }), "does not implement");
});
