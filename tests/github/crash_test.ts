// A crash in the middle of a nested list: the PR step stops right after committing a continuation page whose
// checkpoint still holds pending nested cursors; resuming from that checkpoint continues with those cursors (no
// PR page is read again) and the database ends up with exactly the content of an uninterrupted run (content
// digest over every loaded column, references followed by natural key) — no gap, no duplicate.
import { assert, assertEquals } from "../support/assert.ts";
import { createTestDb, primaryKind } from "../support/db.ts";
import { contentDigest, describeDifference } from "../support/content_hash.ts";
import { createTenant } from "../../db/seed.ts";
import { createGitHubConnector, STEP } from "../../engine/connectors/github/connector.ts";
import type { PrCheckpoint } from "../../engine/connectors/github/extract/pull_requests.ts";
import { runSync } from "../jira/driver.ts";
import { FAST_HTTP, withGitHub } from "./support.ts";

const kind = primaryKind();
const FAKE = {
  recorded: false,
  synthetic: {
    repos: 2,
    prsPerRepo: 9,
    bigEvery: 2,
    big: { commits: 170, reviews: 45, comments: 30, threads: 12, threadComments: 14 },
  },
};
const SETTINGS = { organization: "acme", lookbackDays: 30 };

Deno.test(`github crash[${kind}]: a crash mid-nested-list resumes at the nested cursor, content as a clean run`, () =>
  withGitHub(kind, { fake: FAKE, settings: SETTINGS }, async ({ db, github, sync }) => {
    const windowTo = new Date();
    const clean = await sync({ windowTo });
    assert(!clean.stopped);
    const expected = await contentDigest(db);

    const other = await createTestDb(kind);
    try {
      const tenantId = await createTenant(other.db, "Acme");
      const [{ id: integrationId }] = await other.db.query<{ id: number }>(
        "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'github'",
        [tenantId],
      );
      await other.db.query("UPDATE integrations SET base_url = $2, settings = $3::jsonb, active = true WHERE id = $1", [
        integrationId,
        `${github.url}/api/v3`,
        JSON.stringify({ includeArchived: true, includeForks: true, ...SETTINGS }),
      ]);
      const connector = createGitHubConnector({ http: FAST_HTTP });
      const base = {
        db: other.db,
        tenantId,
        integrationId,
        credentials: { kind: "bearer", token: github.token },
        connector,
        windowTo,
      };
      // find a page to crash after whose checkpoint is inside a nested list
      const probe = await runSync({ ...base, stopAfter: { step: STEP.pullRequests, pages: 3 } });
      const cp = probe.checkpoints.get(STEP.pullRequests) as PrCheckpoint;
      assert(probe.stopped && cp.nested && cp.nested.length > 0, `mid-nested checkpoint: ${JSON.stringify(cp)}`);
      assert(probe.kinds.includes("github_pr_nested"), "the crash happens after a continuation page");
      const requestsAtCrash = github.requests.length;
      const resumed = await runSync({ ...base, resume: probe });
      assert(!resumed.stopped);
      const after = github.requests[requestsAtCrash];
      assertEquals(after.operation, "Continue", "the resumed run continues with the saved nested cursors at once");
      assertEquals(
        after.variables?.c0,
        cp.nested[0].cursor,
        "the first continuation is the one the checkpoint named",
      );
      const got = await contentDigest(other.db);
      assertEquals(got.hash, expected.hash, describeDifference(expected, got));
    } finally {
      await other.close();
    }
  }));
