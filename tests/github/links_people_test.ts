// Links and people across sources: Jira keys in a PR's title, branch, commit messages and body link it to the
// work item — the same (work item, repository id, PR number) row Jira's development panel produces for that PR,
// loaded here through the Jira connector's own dev-status loader from a panel answer shaped like GitHub's; a work
// item that appears only after the PR was synced is linked on the next run; GitHub users are joined to the same
// person's Jira account by e-mail (public profile or the login → e-mail setting).
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { loadDevStatus } from "../../engine/connectors/jira/load/dev_status.ts";
import { STEP } from "../../engine/connectors/github/connector.ts";
import { addWorkItems, withGitHub } from "./support.ts";

const kind = primaryKind();

Deno.test(`github links[${kind}]: keys in title, branch, commits and body link like Jira's development panel`, () =>
  withGitHub(kind, {
    fake: {
      recorded: false,
      // three people: dev01 hides its e-mail, dev02 and dev03 show theirs
      synthetic: { repos: 1, prsPerRepo: 8, people: 3, jiraKeys: ["OPS-7", "OPS-8", "OPS-9", "OPS-10"] },
    },
    settings: { organization: "acme", lookbackDays: 30, identityEmails: { dev01: "Second.Dev@Corp.Example" } },
  }, async ({ db, github, tenantId, integrationId, sync }) => {
    // OPS-7..9 exist before the GitHub sync; OPS-10 only after it
    const jira = await addWorkItems(db, tenantId, ["OPS-7", "OPS-8", "OPS-9"]);
    // Jira accounts: one with the e-mail dev03's GitHub profile shows, one with the e-mail mapped to dev01
    await db.query(
      `INSERT INTO identities (tenant_id, integration_id, external_id, display_name, email, person_key) VALUES
         ($1, $2, 'acc-3', 'Dev Three', 'dev03@acme.test', 'dev03@acme.test'),
         ($1, $2, 'acc-1', 'Dev One', 'second.dev@corp.example', 'second.dev@corp.example')`,
      [tenantId, jira],
    );
    await sync();

    const repo = github.store.repos[0];
    const prs = github.store.pullRequestIds(repo.id).map((id) => github.store.pullRequest(id)!);
    // the panel Jira shows for OPS-8 (branch mention) — GitHub's app reports repositoryId = the numeric repo id
    const viaBranch = prs.find((p) => p.headRefName.includes("ops-8"))!;
    await db.transaction((tx) =>
      loadDevStatus({ tx, tenantId, integrationId: jira }, [{
        issueId: "wi-OPS-8",
        issueKey: "OPS-8",
        applicationType: "GitHub",
        detail: {
          errors: [],
          detail: [{
            pullRequests: [{
              id: `#${viaBranch.number}`,
              name: viaBranch.title,
              url: viaBranch.url,
              repositoryId: String(repo.databaseId),
              repositoryName: repo.nameWithOwner,
              status: viaBranch.state === "CLOSED" ? "DECLINED" : viaBranch.state,
              source: { branch: viaBranch.headRefName },
              lastCommit: { id: viaBranch.commits.at(-1)!.commit.oid },
            }],
          }],
        } as never,
      }])
    );
    const rows = await db.query<
      {
        integration_id: number;
        key: string;
        external_repo_id: string;
        pr_number: number;
        branch: string;
        status: string;
        commit_sha: string;
      }
    >(
      `SELECT l.integration_id, w.key, l.external_repo_id, l.pr_number, l.branch, l.status, l.commit_sha
         FROM work_items_prs_links l JOIN work_items w ON w.id = l.work_item_id WHERE l.active
        ORDER BY w.key, l.integration_id`,
    );
    const fromGitHub = rows.filter((r) => r.integration_id === integrationId);
    assertEquals([...new Set(fromGitHub.map((r) => r.key))], ["OPS-7", "OPS-8", "OPS-9"], "title, branch, commit");
    const panel = rows.filter((r) => r.integration_id === jira);
    assertEquals(panel.length, 1);
    const same = fromGitHub.find((r) => r.key === "OPS-8" && r.pr_number === viaBranch.number)!;
    assert(same, "the PR Jira's panel names is linked from GitHub too");
    const { integration_id: _a, ...g } = same;
    const { integration_id: _b, ...j } = panel[0];
    assertEquals(g, j, "both sources agree on work item, repository id, PR number, branch, head commit and status");

    // OPS-10 (named in a body) appears in Jira after the GitHub run: the next run links it without any PR change
    const watermark = new Date();
    await addWorkItems(db, tenantId, ["OPS-10"]);
    const next = await sync({ windowFrom: watermark, windowTo: new Date() });
    assertEquals(next.requests, 2, "no PR changed: a listing and a probe");
    assertEquals(next.recordsByKind.get("github_pr_links"), 2, "the PRs naming OPS-10 are re-linked");
    const [{ n }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM work_items_prs_links l JOIN work_items w ON w.id = l.work_item_id
        WHERE w.key = 'OPS-10' AND l.active AND l.integration_id = $1`,
      [integrationId],
    );
    assertEquals(n, 2);
    assert(next.completed.has(STEP.links));

    // people: GitHub logins join the Jira accounts by e-mail (profile e-mail, or the configured mapping)
    const people = await db.query<{ login: string; person_key: string; jira: string | null }>(
      `SELECT g.login, g.person_key, j.external_id AS jira FROM identities g
         LEFT JOIN identities j ON j.tenant_id = g.tenant_id AND j.person_key = g.person_key AND j.integration_id = $2
        WHERE g.integration_id = $1 AND g.login IN ('dev01', 'dev03') ORDER BY g.login`,
      [integrationId, jira],
    );
    assertEquals(people.map((p) => [p.login, p.person_key, p.jira]), [
      ["dev01", "second.dev@corp.example", "acc-1"],
      ["dev03", "dev03@acme.test", "acc-3"],
    ]);
  }));
