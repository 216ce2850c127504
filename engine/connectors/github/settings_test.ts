// API URLs for github.com, Enterprise Server and data residency; repository name patterns.
import { assertEquals } from "../../../tests/support/assert.ts";
import { apiUrls, matchesFilter, organizationLogins } from "./settings.ts";

Deno.test("github settings: REST and GraphQL endpoints per deployment", () => {
  assertEquals(apiUrls("https://api.github.com"), {
    rest: "https://api.github.com",
    graphql: "https://api.github.com/graphql",
    enterpriseServer: false,
  });
  assertEquals(apiUrls("https://ghe.corp.example/api/v3/"), {
    rest: "https://ghe.corp.example/api/v3",
    graphql: "https://ghe.corp.example/api/graphql",
    enterpriseServer: true,
  });
  assertEquals(apiUrls("https://ghe.corp.example"), {
    rest: "https://ghe.corp.example/api/v3",
    graphql: "https://ghe.corp.example/api/graphql",
    enterpriseServer: true,
  });
  assertEquals(apiUrls("https://api.acme.ghe.com").graphql, "https://api.acme.ghe.com/graphql");
});

Deno.test("github settings: names and * patterns, case-insensitive; organizations split on commas", () => {
  assertEquals(matchesFilter("anything", []), true);
  assertEquals(matchesFilter("API-gateway", ["api-*"]), true);
  assertEquals(matchesFilter("web.app", ["web.app"]), true);
  assertEquals(matchesFilter("webxapp", ["web.app"]), false, "a dot is a dot, not a wildcard");
  assertEquals(matchesFilter("payments", ["api-*", "web"]), false);
  assertEquals(organizationLogins(" acme, acme-labs  other "), ["acme", "acme-labs", "other"]);
});
