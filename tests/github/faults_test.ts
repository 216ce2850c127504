// Source faults during a GitHub sync, each as GitHub really signals it: secondary limits (403/429, with or without
// Retry-After), an exhausted GraphQL quota answered as HTTP 200 with errors[].type RATE_LIMITED or RATE_LIMIT, a
// budget too small for the next planned query, an Enterprise Server with rate limiting off, 5xx, a query GitHub
// finds too heavy, a truncated body and revoked credentials. A long wait parks the step (RateLimitedError with the
// resume time) and the retry continues from the checkpoint without reading a page twice.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { RateLimitedError, SourceAuthError, SourceResponseError } from "../../engine/http/errors.ts";
import { STEP } from "../../engine/connectors/github/connector.ts";
import type { GitHubFault } from "../fakes/github/mod.ts";
import { count, FAST_HTTP, type GitHubEnv, withGitHub } from "./support.ts";

const kind = primaryKind();
const SMALL = { recorded: false, synthetic: { repos: 2, prsPerRepo: 60, bigEvery: 7, big: { commits: 90 } } };
const SETTINGS = { organization: "acme", lookbackDays: 30 };
const TOTAL_PRS = 120;

async function rawPrRecords(env: GitHubEnv): Promise<number> {
  const [{ n }] = await env.db.query<{ n: number }>(
    "SELECT coalesce(sum(record_count), 0)::int AS n FROM raw_extraction_data WHERE kind = 'github_pull_requests'",
  );
  return n;
}

/** Injects the fault on the 2nd PR page, syncs (expecting it to stop), resumes, and checks nothing was lost. */
async function parkAndResume(env: GitHubEnv, fault: GitHubFault, check: (e: RateLimitedError) => void) {
  const windowTo = new Date();
  let pages = 0;
  const first = await env.sync({
    windowTo,
    catchErrors: true,
    github: {
      http: {
        ...FAST_HTTP,
        onRequest: (e) => {
          if (e.endpoint === "POST graphql" && e.outcome === "ok" && ++pages === 2) env.github.inject(fault);
        },
      },
    },
  });
  assert(first.error instanceof RateLimitedError, String(first.error));
  check(first.error as RateLimitedError);
  const before = await rawPrRecords(env);
  assert(before > 0, "pages before the limit were committed");
  const second = await env.sync({ windowTo, resume: first });
  assert(!second.stopped, String(second.error));
  assertEquals(await rawPrRecords(env), TOTAL_PRS, "no PR page was extracted twice");
  assertEquals(await count(env.db, "prs"), TOTAL_PRS);
}

const secondsAhead = (d: Date) => (d.getTime() - Date.now()) / 1000;

Deno.test(`github faults[${kind}]: secondary limits — short Retry-After waits in place, long ones park`, () =>
  withGitHub(kind, { fake: SMALL, settings: SETTINGS }, async (env) => {
    env.github.inject({ kind: "secondary", status: 403, retryAfterSeconds: 1, path: "/api/graphql" });
    const ok = await env.sync();
    assert(!ok.stopped, String(ok.error));
    assertEquals(env.github.requests.filter((r) => r.status === 403).length, 1, "one refusal, then the retry");
    assertEquals(await count(env.db, "prs"), TOTAL_PRS);
  }));

Deno.test(`github faults[${kind}]: a 429 with a long Retry-After parks until then and resumes at the checkpoint`, () =>
  withGitHub(kind, { fake: SMALL, settings: SETTINGS }, async (env) => {
    await parkAndResume(env, { kind: "secondary", status: 429, retryAfterSeconds: 120, path: "/api/graphql" }, (e) => {
      assert(secondsAhead(e.resumeAt) > 100 && secondsAhead(e.resumeAt) <= 122, `resume ${e.resumeAt.toISOString()}`);
    });
  }));

Deno.test(`github faults[${kind}]: a 403 secondary limit without Retry-After waits at least a minute`, () =>
  withGitHub(kind, { fake: SMALL, settings: SETTINGS }, async (env) => {
    await parkAndResume(env, { kind: "secondary", status: 403, path: "/api/graphql" }, (e) => {
      assert(secondsAhead(e.resumeAt) >= 55, `resume ${e.resumeAt.toISOString()}`);
      assert(/secondary/i.test(e.reason), e.reason);
    });
  }));

for (const errorType of ["RATE_LIMITED", "RATE_LIMIT"] as const) {
  Deno.test(`github faults[${kind}]: an exhausted quota as HTTP 200 with errors[].type ${errorType} parks`, () =>
    withGitHub(kind, { fake: SMALL, settings: SETTINGS }, async (env) => {
      await parkAndResume(env, { kind: "graphql_rate_limited", errorType, resetSeconds: 900, path: "/api/graphql" }, (
        e,
      ) => {
        assert(secondsAhead(e.resumeAt) > 850 && secondsAhead(e.resumeAt) <= 901, `resume ${e.resumeAt.toISOString()}`);
        assert(e.reason.includes(errorType), e.reason);
      });
    }));
}

Deno.test(`github faults[${kind}]: a budget that cannot pay the next planned query parks before sending it`, () =>
  withGitHub(kind, { fake: { ...SMALL, budget: { graphql: 12 } }, settings: SETTINGS }, async (env) => {
    const first = await env.sync({ catchErrors: true });
    assert(first.error instanceof RateLimitedError, String(first.error));
    const e = first.error as RateLimitedError;
    assert(/budget/.test(e.reason), e.reason);
    assert(secondsAhead(e.resumeAt) > 3000, "resumes when the hourly budget refills");
    assert(env.github.used.graphql <= 12, "the budget was never overrun");
    assertEquals(env.github.graphqlRequests().filter((r) => r.status !== 200).length, 0);
    const [budget] = await env.db.query<{ remaining: number; limit_total: number; unlimited: boolean }>(
      "SELECT remaining, limit_total, unlimited FROM source_rate_limits WHERE resource = 'graphql'",
    );
    assertEquals([budget.remaining, budget.limit_total, budget.unlimited], [12 - env.github.used.graphql, 12, false]);
    assert(budget.remaining < 9, "what is left cannot pay a PR page");
    assert(first.checkpoints.get(STEP.pullRequests), "the checkpoint is kept for the resume");
  }));

Deno.test(`github faults[${kind}]: an Enterprise Server without rate limiting is unlimited, not exhausted`, () =>
  withGitHub(kind, { fake: { ...SMALL, enterprise: true }, settings: SETTINGS }, async (env) => {
    const result = await env.sync();
    assert(!result.stopped, String(result.error));
    assertEquals(await count(env.db, "prs"), TOTAL_PRS);
    assert(env.github.requests.every((r) => r.status === 200));
    const [budget] = await env.db.query<{ unlimited: boolean; remaining: number | null }>(
      "SELECT unlimited, remaining FROM source_rate_limits WHERE resource = 'graphql'",
    );
    assertEquals([budget.unlimited, budget.remaining], [true, null]);
  }));

Deno.test(`github faults[${kind}]: 5xx is retried; a too-heavy query is asked again at half the page size`, () =>
  withGitHub(kind, { fake: SMALL, settings: SETTINGS }, async (env) => {
    let injected = false;
    const result = await env.sync({
      github: {
        http: {
          ...FAST_HTTP,
          // after the probe: the first PR page meets two 502s, then an answer saying it is too heavy
          onRequest: (e) => {
            if (injected || e.endpoint !== "POST graphql" || e.outcome !== "ok") return;
            injected = true;
            env.github.inject({ kind: "status", status: 502, path: "/api/graphql", times: 2 });
            env.github.inject({
              kind: "graphql_error",
              errorType: "MAX_NODE_LIMIT_EXCEEDED",
              message: "This query requests up to 600,000 possible nodes which exceeds the maximum limit of 500,000.",
              path: "/api/graphql",
            });
          },
        },
      },
    });
    assert(!result.stopped, String(result.error));
    assertEquals(env.github.requests.filter((r) => r.status === 502).length, 2);
    const costs = env.github.graphqlRequests("PullRequests").map((r) => r.cost);
    assertEquals(costs.slice(0, 2), [9, 4], "after the heavy answer the page is asked with 25 PRs (4 points, not 9)");
    assertEquals(await count(env.db, "prs"), TOTAL_PRS);
  }));

Deno.test(`github faults[${kind}]: a truncated body fails the step with a clear error; the retry completes`, () =>
  withGitHub(kind, { fake: SMALL, settings: SETTINGS }, async (env) => {
    env.github.inject({ kind: "truncated_json", path: "/api/graphql" });
    const first = await env.sync({ catchErrors: true });
    assert(first.error instanceof SourceResponseError, String(first.error));
    assert(/malformed JSON/.test((first.error as Error).message));
    const second = await env.sync({ resume: first });
    assert(!second.stopped);
    assertEquals(await count(env.db, "prs"), TOTAL_PRS);
  }));

Deno.test(`github faults[${kind}]: revoked credentials stop with an auth error that never shows the token`, () =>
  withGitHub(kind, { fake: SMALL, settings: SETTINGS }, async (env) => {
    const bad = await env.sync({ catchErrors: true, credentials: { kind: "bearer", token: "ghp_revoked123456789" } });
    assert(bad.error instanceof SourceAuthError, String(bad.error));
    assert(!(bad.error as Error).message.includes("ghp_revoked123456789"));
    assertEquals(bad.pages, 0);
  }));
