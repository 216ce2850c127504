// The whole first-run journey of an operator in Chromium, with no hand-made API call: sign in with the one-time
// password, choose a new password, create a Jira integration against the fake Jira (test the connection in the
// form), test it from the list, discover and map custom fields, switch its job on (with its integration), run it,
// watch it finish live on the home page and open its details. Every page visited is checked with axe-core in both
// themes and screenshotted light/dark at desktop and 390 px width. Then every sidebar entry is clicked: none 404s.
import type { Page } from "playwright-core";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshotSizes } from "../support/browser.ts";
import { assertAccessibleThemes } from "../support/axe.ts";
import { startTestApp, TEST_PASSWORD } from "../support/app.ts";
import { primaryKind } from "../support/db.ts";
import { setupIslands } from "../../server/islands/mod.ts";
import { type EngineServices, startEngineServices } from "../../server/engine_services.ts";
import { createJiraConnector } from "../../engine/connectors/jira/connector.ts";
import { startFakeJira } from "../fakes/jira/mod.ts";
import { FAST_HTTP } from "../jira/support.ts";
import { NAV } from "../../components/shell/nav.ts";

const kind = primaryKind();
const ready = (page: Page) => page.waitForSelector("html[data-sluice-ready]", { state: "attached" });
const NEW_PASSWORD = "a long and fresh passphrase";

/** axe in both themes, then light/dark screenshots at desktop and phone width. */
async function check(page: Page, name: string) {
  await assertAccessibleThemes(page, name);
  await screenshotSizes(page, `first-run-${name}`);
}

Deno.test({
  name: `first run[${kind}]: from the one-time password to a finished Jira sync, all in the browser`,
  ignore: !hasChromium(),
  fn: async (t) => {
    await setupIslands();
    const jira = await startFakeJira({});
    let services: EngineServices | undefined;
    const app = await startTestApp(kind, {
      env: { AMQP_URL: "" },
      extend: async (deps) => {
        services = await startEngineServices(deps, [createJiraConnector({ http: FAST_HTTP })], { orchestrator: false });
      },
    });
    const browser = await launchBrowser();
    try {
      const tenant = await app.tenant("Acme");
      const admin = await app.user(tenant, "admin", "first.admin@acme.test");
      await app.db.query("UPDATE users SET must_change_password = true WHERE id = $1", [admin.id]);
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(String(e)));

      await t.step("sign in with the one-time password, then choose a new one", async () => {
        await page.goto(`${app.url}/`);
        await page.waitForSelector("#login-form");
        await check(page, "login");
        await page.fill("#email", admin.email);
        await page.fill("#password", TEST_PASSWORD);
        await Promise.all([
          page.waitForURL(`${app.url}/profile?password=required`),
          page.click("#login-form button[type=submit]"),
        ]);
        await ready(page);
        await page.waitForSelector("#password-required");
        await check(page, "password-required");
        await page.fill("#pw-currentPassword", TEST_PASSWORD);
        await page.fill("#pw-newPassword", NEW_PASSWORD);
        await page.fill("#pw-confirm", NEW_PASSWORD);
        await Promise.all([page.waitForURL(`${app.url}/`), page.click("#password-form button[type=submit]")]);
        await ready(page);
        await check(page, "home-before");
      });

      await t.step("create a Jira integration from its form and test the connection before saving", async () => {
        await Promise.all([page.waitForURL(`${app.url}/integrations`), page.click('nav a[data-nav="integrations"]')]);
        await ready(page);
        assertEquals(await page.getAttribute('nav a[data-nav="integrations"]', "aria-current"), "page");
        await check(page, "integrations-seeded");
        await page.click("#new-integration");
        await page.waitForSelector(".modal-backdrop[data-state=open] #provider-picker");
        await page.click('#provider-picker [data-provider="jira"]');
        await page.waitForSelector(".modal-backdrop[data-state=open] #integration-form #integration-form-name");
        await page.fill("#integration-form-name", "Acme Jira");
        await page.fill("#integration-form-baseUrl", jira.url);
        await page.fill("#integration-form-settings_projectKeys", "EE, K5");
        await page.fill("#integration-form-credentials_email", jira.basicAuth.email);
        // a wrong token first: the failure is explained in words
        await page.fill("#integration-form-credentials_token", "not-the-token");
        await page.click('#integration-form [data-action="test-form"]');
        await page.waitForSelector('#form-test-result[data-test-result="auth"]');
        assertStringIncludes(await page.textContent("#form-test-result") ?? "", "refused the credentials");
        await page.fill("#integration-form-credentials_token", jira.basicAuth.token);
        await page.click('#integration-form [data-action="test-form"]');
        await page.waitForSelector('#form-test-result[data-test-result="ok"]');
        assertStringIncludes(await page.textContent("#form-test-result") ?? "", "Signed in as Sluice Bot");
        await check(page, "integration-form");
        await Promise.all([
          page.waitForURL(/\/integrations\?created=\d+$/),
          page.click("#integration-form button[type=submit]"),
        ]);
        await ready(page);
        const row = page.locator('[data-integration="Acme Jira"]');
        assertStringIncludes(await row.textContent() ?? "", jira.url);
        const [saved] = await app.db.query<{ base_url: string; settings: { projectKeys: string[] }; sealed: boolean }>(
          `SELECT base_url, settings, credentials_enc IS NOT NULL AS sealed FROM integrations WHERE name = 'Acme Jira'`,
        );
        assertEquals([saved.base_url, saved.settings.projectKeys, saved.sealed], [jira.url, ["EE", "K5"], true]);
      });

      await t.step("test the saved integration from the list; the result is kept", async () => {
        const row = page.locator('[data-integration="Acme Jira"]');
        await row.locator('[data-action="test"]').click();
        await page.waitForSelector('[data-integration="Acme Jira"] [data-test-result="ok"]');
        assertEquals(await row.locator("[data-last-test]").getAttribute("data-last-test"), "ok");
        await page.reload();
        await ready(page);
        assertEquals(await row.locator("[data-last-test]").getAttribute("data-last-test"), "ok", "stored");
        await check(page, "integrations");
      });

      await t.step("discover the custom fields and map one; the page says what the change needs", async () => {
        const row = page.locator('[data-integration="Acme Jira"]');
        await Promise.all([page.waitForURL(/\/integrations\/\d+\/fields$/), row.getByText("Custom fields").click()]);
        await ready(page);
        await page.waitForSelector("#fields [data-empty]");
        await Promise.all([page.waitForEvent("load"), page.click("#discover")]);
        await ready(page);
        await page.waitForSelector("#fields tr[data-row]");
        // discovery filled the special slots it recognised
        assertEquals(await page.inputValue("#slot-sprints"), "Sprint");
        await page.fill("#fields-q", "team");
        await page.waitForFunction(() => {
          const names = [...document.querySelectorAll("#fields tr[data-row] td:first-child")].map((td) =>
            td.textContent
          );
          return names.length > 0 && names.every((n) => /team/i.test(n ?? ""));
        });
        await page.click("#slot-custom_field_01");
        await page.keyboard.type("Sprint");
        await page.waitForSelector("#slot-custom_field_01-list [data-value]:not([data-value=''])");
        await page.keyboard.press("ArrowDown");
        await page.keyboard.press("Enter");
        assertEquals(await page.inputValue("#slot-custom_field_01"), "Sprint");
        await page.click("#save-mapping");
        await page.waitForSelector("[data-effect]");
        // Sprint was mapped already (sprints slot): its values are in the stored pages → a re-transform
        assertEquals(await page.getAttribute("[data-effect]", "data-effect"), "retransform");
        await check(page, "custom-fields");
        const [{ n }] = await app.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM custom_fields_mappings m JOIN custom_fields cf ON cf.id = m.custom_field_01_id
            WHERE cf.name = 'Sprint'`,
        );
        assertEquals(n, 1);
      });

      await t.step("switch the job on with its integration, run it and watch it finish live", async () => {
        await Promise.all([page.waitForURL(`${app.url}/`), page.click('nav a[data-nav="home"]')]);
        await ready(page);
        await page.waitForSelector("#live-state[data-live=live]");
        const card = page.locator('article[data-job-name="Acme Jira"]');
        await card.getByRole("switch").click();
        await page.waitForSelector(".modal-backdrop[data-state=open] #activate-both");
        await page.click("#activate-both [data-confirm]");
        await page.waitForSelector('article[data-job-name="Acme Jira"][data-status="ready"]');
        // every sprint report answers 404 (boards deleted, say): the run goes on, the details name the boards
        jira.inject({ kind: "status", status: 404, path: /sprintreport$/, times: Infinity });
        await card.getByRole("button", { name: "Run now", exact: true }).click();
        await page.waitForSelector('article[data-job-name="Acme Jira"][data-status="running"]');
        await page.waitForSelector('article[data-job-name="Acme Jira"] [data-step-grid]');
        await check(page, "home-running");
        await page.waitForSelector('article[data-job-name="Acme Jira"][data-status="finished"]', { timeout: 120_000 });
        const bars = await card.locator("[role=progressbar]").evaluateAll((els) =>
          els.map((e) => e.getAttribute("aria-valuenow"))
        );
        assert(bars.every((b) => b === "100" || b === "0"), `a finished run leaves no partial bar: ${bars}`);
        const [{ n }] = await app.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM work_items w JOIN integrations i ON i.id = w.integration_id WHERE i.name = 'Acme Jira'",
        );
        assert(n > 0, "issues were loaded");
        await check(page, "home-finished");
      });

      await t.step("the job's details show the loaded figures and the configured projects", async () => {
        await page.locator('article[data-job-name="Acme Jira"]').getByRole("button", { name: "ACME JIRA details" })
          .click();
        await page.waitForSelector("#job-details [data-figures]");
        assertStringIncludes(await page.textContent('#job-details [data-section="provider-section"]') ?? "", "EE, K5");
        assertStringIncludes(await page.textContent('#job-details [data-section="last-run"]') ?? "", "FINISHED");
        // the boards whose sprint reports answered 404, each with the number of its sprints asked for
        const refused = new Map<string, Set<string>>();
        for (const r of jira.requests.filter((r) => r.path.endsWith("/sprintreport"))) {
          const board = String(r.query.rapidViewId);
          refused.set(board, (refused.get(board) ?? new Set()).add(String(r.query.sprintId)));
        }
        assert(refused.size > 0, "the run asked for sprint reports");
        const missing = await page.textContent("#job-details [data-missing-sprint-reports]") ?? "";
        for (const [board, sprints] of refused) {
          assertStringIncludes(missing, `board ${board} (${sprints.size} sprint`);
        }
        await check(page, "details");
        await page.keyboard.press("Escape");
        await page.waitForSelector("#job-details", { state: "detached" });
      });

      await t.step("the Queues page fits a phone and passes axe", async () => {
        await Promise.all([page.waitForURL(`${app.url}/queues`), page.click('nav a[data-nav="queues"]')]);
        await ready(page);
        await page.setViewportSize({ width: 390, height: 844 });
        try {
          const overflow = await page.evaluate(() => {
            const wrap = document.querySelector("#stages")!.parentElement!;
            return wrap.scrollWidth - wrap.clientWidth;
          });
          assert(overflow <= 0, `the stage table scrolls sideways by ${overflow} px at 390 px`);
        } finally {
          await page.setViewportSize({ width: 1280, height: 800 });
        }
        await check(page, "queues");
      });

      await t.step("every sidebar entry leads to a page (no 404), for an admin and for a viewer", async () => {
        const visit = async (p: Page) => {
          const hrefs = await p.locator("nav[aria-label=Main] a[data-nav]").evaluateAll((as) =>
            as.map((a) => a.getAttribute("href")!)
          );
          assert(hrefs.length > 0);
          for (const href of hrefs) {
            const [response] = await Promise.all([
              p.waitForResponse((r) => new URL(r.url()).pathname === href && r.request().isNavigationRequest()),
              p.click(`nav[aria-label=Main] a[href="${href}"]`),
            ]);
            assertEquals(response.status(), 200, `${href} answered ${response.status()}`);
            await ready(p);
            assertEquals(await p.locator("#not-found").count(), 0, `${href} shows the 404 page`);
          }
          return hrefs;
        };
        const adminHrefs = await visit(page);
        assertEquals(adminHrefs, NAV.filter((e) => adminHrefs.includes(e.href)).map((e) => e.href), "nav order");
        assert(adminHrefs.includes("/integrations") && adminHrefs.includes("/queues"));
        const viewer = await app.user(tenant, "viewer");
        // same browser profile: signing in as the viewer replaces the admin's session, which is done by now
        const vp = await browser.newPage();
        await vp.goto(`${app.url}/login`);
        await vp.fill("#email", viewer.email);
        await vp.fill("#password", TEST_PASSWORD);
        await Promise.all([vp.waitForURL(`${app.url}/`), vp.click("#login-form button[type=submit]")]);
        await ready(vp);
        const viewerHrefs = await visit(vp);
        assert(!viewerHrefs.includes("/queues"), "Queues is for admins");
        await vp.goto(`${app.url}/integrations`);
        await ready(vp);
        assert(await vp.isDisabled("#new-integration"));
        assertStringIncludes(await vp.textContent("#read-only-reason") ?? "", "Only administrators");
        await check(vp, "integrations-viewer");
        await vp.close();
      });

      assertEquals(pageErrors, []);
      assertEquals(jira.internalErrors, []);
    } finally {
      await browser.close();
      await services?.stop();
      await app.close();
      await jira.close();
    }
  },
});
