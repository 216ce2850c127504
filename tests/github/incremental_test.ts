// Incremental GitHub syncs: a second run over an unchanged source costs one repository listing and one probe
// query (no PR page) and writes nothing; after a force-push, a deleted comment and a deleted review-thread
// comment, the next run reads only the changed repository down to the window and reconciles the deletions.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { count, withGitHub } from "./support.ts";
import { STEP } from "../../engine/connectors/github/connector.ts";

const kind = primaryKind();
const OVERLAP = 5 * 60_000;

/** Latest updated_at over the loaded tables (an unchanged source must not move it). */
async function lastWrite(db: { query: <T>(sql: string) => Promise<T[]> }): Promise<number> {
  const [row] = await db.query<{ m: Date | null }>(
    `SELECT max(m) AS m FROM (SELECT max(updated_at) m FROM repositories UNION ALL SELECT max(updated_at) FROM prs
       UNION ALL SELECT max(updated_at) FROM prs_commits UNION ALL SELECT max(updated_at) FROM prs_reviews
       UNION ALL SELECT max(updated_at) FROM prs_comments UNION ALL SELECT max(updated_at) FROM identities
       UNION ALL SELECT max(updated_at) FROM work_items_prs_links) x`,
  );
  return row.m ? row.m.getTime() : 0;
}

Deno.test(`github incremental[${kind}]: no change costs a listing and a probe; deletions are reconciled`, () =>
  withGitHub(kind, {
    fake: {
      recorded: false,
      synthetic: { repos: 3, prsPerRepo: 20, bigEvery: 4, big: { commits: 80, comments: 40 } },
    },
    settings: { organization: "acme", lookbackDays: 30 },
  }, async ({ db, github, sync }) => {
    const t1 = new Date();
    const first = await sync({ windowTo: t1 });
    assert(!first.stopped && first.rows > 0);
    const before = await lastWrite(db);
    const requestsBefore = github.requests.length;

    const t2 = new Date();
    const second = await sync({ windowFrom: new Date(t1.getTime() - OVERLAP), windowTo: t2 });
    assertEquals(second.rows, 0, "an unchanged source writes nothing");
    assertEquals(await lastWrite(db), before);
    const made = github.requests.slice(requestsBefore);
    assertEquals(made.map((r) => r.operation ?? r.path.split("?")[0]), ["/api/v3/orgs/acme/repos", "Probe"]);
    assertEquals(second.requests, 2, "one listing page and one probe of all three repositories");
    assertEquals(made.find((r) => r.operation === "Probe")!.cost, 1);

    // a force-push replaces two commits, a comment and a thread comment are deleted
    const repo = github.store.repos[1];
    const target = github.store.pullRequestIds(repo.id)[3]; // a big PR (80 commits, 40 comments: nested pages)
    const original = github.store.pullRequest(target)!;
    const gone = original.commits.slice(-2).map((c) => c.commit.oid);
    const goneComment = original.comments[5].id;
    const goneThreadComment = original.reviewThreads[0].comments[1].id;
    github.store.updatePullRequest(target, (pr) => {
      const replacement = structuredClone(pr.commits[0]);
      replacement.commit.oid = "f".repeat(40);
      replacement.commit.message = "Squashed rework";
      pr.commits = [...pr.commits.slice(0, -2), replacement];
      pr.comments = pr.comments.filter((c) => c.id !== goneComment);
      pr.reviewThreads[0].comments = pr.reviewThreads[0].comments.filter((c) => c.id !== goneThreadComment);
    }, new Date().toISOString().replace(/\.\d{3}Z$/, "Z"));
    const requestsMid = github.requests.length;
    const t3 = new Date();
    const window3 = { windowFrom: new Date(t2.getTime() - OVERLAP), windowTo: t3 };
    // this run is cut after its first page (the engine continues a step in chunks the same way)
    const cut = await sync({ ...window3, stopAfter: { step: STEP.pullRequests, pages: 1 } });
    assert(cut.stopped);
    const third = await sync({ ...window3, resume: cut });
    assert(cut.rows + third.rows > 0);
    const ops = github.requests.slice(requestsMid).map((r) => r.operation).filter(Boolean);
    assertEquals(ops.filter((o) => o === "PullRequests").length, 1, "one PR page of the changed repository");
    assertEquals(ops.filter((o) => o === "Probe").length, 1, "the continued run reuses the probe's answer");
    const pages = github.requests.slice(requestsMid).filter((r) => r.operation === "PullRequests");
    assertEquals(pages[0].variables?.name, repo.name);

    const [pr] = await db.query<{ id: number; commit_count: number; discussion_comment_count: number }>(
      "SELECT id, commit_count, discussion_comment_count FROM prs WHERE external_id = $1",
      [target],
    );
    const inactive = await db.query<{ external_id: string }>(
      "SELECT external_id FROM prs_commits WHERE pr_id = $1 AND NOT active ORDER BY external_id",
      [pr.id],
    );
    assertEquals(inactive.map((r) => r.external_id), [...gone].sort(), "force-pushed commits are deactivated");
    assertEquals(await count(db, "prs_commits", `pr_id = ${pr.id} AND active`), 79);
    assertEquals(pr.commit_count, 79, "figures follow the stored rows");
    const deleted = await db.query<{ external_id: string; active: boolean }>(
      "SELECT external_id, active FROM prs_comments WHERE external_id = ANY($1::text[]) ORDER BY external_id",
      [[goneComment, goneThreadComment]],
    );
    assertEquals(deleted.map((d) => d.active), [false, false], "deleted comments are deactivated");
    assertEquals(pr.discussion_comment_count, 39);
    // nothing outside that PR (and its people) was written
    const [{ n: others }] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM prs WHERE updated_at > $1 AND external_id <> $2",
      [t3, target],
    );
    assertEquals(others, 0);
  }));
