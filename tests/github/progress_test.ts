// Counted completion of the PR step: the first probe asks search how many PRs the window holds, so every page
// states the records the step will yield (that count, plus the continuation records delivered and pending); the
// tallies travel in the checkpoint, so a resumed chunk keeps counting, and the last page's figure is exactly what
// the step yielded. An incremental window counts only the PRs updated inside it. Repository listing pages count
// from the Link header's last page.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { STEP } from "../../engine/connectors/github/connector.ts";
import type { PrCheckpoint } from "../../engine/connectors/github/extract/pull_requests.ts";
import type { SyncResult } from "../jira/driver.ts";
import { SYNTH_NOW } from "../fakes/github/synth.ts";
import { withGitHub } from "./support.ts";

const kind = primaryKind();
const FAKE = {
  recorded: false,
  synthetic: { repos: 3, prsPerRepo: 40, bigEvery: 4, big: { commits: 120, reviews: 30 } },
};
const SETTINGS = { organization: "acme", lookbackDays: 60 };

const prPages = (...results: SyncResult[]) =>
  results.flatMap((r) => r.pageLog).filter((p) => p.step === STEP.pullRequests);

Deno.test(`github progress[${kind}]: every PR page states the step's records; a resumed chunk keeps the tally`, () =>
  withGitHub(kind, { fake: FAKE, settings: SETTINGS }, async ({ sync }) => {
    const windowTo = new Date();
    assert(!(await sync({ windowTo, steps: [STEP.repositories] })).stopped);
    const chunk1 = await sync({
      windowTo,
      steps: [STEP.pullRequests],
      stopAfter: { step: STEP.pullRequests, pages: 3 },
    });
    assert(chunk1.stopped);
    const saved = chunk1.checkpoints.get(STEP.pullRequests) as PrCheckpoint;
    assertEquals(saved.progress?.estimate, 120, "search counted the window's PRs with the first probe");
    const chunk2 = await sync({ windowTo, steps: [STEP.pullRequests], resume: chunk1 });
    assert(!chunk2.stopped, String(chunk2.error));
    const pages = prPages(chunk1, chunk2);
    let done = 0;
    for (const [i, page] of pages.entries()) {
      done += page.records;
      assert(page.expectedRecords !== undefined, `page ${i} states an estimate`);
      assert(page.expectedRecords >= done, `page ${i}: ${page.expectedRecords} ≥ ${done} records so far`);
    }
    assert(pages[0].expectedRecords! >= 120, "the first page already counts every PR of the window");
    assertEquals(pages.at(-1)!.expectedRecords, done, "the last page's figure is what the step yielded");
    assert(done > 120, `continuation records were counted too (${done} records for 120 PRs)`);
    const links = await sync({ windowTo, steps: [STEP.links] });
    assertEquals(links.pageLog.map((p) => [p.records, p.expectedRecords]), [[120, 120]], "links: every PR of the run");
  }));

Deno.test(`github progress[${kind}]: an incremental window counts only the PRs updated inside it`, () =>
  withGitHub(kind, { fake: FAKE, settings: SETTINGS }, async ({ github, sync }) => {
    const windowTo = new Date();
    // PR k is updated 7 minutes × k before SYNTH_NOW: this window holds the newest 50
    const windowFrom = new Date(SYNTH_NOW - 7 * 60_000 * 50 + 1000);
    assert(!(await sync({ windowTo, steps: [STEP.repositories] })).stopped);
    const run = await sync({ windowFrom, windowTo, steps: [STEP.pullRequests] });
    assert(!run.stopped, String(run.error));
    const inWindow = github.store.repos.flatMap((r) => github.store.pullRequestsOf(r.id))
      .filter((h) => Date.parse(h.updatedAt) >= windowFrom.getTime()).length;
    assert(inWindow > 0 && inWindow < 120, `${inWindow} PRs in the window`);
    assertEquals(run.recordsByKind.get("github_pull_requests"), inWindow);
    const pages = prPages(run);
    const first = run.pageLog.find((p) => p.step === STEP.pullRequests)!;
    const probeCount = (run.checkpoints.get(STEP.pullRequests) as PrCheckpoint).progress?.estimate;
    assertEquals(probeCount, inWindow, "search counted the PRs updated since the window start");
    assert(
      first.expectedRecords! >= inWindow && first.expectedRecords! < 120,
      `first estimate ${first.expectedRecords}`,
    );
    assertEquals(pages.at(-1)!.expectedRecords, pages.reduce((n, p) => n + p.records, 0));
  }));

Deno.test(`github progress[${kind}]: repository listing pages state the step's records from the Link header`, () =>
  withGitHub(kind, {
    fake: { recorded: false, maxPerPage: 2, synthetic: { repos: 5, prsPerRepo: 1 } },
    settings: SETTINGS,
  }, async ({ sync }) => {
    const run = await sync({ steps: [STEP.repositories] });
    assert(!run.stopped, String(run.error));
    const pages = run.pageLog;
    assertEquals(pages.map((p) => p.records), [2, 2, 1, 1], "three listing pages and the scope record");
    assertEquals(pages.map((p) => p.expectedRecords), [7, 7, 6, 6], "full pages still to come, then exact");
  }));
