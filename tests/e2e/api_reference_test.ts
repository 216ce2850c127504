// The API reference page in Chromium: reached from the user menu, lists every operation of the OpenAPI document,
// runs under the pages' CSP with no violation and no script of its own, fits 390 px, and keeps text contrast
// ≥ 4.5:1 in light and dark themes (screenshots in .screenshots/api-reference-*).
import type { Page } from "playwright-core";
import { assert, assertEquals } from "../support/assert.ts";
import { hasChromium, launchBrowser, SCREENSHOT_DIR } from "../support/browser.ts";
import { startTestApp, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { primaryKind } from "../support/db.ts";
import { setupIslands } from "../../server/islands/mod.ts";

const kind = primaryKind();

async function signIn(page: Page, app: TestApp, email: string) {
  await page.goto(`${app.url}/login`);
  await page.fill("#email", email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${app.url}/`), page.click("#login-form button[type=submit]")]);
}

/** Text elements inside `root` whose contrast with their effective background is under 4.5:1. */
function lowContrast(page: Page, root: string) {
  return page.evaluate((selector) => {
    const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): number[] => {
      for (; el; el = el.parentElement) {
        const c = parse(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const bad: string[] = [];
    for (const el of document.querySelectorAll(`${selector} *`)) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim());
      if (!own || (el as HTMLElement).offsetParent === null) continue;
      const fg = lum(parse(getComputedStyle(el).color));
      const bg = lum(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < 4.5) bad.push(`${el.tagName} "${el.textContent!.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
    return bad;
  }, root);
}

Deno.test({
  name: `api reference[${kind}]: every operation, no script of its own, 390 px, both themes`,
  ignore: !hasChromium(),
  fn: async () => {
    await setupIslands();
    const app = await startTestApp(kind);
    const browser = await launchBrowser({ viewport: { width: 390, height: 844 } });
    try {
      const tenant = await app.tenant("Acme");
      const viewer = await app.user(tenant, "viewer");
      const token = await app.login(viewer.email);
      const doc = await (await app.api("/app/etl/openapi.json", { token })).json();
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await signIn(page, app, viewer.email);
      await page.click("#user-menu-button");
      await Promise.all([page.waitForURL(`${app.url}/api`), page.click("#user-menu a[href='/api']")]);
      const shown = await page.$$eval("[data-operation]", (els) => els.map((e) => e.getAttribute("data-operation")));
      const expected = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods as object).map((m) => `${m} ${path}`)
      );
      assertEquals(shown.sort(), expected.sort());
      assert(expected.length >= 30, `the document lists the whole API (${expected.length} operations)`);
      const scripts = await page.$$eval("#api-reference script", (s) => s.length);
      assertEquals(scripts, 0, "the reference itself ships no script");
      // each theme as a user gets it: saved to the account, applied by the server on load
      for (const theme of ["light", "dark"]) {
        const saved = await app.api("/app/etl/me/theme", { method: "PUT", token, body: { theme } });
        assertEquals(saved.status, 200);
        await saved.body?.cancel();
        for (const width of [390, 1280]) {
          await page.setViewportSize({ width, height: 900 });
          await page.goto(`${app.url}/api`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
          assert(overflow <= 0, `no horizontal scrolling at ${width} px (${overflow} px too wide)`);
          assertEquals(await lowContrast(page, "#api-reference"), [], `contrast in ${theme} at ${width} px`);
          // the page is long: the top and one operation section, as a reader sees them
          await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
          await page.screenshot({ path: `${SCREENSHOT_DIR}/api-reference-${width}-${theme}.png` });
          await page.goto(`${app.url}/api#getJobsByIdRuns`);
          await page.screenshot({ path: `${SCREENSHOT_DIR}/api-reference-${width}-${theme}-operation.png` });
        }
      }
      const json = await page.goto(`${app.url}/app/etl/openapi.json`);
      assertEquals(json!.status(), 200, "the document link works for the signed-in browser");
      assertEquals(violations, []);
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
