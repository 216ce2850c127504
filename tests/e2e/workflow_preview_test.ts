// The Workflows page in Chromium against a real sync (fake Jira, recorded pages) and the real engine: editing a step's
// category opens the same preview as the Statuses page (counts and examples, nothing saved); Apply saves it and the
// re-transform from raw changes the stored flow metrics exactly as previewed. Then the commitment point is moved to
// another step through the form (its one-per-workflow rule explained there), previewed and applied: one commitment
// point, the new one. No serious axe violation in the preview; screenshots light/dark, 390 px.
import { startSyncedApp } from "../vocab/engine_app.ts";
import type { Page } from "playwright-core";
import { assert, assertEquals } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshotSizes } from "../support/browser.ts";
import { assertAccessibleThemes } from "../support/axe.ts";
import type { TestApp } from "../support/app.ts";
import { pageReady, signIn } from "../support/sign_in.ts";
import { primaryKind } from "../support/db.ts";
import { setupIslands } from "../../server/islands/mod.ts";
import { metricDiff, metrics } from "../vocab/support.ts";
import { waitForRun } from "../engine/support/harness.ts";

const kind = primaryKind();

/** Opens a step's form, lets `edit` change it, submits, and waits for the preview; answers its flow metric counts. */
async function previewStepEdit(page: Page, step: string, edit: () => Promise<void>) {
  await page.click(`button[aria-label="Edit ${step}"]`);
  await page.waitForSelector("dialog[open] #step-form");
  await edit();
  await page.click('#step-form button[type="submit"]');
  await page.waitForSelector("dialog[open] #step-preview #effect");
  const text = await page.textContent(`#step-preview [data-count^="work items' flow metrics change"]`);
  const label = await page.textContent("#step-preview #effect");
  return {
    items: Number(text?.replaceAll(",", "")),
    values: Number(label?.match(/\(([\d,]+) values\)/)?.[1].replaceAll(",", "")),
  };
}

/** Apply in the preview: the step's toast names the re-transform run, which is waited for. */
async function applyAndWait(page: Page, app: TestApp, step: string) {
  await page.click("#step-preview [data-confirm]");
  const toast = await page.waitForSelector(`text=“${step}” saved; re-transform run`);
  const runId = Number((await toast.textContent())?.match(/run #(\d+)/)?.[1]);
  await page.waitForSelector("dialog[open] #step-preview", { state: "detached" });
  await waitForRun(app.db, runId, "FINISHED", 120_000);
}

Deno.test({
  name: `workflows page[${kind}]: a step edit previewed, applied, metrics change as previewed; commitment point moved`,
  ignore: !hasChromium(),
  fn: async () => {
    await setupIslands();
    const { app, admin, id, close } = await startSyncedApp(kind);
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
    try {
      const before = await metrics(app.db, id);
      const page = await browser.newPage();
      await signIn(page, app, admin.email);
      await page.click('nav a[href="/workflows"]');
      await page.waitForURL(`${app.url}/workflows`);
      await pageReady(page);

      // In Progress → Waiting: work time becomes waiting time
      const preview = await previewStepEdit(page, "In Progress", async () => {
        await page.selectOption("#step-form-category", "Waiting");
      });
      assert(preview.items > 0 && preview.values >= preview.items, JSON.stringify(preview));
      const [stored] = await app.db.query<{ category: string }>(
        "SELECT step_category AS category FROM workflows WHERE integration_id = $1 AND step_name = 'In Progress'",
        [id],
      );
      assertEquals(stored.category, "In Progress", "the preview saved nothing");
      await screenshotSizes(page, "workflows-preview");
      await assertAccessibleThemes(page, "workflows preview");
      await applyAndWait(page, app, "In Progress");
      const afterCategory = await metrics(app.db, id);
      assertEquals(metricDiff(before, afterCategory), [preview.items, preview.values], "changed exactly as previewed");

      // the commitment point moves by ticking it on another step; the form says it cannot just be unticked
      await page.click('button[aria-label="Edit To Do"]');
      await page.waitForSelector("dialog[open] #step-form");
      assert((await page.textContent("#step-form"))?.includes("tick it on another step"));
      await page.uncheck("#step-form-commitmentPoint");
      await page.click('#step-form button[type="submit"]');
      const refused = await page.waitForSelector("#step-form-commitmentPoint-error");
      assert((await refused.textContent())?.includes("exactly one commitment point"), "unticking is refused");
      await page.click('#step-form button:has-text("Cancel")');
      await page.waitForSelector("dialog[open] #step-form", { state: "detached" });
      const moved = await previewStepEdit(page, "Ready for Story Testing", async () => {
        await page.check("#step-form-commitmentPoint");
      });
      assert(moved.items > 0, `lead times change when the commitment point moves later (${JSON.stringify(moved)})`);
      await applyAndWait(page, app, "Ready for Story Testing");
      const points = await app.db.query<{ name: string }>(
        "SELECT step_name AS name FROM workflows WHERE integration_id = $1 AND is_commitment_point AND active",
        [id],
      );
      assertEquals(points, [{ name: "Ready for Story Testing" }]);
      assertEquals(metricDiff(afterCategory, await metrics(app.db, id)), [moved.items, moved.values]);
      await page.waitForFunction(() =>
        document.querySelector("#steps tr:has(#commitment-point)")?.textContent?.includes("Ready for Story Testing")
      );
      assertEquals(await page.$$eval("#commitment-point", (b) => b.length), 1);
      await page.close();
    } finally {
      await browser.close();
      await close();
    }
  },
});
