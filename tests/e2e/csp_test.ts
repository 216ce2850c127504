// The pages' Content-Security-Policy in a real browser: every page carries it, the inline boot module runs by its
// nonce, islands hydrate, and Chromium reports no violation.
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { hasChromium, launchBrowser } from "../support/browser.ts";
import { startTestApp, TEST_PASSWORD } from "../support/app.ts";
import { primaryKind } from "../support/db.ts";
import { setupIslands } from "../../server/islands/mod.ts";

const kind = primaryKind();

Deno.test({
  name: `csp[${kind}]: pages run under a nonce-based policy without violations`,
  ignore: !hasChromium(),
  fn: async () => {
    await setupIslands();
    const app = await startTestApp(kind);
    const browser = await launchBrowser();
    try {
      const email = (await app.user(await app.tenant("Acme"), "admin")).email;
      const page = await browser.context.newPage();
      const violations: string[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      const login = await page.goto(`${app.url}/login`);
      assertMatch(login!.headers()["content-security-policy"], /script-src 'self' 'nonce-[0-9a-f]{32}'/);
      await page.fill("#email", email);
      await page.fill("#password", TEST_PASSWORD);
      const [home] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${app.url}/`),
        page.click("#login-form button[type=submit]"),
      ]);
      const policy = home.headers()["content-security-policy"];
      const nonce = /'nonce-([0-9a-f]+)'/.exec(policy)![1];
      await page.waitForSelector("html[data-sluice-ready]", { state: "attached" });
      const scriptNonces = await page.$$eval(
        "script[type=module]",
        (s) => s.map((x) => (x as HTMLScriptElement).nonce),
      );
      assert(scriptNonces.length >= 1, "the page boots islands");
      assertEquals(scriptNonces.every((n) => n === nonce), true);
      // an island answers: the theme toggle flips the theme class
      const before = await page.evaluate(() => document.documentElement.className);
      await page.click("[data-theme-toggle], button[aria-label*='theme' i]");
      await page.waitForFunction((b) => document.documentElement.className !== b, before);
      assertEquals(violations, []);
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
