// Issue #15: the AD job's details dialog lists the Jira and GitHub identities to review, paged and searched on the
// server, and an admin links one to a directory person by hand (picked through the server-side people search),
// then removes that manual link again; a viewer sees the same list without any action. Real server, real
// database, the directory loaded from the fake Graph by the real connector, real Chromium; screenshots light/dark.
import type { Page } from "playwright-core";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshotThemes } from "../support/browser.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { primaryKind } from "../support/db.ts";
import { signIn } from "../support/sign_in.ts";
import { assertAccessibleThemes } from "../support/axe.ts";
import { setupIslands } from "../../server/islands/mod.ts";
import { startFakeGraph } from "../fakes/msgraph/mod.ts";
import { createEntraConnector } from "../../engine/connectors/entra/connector.ts";
import { runSync } from "../jira/driver.ts";
import { addIdentities, FAST_HTTP, pointAtFake, seedDirectory } from "../entra/support.ts";

const kind = primaryKind();
/** Identities nobody in the directory has the e-mail of: more than a page of the dialog's list (10). */
const STRANGERS = 13;

const review = "#job-details #identity-review";
const rows = (page: Page) => page.locator(`${review} tbody tr[data-row]`);

async function openAdDetails(page: Page) {
  await page.locator('article[data-job-name="AD"]').getByRole("button", { name: "AD details" }).click();
  await page.waitForSelector(`${review} tbody tr[data-row]`);
}

/** The listed identities' names, once the list shows `expected` (the list fetches after a debounce). */
async function listed(page: Page, expectedRange: string): Promise<string[]> {
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel)?.textContent === want,
    ["#identity-review-range", expectedRange] as const,
  );
  return await rows(page).locator("td:first-child p.font-medium").allTextContents();
}

async function manualLink(app: TestApp, externalId: string) {
  const [row] = await app.db.query<{ method: string; person: string | null }>(
    `SELECT l.method, p.display_name AS person FROM directory_identity_links l
       JOIN identities i ON i.id = l.identity_id LEFT JOIN directory_people p ON p.id = l.person_id
      WHERE i.external_id = $1`,
    [externalId],
  );
  return row ?? null;
}

Deno.test({
  name: `identity review[${kind}]: paged search of identities to review, a manual link and unlink by an admin`,
  ignore: !hasChromium(),
  fn: async () => {
    await setupIslands();
    const graph = startFakeGraph();
    const app = await startTestApp(kind);
    const browser = await launchBrowser();
    try {
      seedDirectory(graph, 7);
      const t = await app.tenant("Acme");
      const integrationId = await pointAtFake(app.db, t, graph);
      await addIdentities(app.db, t, [
        { provider: "jira", externalId: "j1", email: "person1@acme.example", name: "Pat One" },
        ...Array.from({ length: STRANGERS }, (_, i) => ({
          provider: i % 2 ? "github" as const : "jira" as const,
          externalId: `s${i + 1}`,
          email: `stranger${i + 1}@else.example`,
          name: `Stranger ${String(i + 1).padStart(2, "0")}`,
        })),
      ]);
      const connector = createEntraConnector({ http: FAST_HTTP });
      const synced = await runSync({
        db: app.db,
        tenantId: t,
        integrationId,
        credentials: graph.credentials,
        connector,
      });
      assert(!synced.stopped);
      const admin = await app.user(t, "admin");
      const viewer = await app.user(t, "viewer");
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));

      await signIn(page, app, admin.email);
      await openAdDetails(page);
      // unlinked first page of ten, then the next page on the server
      const first = await listed(page, `1–10 of ${STRANGERS}`);
      assertEquals(first, Array.from({ length: 10 }, (_, i) => `Stranger ${String(i + 1).padStart(2, "0")}`));
      await page.click(`${review} button:text("Next")`);
      assertEquals(await listed(page, `11–13 of ${STRANGERS}`), ["Stranger 11", "Stranger 12", "Stranger 13"]);
      // the search goes to the server and starts again at the first page
      await page.fill("#identity-review-q", "stranger7@");
      assertEquals(await listed(page, "1–1 of 1"), ["Stranger 07"]);
      await screenshotThemes(page, "ui-identity-review");

      // link it by hand: find the person by typing part of the name
      await page.click(`${review} button[aria-label="Link s7"]`);
      await page.fill("#link-" + (await rows(page).first().getAttribute("data-row")), "person 5");
      await page.waitForSelector('#job-details [role=option]:has-text("Person 5")');
      await screenshotThemes(page, "ui-identity-review-people");
      await page.click('#job-details [role=option]:has-text("Person 5")');
      await screenshotThemes(page, "ui-identity-review-link");
      await assertAccessibleThemes(page, "identity review, linking");
      await page.click(`#job-details [data-link-editor] button:text("Save link")`);
      await page.waitForSelector('#toasts :text("Stranger 07 linked to Person 5")');
      assertEquals(await listed(page, "No results"), [], "no longer to review");
      assertEquals(await manualLink(app, "s7"), { method: "manual", person: "Person 5" });

      // the manual link is listed under "Set by hand" with its person; Unlink removes it
      await page.fill("#identity-review-q", "");
      await page.selectOption("#identity-review-f-status", "manual");
      assertEquals(await listed(page, "1–1 of 1"), ["Stranger 07"]);
      assertStringIncludes(await rows(page).first().textContent() ?? "", "Person 5");
      assertStringIncludes(await rows(page).first().textContent() ?? "", "by hand");
      await screenshotThemes(page, "ui-identity-review-manual");
      await page.click(`${review} button[aria-label="Unlink s7"]`);
      assertEquals(await listed(page, "No results"), []);
      assertEquals(await manualLink(app, "s7"), null, "back to automatic matching: nobody has that e-mail");
      await page.selectOption("#identity-review-f-status", "linked");
      assertEquals(await listed(page, "1–1 of 1"), ["Pat One"], "the automatic link stays");
      assertEquals(errors, []);

      // a viewer reads the same list, without actions
      await browser.context.clearCookies();
      await signIn(page, app, viewer.email);
      await openAdDetails(page);
      assertEquals((await listed(page, `1–10 of ${STRANGERS}`)).length, 10);
      assertEquals(await page.locator(`${review} th:text("Actions")`).count(), 0);
      assertEquals(await page.locator(`${review} button[aria-label^="Link"]`).count(), 0);
      await page.locator(review).scrollIntoViewIfNeeded();
      await screenshotThemes(page, "ui-identity-review-viewer");
      assertEquals(errors, []);
    } finally {
      await browser.close();
      await app.close();
      await graph.close();
    }
  },
});
