// The issues step's progress estimate (issue #8): Jira's approximate count for the run's JQL, asked once per run
// (a resumed run reuses it), grown by the issues that are yielded again once their truncated changelog is complete
// and by the census page, so records done never pass the estimate and reach it only on the step's last page.
import { assert, assertEquals } from "../support/assert.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { recordedData } from "../fakes/jira/mod.ts";
import { runSync, type SyncOptions, type SyncResult } from "./driver.ts";
import { FAST_HTTP, kinds, withJira } from "./support.ts";

const connector = createJiraConnector({ http: FAST_HTTP });
const ISSUES = "jira_issues_with_changelogs";

/** (records done, estimate in force) after each page of the issues step, across the given runs of one sync. */
function bar(runs: SyncResult[]): Array<[number, number | undefined]> {
  let done = 0;
  let estimate: number | undefined;
  return runs.flatMap((r) => r.pageLog).filter((p) => p.step === ISSUES).map((p) => {
    done += p.records;
    estimate = p.expectedRecords ?? estimate; // the engine keeps the last estimate a page gave
    return [done, estimate];
  });
}

/** Every page but the step's last leaves the bar below 100 %; the census page (one record) completes it. */
function assertBar(points: Array<[number, number | undefined]>) {
  points.slice(0, -1).forEach(([done, estimate], n) => {
    assert(estimate !== undefined, `page ${n} has an estimate`);
    assert(done < estimate!, `page ${n}: ${done} of ${estimate}`);
  });
  const [done, estimate] = points.at(-1)!;
  assertEquals(done, estimate, "the census page completes the bar");
}

for (const kind of kinds()) {
  Deno.test(`jira progress[${kind}]: approximate count once, bar below 100 % until the step's last page`, () =>
    withJira(
      kind,
      { fake: { searchChangelogCap: 5 }, settings: { pageSizes: { search: 10 } } },
      async (env) => {
        const { jira } = env;
        const sync = (extra: Partial<SyncOptions>) => runSync({ ...env, connector, windowTo, ...extra });
        const windowTo = new Date();
        const total = recordedData().issues.length;
        const stopped = await sync({ stopAfter: { step: ISSUES, pages: 2 } });
        assertEquals(jira.count("/search/approximate-count"), 1);
        const first = bar([stopped]);
        // the count, plus the first page's 10 truncated issues that will be yielded again, plus the census
        assertEquals(first[0], [10, total + 10 + 1]);
        const resumed = await sync({ resume: stopped });
        assertEquals(jira.count("/search/approximate-count"), 1, "a resumed run reuses the run's count");
        const points = bar([stopped, resumed]);
        assertBar(points);
        const again = recordedData().issues.filter((i) =>
          (i.changelog as { histories: unknown[] }).histories.length > 5
        )
          .length;
        assertEquals(points.at(-1)![0], total + again + 1, "every issue, the completed ones again, the census");
      },
    ));

  Deno.test(`jira progress[${kind}]: an approximate count below the truth never lets the bar pass 100 %`, () =>
    withJira(kind, {
      fake: { approximateCountLag: 25 },
      settings: { pageSizes: { search: 10 } },
    }, async ({ db, tenantId, integrationId, credentials }) => {
      const result = await runSync({ db, connector, tenantId, integrationId, credentials });
      const points = bar([result]);
      // Jira's count (8) is below what the first page already shows: the estimate is at least one more than that
      assertEquals(recordedData().issues.length - 25, 8);
      assertEquals(points[0][1], 10 + 1 + 1, "the page's 10, one more while the search goes on, the census");
      assertBar(points);
    }));
}
