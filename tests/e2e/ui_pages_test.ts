// The UI end to end: a real Sluice server (islands runtime, embedded or real PostgreSQL) driven by headless Chromium.
// Sign-in form, job cards rendered from the database, on/off with "activate both", settings with client and server
// validation, details with real figures, Run Now against a server without an engine (503 → toast, revert), theme
// persisted per user and right in the server HTML, roles, 404, profile, sign-out. Every page is screenshotted in
// light and dark under .screenshots/.
import type { Page, Response } from "playwright-core";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshot, screenshotThemes } from "../support/browser.ts";
import { startTestApp, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { primaryKind } from "../support/db.ts";
import { setupIslands } from "../../server/islands/mod.ts";
import { seedUi, type UiSeed } from "./ui_seed.ts";
import { assertAccessible } from "../support/axe.ts";

const kind = primaryKind();
const ready = (page: Page) => page.waitForSelector("html[data-sluice-ready]", { state: "attached" });
const card = (page: Page, name: string) => page.locator(`article[data-job-name="${name}"]`);
/** Toasts sit bottom right, over the lower cards' buttons until they time out: clear them before clicking there. */
const clearToasts = (page: Page) => page.evaluate(() => document.getElementById("toasts")?.replaceChildren());

async function signIn(page: Page, app: TestApp, email: string) {
  await page.goto(`${app.url}/login`);
  await page.fill("#email", email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${app.url}/`), page.click("#login-form button[type=submit]")]);
  await ready(page);
}

async function setTheme(app: TestApp, email: string, theme: "light" | "dark" | "system") {
  await app.db.query("UPDATE users SET theme = $2 WHERE lower(email) = lower($1)", [email, theme]);
}

/**
 * Light and dark screenshots of the current page (signed-in pages via the saved theme, others via the OS scheme),
 * each checked with axe-core: no serious or critical violation in either theme.
 */
async function shootPage(page: Page, app: TestApp, name: string, email?: string) {
  for (const theme of ["light", "dark"] as const) {
    if (email) {
      await setTheme(app, email, theme);
      await page.reload();
      await ready(page);
    } else {
      await page.emulateMedia({ colorScheme: theme });
    }
    await page.waitForTimeout(50);
    await screenshot(page, `ui-${name}-${theme}`);
    await assertAccessible(page, `${name} (${theme})`);
  }
  if (email) await setTheme(app, email, "light");
  await page.emulateMedia({ colorScheme: "light" });
}

async function dbValue<T>(app: TestApp, sql: string, params: unknown[]): Promise<T> {
  const [row] = await app.db.query<{ v: T }>(sql, params);
  return row.v;
}

Deno.test({
  name: `ui[${kind}]: pages and the jobs home page in Chromium`,
  ignore: !hasChromium(),
  fn: async (t) => {
    await setupIslands();
    const app = await startTestApp(kind);
    const browser = await launchBrowser();
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    let seed: UiSeed;
    try {
      seed = await seedUi(app);

      await t.step("sign-in page: no JavaScript, error from ?error=, next kept", async () => {
        const html = await (await fetch(`${app.url}/login?next=/profile`)).text();
        assert(!html.includes("<script"), "the sign-in page ships no script at all");
        assertStringIncludes(html, `class="theme-system"`);
        await page.goto(`${app.url}/`);
        assertMatch(page.url(), /\/login\?next=%2F$/);
        await page.fill("#email", seed.admin);
        await page.fill("#password", "not the password");
        await page.click("#login-form button[type=submit]");
        await page.waitForSelector("#login-error");
        assertEquals(await page.textContent("#login-error"), "Wrong e-mail or password.");
        assertMatch(page.url(), /error=invalid_credentials/);
        assertEquals(await page.inputValue("input[name=next]"), "/");
        await shootPage(page, app, "login");
      });

      await t.step("signing in through the form shows every seeded job, rendered complete by the server", async () => {
        await signIn(page, app, seed.admin);
        assertEquals(await page.textContent("#page-title"), "Jobs");
        const names = await page.locator("article[data-job-name] h2").allTextContents();
        assertEquals(names.toSorted(), ["AD", "FABRIC", "GITHUB", "JIRA"]);
        assertEquals(await card(page, "GitHub").getAttribute("data-status"), "running");
        // failed last time, and its integration is off now: blocked, saying why, with no countdown
        assertEquals(await card(page, "Jira").getAttribute("data-status"), "blocked");
        assertStringIncludes(await card(page, "Jira").textContent() ?? "", "Blocked: integration off");
        assert(!(await card(page, "Jira").textContent() ?? "").includes("Next run"), "no countdown when blocked");
        assertEquals(await card(page, "Fabric").getAttribute("data-status"), "inactive");
        assertStringIncludes(await card(page, "Jira").textContent() ?? "", "Retries: 2");
        assertStringIncludes(await card(page, "Jira").textContent() ?? "", "401 Unauthorized");
        // the running job's step grid comes from currentRun.stages: PRs extract 250 of the 400 records GitHub
        // announced (records, not batches), transform 3 of 5 batches
        const prs = card(page, "GitHub").locator('[data-step="github_prs_commits_reviews_comments"]');
        assertEquals(await prs.locator('[data-stage="extract"] .tabular-nums').textContent(), "250/400");
        assertEquals(
          await prs.locator('[data-stage="extract"] [role=progressbar]').getAttribute("aria-valuenow"),
          "62",
        );
        assertEquals(await prs.locator('[data-stage="transform"] .tabular-nums').textContent(), "3/5");
        // records/s and ETA are unknown until live updates arrive
        assertStringIncludes(await card(page, "GitHub").locator(".job-live").textContent() ?? "", "Records/s: —");
        assertEquals(await card(page, "GitHub").locator("[data-eta]").count(), 0, "no ETA until there is a rate");
        // the server HTML already holds the cards (no client fetch needed)
        const cookie = (await browser.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
        const html = await (await fetch(`${app.url}/`, { headers: { cookie } })).text();
        assertStringIncludes(html, ">GITHUB</h2>");
        assertStringIncludes(html, "250/400");
        await shootPage(page, app, "home", seed.admin);
      });

      await t.step("Run Now is disabled with a reason that opens without hover (keyboard, touch)", async () => {
        const why = async (name: string) => {
          const button = card(page, name).getByRole("button", { name: "Run now" });
          assert(await button.isDisabled(), `${name}: Run now disabled`);
          const tip = await button.getAttribute("aria-describedby");
          assert(tip, `${name}: the button points at its reason`);
          await page.focus(`[data-info-tip="${tip}"]`);
          await page.keyboard.press("Enter");
          await page.waitForSelector(`#${tip}:popover-open`);
          const text = await page.textContent(`#${tip}`);
          await page.keyboard.press("Escape");
          return text;
        };
        assertEquals(await why("GitHub"), "Already running");
        assertEquals(await why("Fabric"), "The job is off: turn it on first");
        await card(page, "Jira").locator("[data-info-tip]").click(); // a tap opens it too
        await page.waitForSelector("[popover]:popover-open");
        await screenshot(page, "ui-run-reason-light");
        await page.keyboard.press("Escape");
        assertEquals(await why("Jira"), "The Jira integration is inactive");
      });

      await t.step("turning a job off and on again, with 'Activate both' for its inactive integration", async () => {
        const jira = card(page, "Jira");
        await jira.getByRole("switch").click();
        await page.waitForSelector('article[data-job-name="Jira"][data-status="inactive"]');
        assertEquals(await dbValue(app, "SELECT active AS v FROM etl_jobs WHERE id = $1", [seed.jobs.Jira.id]), false);
        await jira.getByRole("switch").click();
        await page.waitForSelector("#activate-both");
        await page.waitForTimeout(250);
        await screenshotThemes(page, "ui-activate-both");
        await page.click("#activate-both [data-confirm]");
        await page.waitForSelector('article[data-job-name="Jira"][data-status="failed"]');
        await page.waitForSelector("#activate-both", { state: "detached" });
        assertEquals(
          await dbValue(
            app,
            "SELECT i.active AND j.active AS v FROM etl_jobs j JOIN integrations i ON i.id = j.integration_id WHERE j.id = $1",
            [
              seed.jobs.Jira.id,
            ],
          ),
          true,
        );
        assertStringIncludes(await page.textContent("#toasts") ?? "", "JIRA turned on with its integration");
        // no longer blocked: the next-run countdown is back, and ticks every second
        await page.waitForFunction(() =>
          document.querySelector('article[data-job-name="Jira"] .job-meta')?.textContent?.includes("Next run")
        );
        await app.db.query("UPDATE etl_jobs SET next_run_at = now() + interval '17 minutes' WHERE id = $1", [
          seed.jobs.Jira.id,
        ]);
        await page.reload();
        await ready(page);
        const meta = card(page, "Jira").locator(".job-meta").first();
        const first = await meta.textContent();
        await page.waitForTimeout(1200);
        const second = await meta.textContent();
        assertMatch(first ?? "", /Next run: 1\dm \d\ds/);
        assert(first !== second, `countdown did not move: ${first}`);
      });

      await t.step(
        "Run Now without an engine: optimistic RUNNING, then reverted with the server's message",
        async () => {
          const jira = card(page, "Jira");
          const button = jira.getByRole("button", { name: "Run now" });
          assert(!(await button.isDisabled()), "active job, active integration, not running");
          // hold the real server's answer briefly so the optimistic state can be observed
          await page.route("**/app/etl/jobs/*/run", async (route) => {
            await new Promise((r) => setTimeout(r, 400));
            await route.continue();
          });
          const answered = page.waitForResponse((r: Response) => r.url().endsWith(`/jobs/${seed.jobs.Jira.id}/run`));
          await button.click();
          await page.waitForSelector('article[data-job-name="Jira"][data-status="running"]');
          assertEquals((await answered).status(), 503);
          await page.waitForSelector('article[data-job-name="Jira"][data-status="failed"]');
          await page.waitForSelector('#toasts .toast[data-kind="error"]');
          assertStringIncludes(
            await page.textContent('#toasts .toast[data-kind="error"]') ?? "",
            "JIRA did not start: the engine is not running in this instance",
          );
          await page.unroute("**/app/etl/jobs/*/run");
          await screenshot(page, "ui-run-now-toast-light");
        },
      );

      await t.step("settings: presets, a client-side rule, a server-side rule, then saved", async () => {
        await card(page, "Jira").getByRole("button", { name: "JIRA settings" }).click();
        await page.waitForSelector("#job-settings");
        await page.fill("#schedule-minutes", "60");
        await page.fill("#retry-minutes", "60");
        await page.click("#job-settings button[type=submit]");
        assertEquals(await page.textContent("#retry-minutes-error"), "must be shorter than the schedule interval");
        // 50,000 minutes passes the client checks; the server caps the schedule at 30 days
        await page.fill("#schedule-minutes", "50000");
        await page.fill("#retry-minutes", "15");
        const rejected = page.waitForResponse((r: Response) => r.url().endsWith("/settings"));
        await page.click("#job-settings button[type=submit]");
        assertEquals((await rejected).status(), 400);
        await page.waitForSelector("#schedule-minutes-error");
        assertEquals(await page.textContent("#schedule-minutes-error"), "must be at most 30 days");
        await screenshotThemes(page, "ui-settings-error");
        await page.click('#job-settings button:has-text("4h")');
        await page.click('#job-settings button:has-text("30m")');
        assertStringIncludes(await page.textContent("#job-settings [data-summary]") ?? "", "every 4 hours");
        await page.click("#job-settings button[type=submit]");
        await page.waitForSelector("#job-settings", { state: "detached" });
        assertStringIncludes(await card(page, "Jira").locator(".job-meta").first().textContent() ?? "", "Interval: 4h");
        const saved = await app.db.query<{ s: number; r: number }>(
          "SELECT schedule_interval_minutes AS s, retry_interval_minutes AS r FROM etl_jobs WHERE id = $1",
          [seed.jobs.Jira.id],
        );
        assertEquals(saved[0], { s: 240, r: 30 });
      });

      await t.step("details: provider figures counted from the database and the run history chart", async () => {
        await card(page, "GitHub").getByRole("button", { name: "GITHUB details" }).click();
        await page.waitForSelector("#job-details [data-figures]");
        const figure = (key: string) => page.textContent(`#job-details [data-figure="${key}"] p:last-child`);
        const count = (table: string) =>
          dbValue<number>(app, `SELECT count(*)::int AS v FROM ${table} WHERE integration_id = $1`, [
            seed.jobs.GitHub.integrationId,
          ]);
        assertEquals(await figure("repositories"), String(await count("repositories")));
        assertEquals(await figure("prs"), String(await count("prs")));
        assertEquals(await figure("commits"), String(await count("prs_commits")));
        assertEquals(await figure("reviews"), String(await count("prs_reviews")));
        assertStringIncludes(await page.textContent("#job-details [data-rate-budgets]") ?? "", "4,871 of 5,000 left");
        await page.locator("#job-details [data-rate-budgets]").scrollIntoViewIfNeeded();
        await screenshotThemes(page, "ui-details-github-figures");
        assertEquals(await page.locator("#job-details [data-run-chart] rect[data-run]").count(), seed.githubRuns);
        assertStringIncludes(await page.textContent('#job-details [data-section="last-run"]') ?? "", "31");
        await page.locator("#job-details [data-run-chart]").scrollIntoViewIfNeeded();
        await screenshotThemes(page, "ui-details-github");
        await page.keyboard.press("Escape");
        await page.waitForSelector("#job-details", { state: "detached" });
        await clearToasts(page);
        await card(page, "Fabric").getByRole("button", { name: "FABRIC details" }).click();
        await page.waitForSelector("#job-details [data-not-configured]");
        assertStringIncludes(await page.textContent("#job-details [data-not-configured]") ?? "", "no credentials");
        assertEquals(await page.textContent('#job-details [data-figure="tables"] p:last-child'), "0");
        await page.keyboard.press("Escape");
        await page.waitForSelector("#job-details", { state: "detached" });
        // the AD job: directory figures (people linked, identities to review) even before the first sync
        await clearToasts(page);
        await card(page, "AD").getByRole("button", { name: "AD details" }).click();
        await page.waitForSelector("#job-details [data-figure=unlinked]");
        assertStringIncludes(await page.textContent("#job-details [data-figures]") ?? "", "Identities to review");
        await screenshot(page, "ui-details-ad");
        await page.keyboard.press("Escape");
        await page.waitForSelector("#job-details", { state: "detached" });
      });

      await t.step("theme: the toggle saves it, and the server renders it before first paint", async () => {
        await page.goto(`${app.url}/`);
        await ready(page);
        assertEquals(await page.evaluate(() => document.documentElement.className), "theme-light");
        const saved = page.waitForResponse((r: Response) => r.url().endsWith("/me/theme"));
        await page.click("#theme-toggle");
        assertEquals((await saved).status(), 200);
        assertEquals(await page.evaluate(() => document.documentElement.className), "dark");
        assertEquals(await dbValue(app, "SELECT theme AS v FROM users WHERE email = $1", [seed.admin]), "dark");
        const cookie = (await browser.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
        const html = await (await fetch(`${app.url}/`, { headers: { cookie } })).text();
        assert(html.startsWith(`<!DOCTYPE html><html lang="en" class="dark">`), "dark class in the server HTML");
        await page.reload();
        assertEquals(await page.evaluate(() => document.documentElement.className), "dark");
        // dark surfaces come from CSS at once: no script decides the palette
        assertEquals(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(13, 17, 23)");
      });

      await t.step("profile: e-mail, role and the theme choice shared with the header", async () => {
        await page.goto(`${app.url}/profile`);
        await ready(page);
        assertEquals(await page.textContent('[data-profile="email"]'), seed.admin);
        assertStringIncludes(await page.textContent('[data-profile="role"]') ?? "", "admin");
        const saved = page.waitForResponse((r: Response) => r.url().endsWith("/me/theme"));
        await page.click('#theme-choice label:has-text("Same as the system")');
        await saved;
        assertEquals(await page.evaluate(() => document.documentElement.className), "theme-system");
        assertEquals(await dbValue(app, "SELECT theme AS v FROM users WHERE email = $1", [seed.admin]), "system");
        await page.emulateMedia({ colorScheme: "dark" });
        assertEquals(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(13, 17, 23)");
        await page.emulateMedia({ colorScheme: "light" });
        await shootPage(page, app, "profile", seed.admin);
      });

      await t.step("the user menu opens from the initials", async () => {
        await page.goto(`${app.url}/`);
        await ready(page);
        assertEquals(await page.textContent("#user-menu-button"), "JD");
        await page.click("#user-menu-button");
        await page.waitForSelector("#user-menu:popover-open");
        assertStringIncludes(await page.textContent("#user-menu") ?? "", seed.admin);
        await screenshot(page, "ui-user-menu-light");
        await page.keyboard.press("Escape");
        await page.waitForSelector("#user-menu:not(:popover-open)", { state: "attached" });
      });

      await t.step(
        "small screens: the sidebar drawer opens from the menu button, closes on Escape and outside",
        async () => {
          await page.setViewportSize({ width: 390, height: 800 });
          await page.goto(`${app.url}/`);
          await ready(page);
          const nav = page.locator("nav[aria-label=Main]");
          assertEquals(await nav.isVisible(), false, "hidden until opened");
          await shootPage(page, app, "home-mobile", seed.admin);
          // the toggle is a real button: reachable and operable by keyboard
          await page.focus("button[popovertarget=app-nav]");
          await page.keyboard.press("Enter");
          await page.waitForSelector("#app-nav:popover-open");
          assertEquals((await nav.boundingBox())!.x, 0);
          assertEquals(await page.locator('#app-nav a[data-nav="home"] .nav-label').isVisible(), true, "labels show");
          await screenshot(page, "ui-home-mobile-nav-light");
          await page.keyboard.press("Escape");
          await page.waitForSelector("#app-nav:not(:popover-open)", { state: "attached" });
          await page.click("button[popovertarget=app-nav]");
          await page.waitForSelector("#app-nav:popover-open");
          await page.mouse.click(370, 500); // a tap outside the drawer
          await page.waitForSelector("#app-nav:not(:popover-open)", { state: "attached" });
          await page.setViewportSize({ width: 1280, height: 800 });
        },
      );

      await t.step("unknown paths get the 404 page, inside the shell when signed in", async () => {
        const res = await page.goto(`${app.url}/no/such/page`);
        assertEquals(res?.status(), 404);
        await page.waitForSelector("#not-found");
        assertEquals(await page.locator("nav[aria-label=Main]").count(), 1);
        await shootPage(page, app, "not-found", seed.admin);
        const anonymous = await fetch(`${app.url}/no/such/page`);
        assertEquals(anonymous.status, 404);
        const html = await anonymous.text();
        assertStringIncludes(html, "Page not found");
        assert(!html.includes(`aria-label="Main"`), "no shell for a visitor");
      });

      await t.step("the sign-out page", async () => {
        await page.goto(`${app.url}/logout`);
        await ready(page);
        await page.waitForSelector("#logout");
        await shootPage(page, app, "logout", seed.admin);
      });

      await t.step("viewers see no actions; users can run but not configure", async () => {
        await browser.context.clearCookies();
        await signIn(page, app, seed.viewer);
        assertEquals(await page.getByRole("button", { name: "Run now" }).count(), 0);
        assertEquals(await page.getByRole("switch").count(), 0);
        assertEquals(await page.getByRole("button", { name: "JIRA settings" }).count(), 0);
        assertEquals(await page.getByRole("button", { name: "JIRA details" }).count(), 1);
        assertEquals(await page.locator('nav a[data-nav="queues"]').count(), 0, "Queues is for admins");
        await browser.context.clearCookies();
        await signIn(page, app, seed.user);
        assertEquals(await page.getByRole("button", { name: "Run now" }).count(), 4);
        assertEquals(await page.getByRole("switch").count(), 0);
        assertEquals(await page.getByRole("button", { name: "JIRA settings" }).count(), 0);
        await screenshot(page, "ui-home-user-role-light");
      });

      await t.step("signing out from the user menu ends the session", async () => {
        await page.click("#user-menu-button");
        await page.waitForSelector("#user-menu:popover-open");
        await Promise.all([page.waitForURL(`${app.url}/login`), page.click("#sign-out")]);
        await page.goto(`${app.url}/`);
        assertMatch(page.url(), /\/login\?next=%2F$/);
      });

      await t.step("a one-time password must be changed on the profile page before anything else", async () => {
        await app.db.query("UPDATE users SET must_change_password = true WHERE email = $1", [seed.user]);
        await page.goto(`${app.url}/login`);
        await page.fill("#email", seed.user);
        await page.fill("#password", TEST_PASSWORD);
        await Promise.all([
          page.waitForURL(`${app.url}/profile?password=required`),
          page.click("#login-form button[type=submit]"),
        ]);
        await ready(page);
        await page.waitForSelector("#password-required");
        await page.fill("#pw-currentPassword", "not it at all");
        await page.fill("#pw-newPassword", "short");
        await page.fill("#pw-confirm", "different");
        await page.click("#password-form button[type=submit]");
        assertEquals(await page.textContent("#pw-newPassword-error"), "must be at least 12 characters");
        assertEquals(await page.textContent("#pw-confirm-error"), "does not match the new password");
        await page.fill("#pw-newPassword", "a much longer passphrase");
        await page.fill("#pw-confirm", "a much longer passphrase");
        await page.click("#password-form button[type=submit]");
        await page.waitForSelector("#pw-currentPassword-error");
        assertEquals(await page.textContent("#pw-currentPassword-error"), "is wrong");
        await page.evaluate(() => scrollTo(0, 0)); // a full-page shot of a scrolled page repeats the sticky header
        await screenshot(page, "ui-password-required-light");
        await page.fill("#pw-currentPassword", TEST_PASSWORD);
        await Promise.all([page.waitForURL(`${app.url}/`), page.click("#password-form button[type=submit]")]);
        await ready(page);
        assertEquals(await page.locator("article[data-job-name]").count(), 4);
        assertEquals(
          await dbValue(app, "SELECT must_change_password AS v FROM users WHERE email = $1", [seed.user]),
          false,
        );
      });

      assertEquals(pageErrors, []);
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
