// The Statuses page in Chromium against a real sync (fake Jira, recorded pages) and the real engine: the unmapped
// status 已完成 (all 30 EE issues sit in it) is filtered, selected and mapped to Done; the preview shows how many
// work items change category and flow metrics; Apply re-transforms from raw, and the stored flow metrics then
// differ from before exactly as the preview counted. No serious axe violation; screenshots light/dark, 390 px.
import { startSyncedApp } from "../vocab/engine_app.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshotSizes } from "../support/browser.ts";
import { assertAccessibleThemes } from "../support/axe.ts";
import type { TestApp } from "../support/app.ts";
import { pageReady, signIn } from "../support/sign_in.ts";
import { primaryKind } from "../support/db.ts";
import { setupIslands } from "../../server/islands/mod.ts";
import { METRIC_COLUMNS } from "../../engine/connectors/jira/derived/flow_metrics.ts";
import { waitForRun } from "../engine/support/harness.ts";

const kind = primaryKind();

async function metricRows(app: TestApp, integrationId: number) {
  const rows = await app.db.query<Record<string, unknown>>(
    `SELECT key, ${METRIC_COLUMNS.map((c) => `${c}::text AS ${c}`).join(", ")} FROM work_items
      WHERE integration_id = $1`,
    [integrationId],
  );
  return new Map(rows.map((r) => [r.key as string, r]));
}

Deno.test({
  name: `statuses page[${kind}]: map an unmapped status, preview, apply, metrics change as previewed`,
  ignore: !hasChromium(),
  fn: async () => {
    await setupIslands();
    const { app, admin, id, close } = await startSyncedApp(kind);
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
    try {
      const before = await metricRows(app, id);

      const flagged = async () =>
        (await app.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM work_items WHERE integration_id = $1 AND flow_through_unmapped",
          [id],
        ))[0].n;
      const flaggedBefore = await flagged();
      assert(flaggedBefore > 0);
      const page = await browser.newPage();
      await signIn(page, app, admin.email);
      // Home and the sidebar say how many work items' metrics pass an unmapped status
      assertEquals(Number(await page.textContent("[data-badge=statuses]")), flaggedBefore);
      assert((await page.textContent("#unmapped-notice"))?.includes(String(flaggedBefore)));
      await page.click('nav a[href="/statuses"]');
      await page.waitForURL(`${app.url}/statuses`);
      await pageReady(page);
      const unmappedText = await page.textContent("#unmapped-count");
      assert(unmappedText?.startsWith("3 unmapped"), unmappedText ?? "");
      await page.selectOption("#statuses-f-mapped", "false");
      await page.waitForFunction(() => location.search.includes("mapped=false"));
      await page.waitForSelector("#statuses tr[data-row] >> text=已完成");
      await screenshotSizes(page, "statuses");
      await assertAccessibleThemes(page, "statuses page");

      await page.check('input[aria-label="Select 已完成"]');
      const done = await app.db.query<{ id: number }>(
        "SELECT id FROM workflows WHERE integration_id = $1 AND step_name = 'Done'",
        [id],
      );
      await page.selectOption("#map-step", String(done[0].id));
      await page.click("#preview");
      await page.waitForSelector("#effect");
      const count = async (label: string) =>
        Number((await page.textContent(`[data-count^="${label}"]`))?.replaceAll(",", ""));
      assertEquals(await count("work items change status category"), 30);
      const metricItems = await count("work items' flow metrics change");
      assert(metricItems >= 30, `preview: ${metricItems} items' metrics change`);
      await screenshotSizes(page, "statuses-preview");

      await page.click("#apply");
      await page.waitForSelector("#applied");
      const runId = Number((await page.textContent("#applied"))?.match(/run #(\d+)/)?.[1]);
      await waitForRun(app.db, runId, "FINISHED", 120_000);
      const after = await metricRows(app, id);
      const changed = [...after].filter(([key, row]) => METRIC_COLUMNS.some((c) => before.get(key)![c] !== row[c]));
      assertEquals(changed.length, metricItems, "the stored metrics changed for exactly the previewed items");
      await page.reload();
      await pageReady(page);
      assert((await page.textContent("#unmapped-count"))?.startsWith("2 unmapped"));
      const flaggedAfter = await flagged();
      assert(flaggedAfter < flaggedBefore, `${flaggedAfter} < ${flaggedBefore}`);
      const badge = await page.$("[data-badge=statuses]");
      assertEquals(badge ? Number(await badge.textContent()) : 0, flaggedAfter);
      await page.close();
    } finally {
      await browser.close();
      await close();
    }
  },
});
