// The job details dialog's GitHub figures after a real sync against the fake GitHub: repositories, PRs, commits,
// reviews, comments, Jira links and people are what GitHub served (every nested page included), and the rate
// budget is the one GitHub last reported — read over HTTP as a viewer, the way the dialog reads them.
import { assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp } from "../support/app.ts";
import { createGitHubConnector } from "../../engine/connectors/github/connector.ts";
import { startFakeGitHub } from "../fakes/github/mod.ts";
import { runSync } from "../jira/driver.ts";
import { addWorkItems, FAST_HTTP } from "./support.ts";

const kind = primaryKind();
const KEYS = ["OPS-1", "OPS-2"];

Deno.test(`github details[${kind}]: the dialog's figures are what GitHub served, with the last reported budget`, async () => {
  const github = await startFakeGitHub({
    recorded: false,
    synthetic: { repos: 2, prsPerRepo: 12, bigEvery: 4, big: { commits: 70, reviews: 30 }, jiraKeys: KEYS },
  });
  const app = await startTestApp(kind);
  try {
    const tenantId = await app.tenant("Acme");
    const viewer = await app.login((await app.user(tenantId, "viewer")).email);
    const [job] = await app.db.query<{ id: number; integration_id: number }>(
      "SELECT id, integration_id FROM etl_jobs WHERE tenant_id = $1 AND job_type = 'github'",
      [tenantId],
    );
    await app.db.query("UPDATE integrations SET base_url = $2, settings = $3::jsonb, active = true WHERE id = $1", [
      job.integration_id,
      `${github.url}/api/v3`,
      JSON.stringify({ organization: "acme", lookbackDays: 60 }),
    ]);
    await addWorkItems(app.db, tenantId, KEYS);
    const synced = await runSync({
      db: app.db,
      tenantId,
      integrationId: job.integration_id,
      credentials: { kind: "bearer", token: github.token },
      connector: createGitHubConnector({ http: FAST_HTTP }),
    });
    assertEquals(synced.stopped, false, String(synced.error));

    const prs = github.store.repos.flatMap((r) => github.store.pullRequestIds(r.id)).map((id) =>
      github.store.pullRequest(id)!
    );
    const sum = (f: (pr: (typeof prs)[number]) => number) => prs.reduce((n, pr) => n + f(pr), 0);
    const logins = new Set(prs.flatMap((pr) =>
      [
        pr.author?.login,
        ...pr.commits.map((c) => c.commit.author?.user?.login),
        ...pr.reviews.map((r) => r.author?.login),
        ...pr.comments.map((c) => c.author?.login),
        ...pr.reviewThreads.flatMap((t) => t.comments.map((c) => c.author?.login)),
      ].filter(Boolean)
    ));
    const res = await app.api(`/app/etl/jobs/${job.id}/details`, { token: viewer });
    assertEquals(res.status, 200);
    const body = await res.json();
    const figures = Object.fromEntries(body.figures.map((f: { key: string; value: number }) => [f.key, f.value]));
    assertEquals(figures, {
      repositories: 2,
      prs: 24,
      commits: sum((pr) => pr.commits.length),
      reviews: sum((pr) => pr.reviews.length),
      comments: sum((pr) => pr.comments.length + pr.reviewThreads.reduce((n, t) => n + t.comments.length, 0)),
      links: 24,
      people: logins.size,
    });
    const graphql = body.rateBudgets.find((b: { resource: string }) => b.resource === "graphql");
    assertEquals([graphql.limit, graphql.remaining, graphql.unlimited], [5000, 5000 - github.used.graphql, false]);
    assertEquals(app.violations, []);
  } finally {
    await app.close();
    await github.close();
  }
});
