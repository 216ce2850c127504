import { assert, assertEquals } from "../../tests/support/assert.ts";
import {
  isRateLimitResponse,
  parseReset,
  parseRetryAfter,
  readRateLimitHeaders,
  retryNotBefore,
} from "./rate_limit_headers.ts";

const NOW = Date.UTC(2026, 2, 2, 10, 0, 0);

Deno.test("Retry-After accepts delta seconds and HTTP dates, rejects garbage", () => {
  assertEquals(parseRetryAfter("30", NOW)?.getTime(), NOW + 30_000);
  assertEquals(parseRetryAfter(" 1.5 ", NOW)?.getTime(), NOW + 1_500);
  assertEquals(parseRetryAfter("Mon, 02 Mar 2026 10:05:00 GMT", NOW)?.getTime(), NOW + 300_000);
  assertEquals(parseRetryAfter("soon", NOW), undefined);
  assertEquals(parseRetryAfter(null, NOW), undefined);
});

Deno.test("reset values: Jira ISO minute, GitHub epoch seconds, IETF delta seconds", () => {
  assertEquals(parseReset("2026-03-02T10:15Z", NOW)?.getTime(), Date.UTC(2026, 2, 2, 10, 15));
  assertEquals(parseReset(String(NOW / 1000 + 120), NOW)?.getTime(), NOW + 120_000);
  assertEquals(parseReset("45", NOW)?.getTime(), NOW + 45_000);
  assertEquals(parseReset("not-a-date", NOW), undefined);
});

Deno.test("Jira 429 headers are read into one shape", () => {
  const info = readRateLimitHeaders(
    new Headers({
      "Retry-After": "7",
      "RateLimit-Reason": "jira-burst-based",
      "X-RateLimit-Limit": "350",
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": "2026-03-02T10:01Z",
      "X-RateLimit-NearLimit": "true",
    }),
    NOW,
  );
  assertEquals(info, {
    limit: 350,
    remaining: 0,
    resetAt: new Date(Date.UTC(2026, 2, 2, 10, 1)),
    retryAt: new Date(NOW + 7_000),
    reason: "jira-burst-based",
    nearLimit: true,
  });
  assertEquals(retryNotBefore(info)?.getTime(), NOW + 7_000, "Retry-After wins over the reset");
});

Deno.test("Beta quota headers apply when Retry-After is absent", () => {
  const info = readRateLimitHeaders(
    new Headers({
      "Beta-Retry-After": "90",
      "X-Beta-RateLimit-Reason": "jira-quota-tenant-based",
      "Beta-RateLimit-Policy": '"tenant-app-quota";q=100100;w=3600',
    }),
    NOW,
  );
  assertEquals(info.retryAt?.getTime(), NOW + 90_000);
  assertEquals(info.reason, "jira-quota-tenant-based");
  assertEquals(info.windowSeconds, 3600);
});

Deno.test("GitHub primary limit: 403 with remaining 0 is a rate limit, plain 403 is not", () => {
  const github = readRateLimitHeaders(
    new Headers({
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(NOW / 1000 + 600),
      "x-ratelimit-resource": "core",
    }),
    NOW,
  );
  assert(isRateLimitResponse(403, github));
  assertEquals(retryNotBefore(github)?.getTime(), NOW + 600_000);
  assertEquals(github.resource, "core");
  assert(!isRateLimitResponse(403, readRateLimitHeaders(new Headers(), NOW)));
  assert(isRateLimitResponse(429, {}));
});
