// The GitHub connector against the fake GitHub: every recorded pull request of JupiterOne-Sandbox is loaded and
// compared field by field — with the recording itself (recorded fields) and with what the fake served (every
// field, synthesized ones included) — with every recorded commit, review and label present; a PR whose commits,
// reviews, comments, review threads, thread comments and labels each overflow their first page loads all of them.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { recording } from "../fakes/github/mod.ts";
import { count, kinds, withGitHub } from "./support.ts";

// deno-lint-ignore no-explicit-any
type Loose = Record<string, any>;

const iso = (v: unknown) => (v instanceof Date ? v.toISOString().replace(/\.000Z$/, "Z") : v);

interface PrRow {
  external_id: string;
  number: number;
  title: string;
  body: string | null;
  state: string;
  source_branch: string;
  target_branch: string;
  pr_created_at: Date;
  pr_updated_at: Date;
  closed_at: Date | null;
  merged_at: Date | null;
  additions: number;
  deletions: number;
  changed_files: number;
  url: string;
  is_draft: boolean;
  labels: string[];
  assignees: string[];
  requested_reviewers: string[];
  author: string | null;
  merged_by: string | null;
  repo_external_id: string;
  commit_count: number;
  reviewer_count: number;
  review_cycles: number;
}

for (const kind of kinds()) {
  Deno.test(`github sync[${kind}]: recorded PRs load field by field with every commit, review and label`, () =>
    withGitHub(kind, {}, async ({ db, github, sync }) => {
      const result = await sync();
      assert(!result.stopped);
      const rec = recording();
      const prs = await db.query<PrRow>(
        `SELECT p.*, a.login AS author, m.login AS merged_by, r.external_id AS repo_external_id
           FROM prs p JOIN repositories r ON r.id = p.repository_id
           LEFT JOIN identities a ON a.id = p.author_id LEFT JOIN identities m ON m.id = p.merged_by_id`,
      );
      assertEquals(prs.length, rec.prs.size, "every recorded pull request is loaded");
      for (const row of prs) {
        const recorded = rec.prs.get(row.external_id)!;
        const r = recorded.pr as Loose;
        const served = github.store.pullRequest(row.external_id)!;
        const what = `PR ${row.external_id}`;
        // recorded fields, straight from the recording
        assertEquals(row.number, r.number, what);
        assertEquals(row.title, r.title, what);
        assertEquals(row.body, r.body || null, what);
        assertEquals(row.state, r.state, what);
        assertEquals(row.source_branch, r.headRefName, what);
        assertEquals(row.target_branch, r.baseRefName, what);
        assertEquals(iso(row.pr_created_at), r.createdAt, what);
        assertEquals(iso(row.pr_updated_at), r.updatedAt, what);
        assertEquals(iso(row.merged_at), r.mergedAt ?? null, what);
        assertEquals(row.changed_files, r.changedFiles, what);
        assertEquals(row.url, r.url, what);
        assertEquals(row.author, r.author?.login ?? null, what);
        assertEquals(row.merged_by, r.mergedBy?.login ?? null, what);
        assertEquals(row.labels, (recorded.labels ?? []).map((l) => l.name).sort(), what);
        // every field against what the fake served (synthesized values included)
        assertEquals(iso(row.closed_at), served.closedAt, what);
        assertEquals(row.additions, served.additions, what);
        assertEquals(row.deletions, served.deletions, what);
        assertEquals(row.is_draft, served.isDraft, what);
        assertEquals(row.assignees, served.assignees.map((a) => a.login).sort(), what);
        assertEquals(row.requested_reviewers, [], what);
        // figures from the complete stored rows
        assertEquals(row.commit_count, (recorded.commits ?? []).length, what);
      }
      // commits: every recorded one, with its recorded fields
      const commits = await db.query<
        { pr: string; external_id: string; message: string; authored_at: Date; login: string | null }
      >(
        `SELECT p.external_id AS pr, c.external_id, c.message, c.authored_at, i.login
           FROM prs_commits c JOIN prs p ON p.id = c.pr_id LEFT JOIN identities i ON i.id = c.author_id
          WHERE c.active`,
      );
      const recordedCommits = [...rec.prs.entries()].flatMap(([pr, e]) =>
        (e.commits ?? []).map((c) => ({ pr, c: c.commit as Loose }))
      );
      assertEquals(commits.length, recordedCommits.length, "every recorded commit is loaded");
      const byKey = new Map(commits.map((c) => [`${c.pr}/${c.external_id}`, c]));
      for (const { pr, c } of recordedCommits) {
        const row = byKey.get(`${pr}/${c.oid}`);
        assert(row, `commit ${c.oid} of ${pr}`);
        assertEquals(row.message, c.message);
        assertEquals(iso(row.authored_at), c.authoredDate);
        assertEquals(row.login, c.author?.user?.login ?? null);
      }
      // reviews: every recorded one (state, author, reviewed commit)
      const reviews = await db.query<{ pr: string; state: string; login: string | null; commit_oid: string | null }>(
        `SELECT p.external_id AS pr, v.state, i.login, v.commit_oid FROM prs_reviews v JOIN prs p ON p.id = v.pr_id
           LEFT JOIN identities i ON i.id = v.author_id ORDER BY v.external_id`,
      );
      const recordedReviews = [...rec.prs.entries()].flatMap(([pr, e]) =>
        (e.reviews ?? []).map((v) => ({
          pr,
          state: String(v.state),
          login: (v.author as { login?: string } | null)?.login ?? null,
          commit_oid: (v.commit as { oid?: string } | null)?.oid ?? null,
        }))
      );
      const key = (v: { pr: string; state: string; login: string | null; commit_oid: string | null }) =>
        `${v.pr}|${v.state}|${v.login}|${v.commit_oid}`;
      assertEquals(reviews.map(key).sort(), recordedReviews.map(key).sort(), "every recorded review is loaded");
      // repositories: the recorded listing's fields
      const repos = await db.query<
        { external_id: string; full_name: string; is_private: boolean; archived: boolean; fork: boolean }
      >("SELECT external_id, full_name, is_private, archived, fork FROM repositories");
      for (const r of rec.repos) {
        const row = repos.find((x) => x.full_name === r.nameWithOwner);
        assert(row, `repository ${r.nameWithOwner}`);
        assertEquals(row.external_id, String(r.databaseId));
        assertEquals([row.is_private, row.archived, row.fork], [r.isPrivate, r.isArchived, r.isFork]);
      }
      // people: one identity per login, the same person for every appearance
      const people = await count(db, "identities");
      const logins = new Set(prs.flatMap((p) => [p.author, p.merged_by]).filter(Boolean));
      assert(people >= logins.size && people > 0);
      // a second pass over the same window changes nothing
      const again = await sync();
      assertEquals(again.rows, 0, "re-loading the same pages writes nothing");
    }));
}

const kind = primaryKind();

Deno.test(`github sync[${kind}]: a PR whose nested lists all overflow their first page loads every item`, () =>
  withGitHub(kind, {
    fake: {
      recorded: false,
      synthetic: {
        repos: 2,
        prsPerRepo: 7,
        bigEvery: 3,
        big: { commits: 130, reviews: 60, comments: 70, threads: 14, threadComments: 23, labels: 25 },
      },
    },
    settings: { organization: "acme", lookbackDays: 30 },
  }, async ({ db, github, sync }) => {
    const result = await sync();
    assert(!result.stopped);
    assert(result.kinds.includes("github_pr_nested"), "continuation pages were needed");
    for (const repo of github.store.repos) {
      for (const id of github.store.pullRequestIds(repo.id)) {
        const pr = github.store.pullRequest(id)!;
        const [row] = await db.query<{ id: number; labels: string[]; commit_count: number }>(
          "SELECT id, labels, commit_count FROM prs WHERE external_id = $1",
          [id],
        );
        const n = async (table: string, where = "true") =>
          await count(db, table, `pr_id = ${row.id} AND active AND ${where}`);
        assertEquals(await n("prs_commits"), pr.commits.length, `${id} commits`);
        assertEquals(row.commit_count, pr.commits.length);
        assertEquals(await n("prs_reviews"), pr.reviews.length, `${id} reviews`);
        assertEquals(await n("prs_comments", "comment_type = 'discussion'"), pr.comments.length, `${id} comments`);
        const threadComments = pr.reviewThreads.reduce((s, t) => s + t.comments.length, 0);
        assertEquals(await n("prs_comments", "comment_type = 'review_thread'"), threadComments, `${id} threads`);
        assertEquals(row.labels, pr.labels.map((l) => l.name).sort(), `${id} labels`);
      }
    }
    const big = github.store.pullRequest(github.store.pullRequestIds(github.store.repos[0].id)[2])!;
    assertEquals(big.commits.length, 130);
    // the planned cost of every query is what GitHub (the fake, by its own reading of the query) charged
    const points = github.graphqlRequests().reduce((n, r) => n + (r.cost ?? 0), 0);
    assertEquals(result.client!.points, points);
  }));
