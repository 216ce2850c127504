// The queries Sluice sends are valid against GitHub's published schema, and their planned cost is what GitHub's
// formula gives when read from the query text (the fake GitHub's independent reading, tests/fakes/github).
import { parse } from "graphql";
import { assertEquals } from "../../../../tests/support/assert.ts";
import { analyze, parseQuery } from "../../../../tests/fakes/github/graphql.ts";
import {
  continuationQuery,
  continuationRequests,
  continuationVariables,
  DEFAULT_PAGE_SIZES,
  planPrPageSize,
  pointsFor,
  probeQuery,
  prPageRequests,
  pullRequestPageQuery,
  windowCountSearch,
} from "./queries.ts";

Deno.test("github queries: valid against the schema, planned cost = GitHub's formula", () => {
  for (const prs of [1, 10, 25, 50]) {
    const query = pullRequestPageQuery(DEFAULT_PAGE_SIZES, prs);
    assertEquals(parseQuery(query).errors, []);
    const a = analyze(parse(query), { owner: "o", name: "n", after: null });
    assertEquals(a.requests, prPageRequests(DEFAULT_PAGE_SIZES, prs), `${prs} PRs`);
    assertEquals(a.cost, pointsFor(prPageRequests(DEFAULT_PAGE_SIZES, prs)));
  }
  const probe = probeQuery(25);
  assertEquals(parseQuery(probe.query).errors, []);
  assertEquals(analyze(parse(probe.query), {}).requests, probe.requests);
  const counted = probeQuery(25, true);
  assertEquals(parseQuery(counted.query).errors, []);
  assertEquals(analyze(parse(counted.query), {}).requests, counted.requests);
  assertEquals(pointsFor(counted.requests), pointsFor(probe.requests), "the window count is free");
  const refs = [
    { parent: "PR_1", connection: "commits" as const, cursor: "a" },
    { parent: "PR_1", connection: "reviewThreads" as const, cursor: "b" },
    { parent: "PRRT_1", connection: "threadComments" as const, cursor: "c" },
    { parent: "PR_2", connection: "labels" as const, cursor: "d" },
  ];
  const cont = continuationQuery(refs, DEFAULT_PAGE_SIZES);
  assertEquals(parseQuery(cont).errors, []);
  assertEquals(
    analyze(parse(cont), continuationVariables(refs)).requests,
    refs.reduce((n, r) => n + continuationRequests(r.connection), 0),
  );
});

Deno.test("github queries: the PR page size is planned under the point budget", () => {
  assertEquals(pointsFor(prPageRequests(DEFAULT_PAGE_SIZES)), 9, "the default page plans at 9 points");
  assertEquals(planPrPageSize(DEFAULT_PAGE_SIZES, 10), 50);
  const p = planPrPageSize(DEFAULT_PAGE_SIZES, 3);
  assertEquals(pointsFor(prPageRequests(DEFAULT_PAGE_SIZES, p)) <= 3, true);
  assertEquals(pointsFor(prPageRequests(DEFAULT_PAGE_SIZES, p + 1)) > 3, true);
  assertEquals(planPrPageSize({ ...DEFAULT_PAGE_SIZES, reviewThreads: 100 }, 1), 1);
});

Deno.test("github queries: the window count searches PRs of every owner updated since the floor", () => {
  const floor = new Date("2026-01-02T03:04:05.678Z");
  assertEquals(
    windowCountSearch(["acme", "acme-labs"], floor, false),
    "is:pr updated:>=2026-01-02T03:04:05Z user:acme user:acme-labs archived:false",
  );
  assertEquals(windowCountSearch(["acme"], floor, true), "is:pr updated:>=2026-01-02T03:04:05Z user:acme");
});
