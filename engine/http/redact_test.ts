import { assert, assertEquals, assertStringIncludes } from "../../tests/support/assert.ts";
import { bodyExcerpt, EXCERPT_LIMIT, redactUrl, scrubSecrets } from "./redact.ts";

Deno.test("redactUrl drops user info and secret query values, keeps the rest", () => {
  const url = redactUrl(
    "https://bot:hunter2@jira.example.com/rest/api/3/search/jql?jql=project%3DX&access_token=abc&apiKey=k",
  );
  assert(!url.includes("hunter2") && !url.includes("bot:"));
  assert(!url.includes("abc") && !url.includes("=k"));
  assertStringIncludes(url, "jql=project%3DX");
  assertStringIncludes(url, "access_token=%5Bredacted%5D");
  assertEquals(redactUrl("::not a url"), "[unparseable url]");
});

Deno.test("scrubSecrets removes known secrets and credential-shaped text", () => {
  const token = "ATATT3xFfGF0-secret-token";
  const text = `echo: Authorization: Basic Ym90OnNlY3JldA== token=${token} jwt eyJhbGciOi.eyJzdWIiOi.sig`;
  const out = scrubSecrets(text, [token]);
  assert(!out.includes(token));
  assert(!out.includes("Ym90OnNlY3JldA=="));
  assert(!out.includes("eyJhbGciOi.eyJzdWIiOi"));
});

Deno.test("bodyExcerpt is one line and at most 300 characters", () => {
  const out = bodyExcerpt(`<html>\n${"x".repeat(1000)}\n</html>`);
  assertEquals(out.length, EXCERPT_LIMIT);
  assert(!out.includes("\n"));
  assertEquals(bodyExcerpt("  short  "), "short");
});
