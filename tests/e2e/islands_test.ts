// Islands runtime end to end: the fixture app is built with esbuild + Tailwind into a temp folder, served over real
// HTTP on 127.0.0.1, and driven in headless Chromium.
import type { Page } from "playwright-core";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshot } from "../support/browser.ts";
import { type FixtureApp, startFixtureApp } from "../fixtures/islands_app/server.ts";
import { h } from "preact";
import { EVIL_TEXT, NestingPage } from "../fixtures/islands_app/pages.tsx";

interface Watched {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  scriptRequests: string[];
}

async function open(app: FixtureApp, newPage: () => Promise<Page>, path: string, waitReady = true): Promise<Watched> {
  const page = await newPage();
  const watched: Watched = { page, consoleErrors: [], pageErrors: [], scriptRequests: [] };
  page.on("console", (m) => m.type() === "error" && watched.consoleErrors.push(m.text()));
  page.on("pageerror", (e) => watched.pageErrors.push(String(e)));
  page.on("request", (r) => {
    if (r.resourceType() === "script" || new URL(r.url()).pathname.endsWith(".js")) {
      watched.scriptRequests.push(r.url());
    }
  });
  await page.goto(app.url + path);
  if (waitReady) await page.waitForSelector("html[data-sluice-ready]", { state: "attached" });
  return watched;
}

const text = (page: Page, selector: string) => page.locator(selector).textContent();

Deno.test({
  name: "islands runtime in Chromium",
  ignore: !hasChromium(),
  fn: async (t) => {
    const app = await startFixtureApp();
    const browser = await launchBrowser();
    const newPage = () => browser.newPage();
    try {
      await t.step("two islands on one page hydrate and respond to clicks", async () => {
        const { page, pageErrors } = await open(app, newPage, "/");
        await page.click("#counter-a");
        await page.click("#counter-b");
        await page.click("#counter-b");
        assertEquals(await text(page, "#counter-a"), "A: 2");
        assertEquals(await text(page, "#counter-b"), "B: 12");
        assertEquals(pageErrors, []);
        await page.close();
      });

      await t.step("an island rendered by an island works; only the outer one is marked and revived", async () => {
        const html = await (await fetch(app.url + "/")).text();
        assertEquals(html.match(/<!--sluice:island:Outer:/g)?.length, 1);
        assertEquals(html.includes("sluice:island:Inner"), false);
        assertEquals(/from"[^"]*island-Inner-/.test(html), false, "Inner's chunk is not imported by the page");
        const { page } = await open(app, newPage, "/");
        await page.click("#inner");
        await page.click("#outer-btn");
        assertEquals(await text(page, "#inner"), "inner 2");
        assertEquals(await text(page, "#outer-btn"), "outer 1");
        // Exactly one #inner: the outer island reused the server DOM instead of rendering a second copy.
        assertEquals(await page.locator("#inner").count(), 1);
        assertEquals(await text(page, "#outer-slot"), "outer slot text");
        await page.close();
      });

      await t.step("a signal passed to two islands is one signal in the browser", async () => {
        const { page } = await open(app, newPage, "/");
        assertEquals(await text(page, "#signal-view-1"), "5");
        await page.click("#signal-inc");
        await page.click("#signal-inc");
        assertEquals(await text(page, "#signal-view-1"), "7");
        assertEquals(await text(page, "#signal-view-2"), "7");
        await page.close();
      });

      await t.step("server JSX slots show up, survive hydration and re-renders, and can hold islands", async () => {
        const { page, pageErrors } = await open(app, newPage, "/");
        assertEquals(await text(page, "#slot-static"), "Server bold text");
        assertEquals(await text(page, "#slot-static b"), "bold");
        assertEquals(await text(page, "#footer-jsx"), "footer from server");
        await page.click("#card-open .click");
        assertEquals(await text(page, "#card-open .click"), "clicks 1");
        assertEquals(await text(page, "#slot-static"), "Server bold text");
        // An island inside slot content is revived as part of the card.
        await page.click("#counter-in-slot");
        assertEquals(await text(page, "#counter-in-slot"), "S: 101");
        // Toggling the card removes and re-creates the slot from its revived VNodes.
        await page.click("#card-open .toggle");
        assertEquals(await page.locator("#slot-static").count(), 0);
        await page.click("#card-open .toggle");
        assertEquals(await text(page, "#slot-static"), "Server bold text");
        // A slot the island did not render on the server comes from its <template>.
        assertEquals(await page.locator("#slot-hidden").count(), 0);
        await page.click("#card-closed .toggle");
        assertEquals(await text(page, "#slot-hidden"), "rendered later from a template");
        assertEquals(pageErrors, []);
        await screenshot(page, "islands-fixture-home");
        await page.close();
      });

      await t.step("props keep their types: Date, Map, Set, URL, bigint, NaN, -Infinity, -0, cycles", async () => {
        const { page } = await open(app, newPage, "/");
        await page.waitForFunction(() => document.getElementById("kitchen")?.textContent !== "ssr");
        const report = JSON.parse((await text(page, "#kitchen"))!);
        for (const [check, ok] of Object.entries(report)) assert(ok === true, `prop check "${check}" failed`);
        assertEquals(Object.keys(report).length, 13);
        await page.close();
      });

      await t.step("invalid nesting is reported by name and does not break the page", async () => {
        // The server sees it coming while rendering (renderPage logs these as warnings).
        const warnings = app.runtime.render(h(NestingPage, {})).warnings;
        assert(warnings.some((w) => w.includes('island "Block": <div> inside <p>')), warnings.join("\n"));
        assert(warnings.some((w) => w.includes('island "Counter": <button> placed directly inside <tbody>')));
        const { page, consoleErrors, pageErrors } = await open(app, newPage, "/nesting");
        assertEquals(pageErrors, []);
        const blockError = consoleErrors.find((m) => m.includes('island "Block"'));
        assert(blockError, `expected a console error naming Block, got ${JSON.stringify(consoleErrors)}`);
        assertStringIncludes(blockError, "split by the browser's HTML parser");
        // The table case: the parser moves the button in front of the table, leaving the marker range empty.
        const tableError = consoleErrors.find((m) => m.includes('island "Counter"'));
        assert(tableError, `expected a console error for the island in <tbody>, got ${JSON.stringify(consoleErrors)}`);
        assertEquals(await page.locator("#counter-in-table").count(), 1, "server HTML kept, nothing rendered twice");
        assertEquals(await text(page, "#block"), "block content");
        await page.click("#counter-after-bad");
        assertEquals(await text(page, "#counter-after-bad"), "ok: 1");
        await page.close();
      });

      await t.step("</script> and <!-- in a prop are escaped: no injected script runs", async () => {
        const html = await (await fetch(app.url + "/escape")).text();
        assertEquals(html.match(/<script/g)?.length, 2);
        const { page, pageErrors } = await open(app, newPage, "/escape");
        await page.waitForSelector("#echo[data-hydrated=yes]");
        assertEquals(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
        assertEquals(await text(page, "#echo"), EVIL_TEXT);
        assertEquals(pageErrors, []);
        await page.close();
      });

      await t.step("a page without islands loads zero JavaScript", async () => {
        const { page, scriptRequests } = await open(app, newPage, "/plain", false);
        await page.waitForLoadState("load");
        assertEquals(await text(page, "#plain"), "No islands here");
        assertEquals(await page.evaluate(() => document.scripts.length), 0);
        assertEquals(scriptRequests, []);
        // The stylesheet is still there, built by Tailwind from the fixture's classes.
        const padding = await page.evaluate(() => getComputedStyle(document.querySelector("main")!).paddingTop);
        assertEquals(padding, "16px");
        await page.close();
      });

      await t.step("built assets are immutable, other static files revalidate", async () => {
        const chunk = app.runtime.bootUrl;
        const res = await fetch(app.url + chunk);
        await res.body?.cancel();
        assertEquals(res.status, 200);
        assertEquals(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
        assertMatch(res.headers.get("content-type") ?? "", /^text\/javascript/);
        const css = await fetch(app.url + app.runtime.cssHref!);
        assertStringIncludes(await css.text(), "bg-sky-600");
        const plain = await fetch(app.url + "/static/hello.txt");
        assertEquals(await plain.text(), "plain static file\n");
        assertEquals(plain.headers.get("cache-control"), "no-cache");
      });
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
