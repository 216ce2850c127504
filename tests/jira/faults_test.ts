// Source faults during a sync: a long rate limit parks the step with a resume time (RateLimitedError, for the engine
// to go RATE_LIMITED) and the next attempt continues from the checkpoint without re-reading or duplicating; a
// transient 5xx is retried inside the request; bad credentials stop the run with an auth error naming the request.
import { assert, assertEquals } from "../support/assert.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { RateLimitedError, SourceAuthError } from "../../engine/http/errors.ts";
import { recordedData } from "../fakes/jira/mod.ts";
import { runSync } from "./driver.ts";
import { FAST_HTTP, kinds, withJira } from "./support.ts";

const connector = createJiraConnector({ http: FAST_HTTP });

for (const kind of kinds()) {
  Deno.test(`jira faults[${kind}]: a rate limit parks the step and the retry resumes at the checkpoint`, () =>
    withJira(
      kind,
      { settings: { pageSizes: { search: 10 } } },
      async ({ db, jira, tenantId, integrationId, credentials }) => {
        const windowTo = new Date();
        // the second search page answers 429 with a wait far longer than the client will sleep (5 s in tests)
        let searches = 0;
        const limitAfterFirstPage = createJiraConnector({
          http: {
            ...FAST_HTTP,
            onRequest: (e) => {
              if (e.endpoint === "POST search/jql" && ++searches === 1) {
                jira.inject({ kind: "rate_limit", retryAfterSeconds: 120, path: /search\/jql$/ });
              }
            },
          },
        });
        const first = await runSync({
          db,
          connector: limitAfterFirstPage,
          tenantId,
          integrationId,
          credentials,
          windowTo,
          catchErrors: true,
        });
        assert(first.error instanceof RateLimitedError, String(first.error));
        const resumeIn = (first.error as RateLimitedError).resumeAt.getTime() - Date.now();
        assert(resumeIn > 100_000 && resumeIn <= 121_000, `resume in ${resumeIn} ms`);
        assertEquals(first.recordsByKind.get("jira_issues"), 10, "the first page was committed before the limit");
        const second = await runSync({ db, connector, tenantId, integrationId, credentials, windowTo, resume: first });
        assert(!second.stopped);
        const [{ n: raw }] = await db.query<{ n: number }>(
          "SELECT sum(record_count)::int AS n FROM raw_extraction_data WHERE kind = 'jira_issues'",
        );
        assertEquals(raw, recordedData().issues.length, "no page was extracted twice");
        const [{ n: items }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM work_items");
        assertEquals(items, recordedData().issues.length);
      },
    ));

  Deno.test(`jira faults[${kind}]: transient errors are retried; bad credentials stop with an auth error`, () =>
    withJira(kind, {}, async ({ db, jira, tenantId, integrationId }) => {
      jira.inject({ kind: "status", status: 502, path: /search\/jql$/, times: 2 });
      const ok = await runSync({ db, connector, tenantId, integrationId, credentials: jira.basicAuth });
      assert(!ok.stopped);
      assertEquals(jira.requests.filter((r) => r.path.endsWith("/search/jql") && r.status === 502).length, 2);
      const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM work_items");
      assertEquals(n, recordedData().issues.length);

      const bad = await runSync({
        db,
        connector,
        tenantId,
        integrationId,
        credentials: { kind: "basic", email: jira.basicAuth.email, token: "revoked-token" },
        catchErrors: true,
      });
      assert(bad.error instanceof SourceAuthError, String(bad.error));
      assert(!String((bad.error as Error).message).includes("revoked-token"));
      assertEquals(bad.pages, 0);
    }));
}
