// The GitHub connector run by the real engine (queued extract → transform → embed stages) against the fake GitHub,
// on every queue adapter: the seeded job's three steps load every synthesized PR with all nested rows (transform
// batches of PR pages and continuation pages run in any order), link PRs to Jira work items, embed PRs, finish
// with matching counters; a second run over an unchanged source makes two requests and writes nothing.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { createGitHubConnector } from "../../engine/connectors/github/connector.ts";
import { queueKinds, waitForRun } from "../engine/support/harness.ts";
import { assertStagesSettled, withConnectorEngine } from "../engine/support/connector_engine.ts";
import { addWorkItems, count, FAST_HTTP, withGitHub } from "./support.ts";

const kind = primaryKind();
const KEYS = ["ACME-1", "ACME-2", "ACME-3"];

for (const queueKind of queueKinds()) {
  Deno.test(`github via engine[${kind}/${queueKind}]: full sync with links and vectors, then a no-op re-sync`, () =>
    withGitHub(kind, {
      fake: {
        recorded: false,
        synthetic: {
          repos: 3,
          prsPerRepo: 30,
          bigEvery: 5,
          big: { commits: 120, reviews: 30, threadComments: 15 },
          jiraKeys: KEYS,
        },
      },
      settings: { organization: "acme", lookbackDays: 30 },
    }, async ({ db, github, tenantId, integrationId, credentials }) => {
      await addWorkItems(db, tenantId, KEYS);
      const connector = createGitHubConnector({ http: FAST_HTTP });
      await withConnectorEngine(
        { db, queueKind, connector, tenantId, integrationId, credentials },
        async ({ engine, jobId }) => {
          const first = await engine.startRun({ tenantId, jobId });
          const run1 = await waitForRun(db, first.runId, "FINISHED", 90_000);
          assertEquals(await count(db, "prs"), 90);
          const expectedCommits = github.store.repos.flatMap((r) => github.store.pullRequestIds(r.id))
            .reduce((n, id) => n + github.store.pullRequest(id)!.commits.length, 0);
          assertEquals(await count(db, "prs_commits", "active"), expectedCommits, "every commit, every page");
          assertEquals(
            await count(db, "prs", "commit_count <> (SELECT count(*) FROM prs_commits c WHERE c.pr_id = prs.id)"),
            0,
            "figures match the complete stored rows whatever order the batches ran in",
          );
          const links = await db.query<{ key: string; n: number }>(
            `SELECT w.key, count(*)::int AS n FROM work_items_prs_links l JOIN work_items w ON w.id = l.work_item_id
            WHERE l.integration_id = $1 AND l.active GROUP BY w.key ORDER BY w.key`,
            [integrationId],
          );
          assertEquals(links.map((l) => l.key), KEYS, "PRs naming a key are linked to its work item");
          assertEquals(links.reduce((n, l) => n + l.n, 0), 90, "every synthesized PR names one key");
          assertEquals(await count(db, "qdrant_vectors", "table_name = 'prs' AND active"), 90, "every PR is embedded");
          await assertStagesSettled(db, first.runId);
          const [extract] = await db.query<{ records: number; expected_records: number }>(
            `SELECT records, expected_records::int AS expected_records FROM etl_run_stages
              WHERE run_id = $1 AND step = 'github_prs_commits_reviews_comments' AND stage = 'extract'`,
            [first.runId],
          );
          assertEquals(extract.expected_records, extract.records, "the PR step's estimate ends at what it yielded");
          assert(run1.rows_written > 0);
          const [budget] = await db.query<{ remaining: number; limit_total: number }>(
            "SELECT remaining, limit_total FROM source_rate_limits WHERE integration_id = $1 AND resource = 'graphql'",
            [integrationId],
          );
          assertEquals(budget.limit_total - budget.remaining, github.used.graphql, "the reported budget is recorded");

          const [{ m: before }] = await db.query<{ m: Date }>("SELECT max(updated_at) AS m FROM prs");
          const second = await engine.startRun({ tenantId, jobId });
          await waitForRun(db, second.runId, "FINISHED", 60_000);
          const [{ m: after }] = await db.query<{ m: Date }>("SELECT max(updated_at) AS m FROM prs");
          assertEquals(after.getTime(), before.getTime(), "an unchanged source writes nothing");
          const [run2] = await db.query<{ requests_made: number; rows_written: number }>(
            "SELECT requests_made, rows_written FROM etl_runs WHERE id = $1",
            [second.runId],
          );
          assertEquals([run2.requests_made, run2.rows_written], [2, 0], "a listing page and one probe");
        },
      );
    }));
}
