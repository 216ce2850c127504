// The reusable dialogs in a real browser, on a small test page built with the islands runtime (its own temporary
// build): fields derived from a zod schema with per-field messages (client-side and returned by the submit
// handler), edit forms pre-filled, dependency reassignment, confirmation, CSS transitions in and out.
import { Hono } from "hono";
import { h } from "preact";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { assertEquals } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshot } from "../support/browser.ts";
import { createIslandsRuntime } from "../../server/islands/mod.ts";
import { ToastContainer } from "../../components/ui/ToastContainer.tsx";
import KitDemo from "./ui_kit/KitDemo.tsx";

const opened = (page: Page, id: string) => page.waitForSelector(`.modal-backdrop[data-state=open] #${id}`);
const closed = (page: Page, id: string) => page.waitForSelector(`#${id}`, { state: "detached" });
const errorOf = (page: Page, field: string) => page.textContent(`#field-${field}-error`);

Deno.test({
  name: "ui kit: schema-driven create/edit, dependency and confirmation dialogs in Chromium",
  ignore: !hasChromium(),
  fn: async (t) => {
    const buildDir = await Deno.makeTempDir({ prefix: "sluice-ui-kit-" });
    const runtime = await createIslandsRuntime({
      config: { islandsDir: fileURLToPath(new URL("./ui_kit", import.meta.url)), buildDir },
    });
    const app = new Hono();
    app.use("/static/*", runtime.serveAssets());
    app.get("/", (c) =>
      c.html(runtime.renderPage(h("div", null, h(KitDemo, {}), h(ToastContainer, {})), {
        title: "UI kit",
        htmlClass: "theme-light",
        bodyClass: "bg-page text-fg",
      })));
    const listening = Promise.withResolvers<number>();
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: (a) => listening.resolve(a.port) },
      app.fetch,
    );
    const url = `http://127.0.0.1:${await listening.promise}/`;
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(url);
      await page.waitForSelector("html[data-sluice-ready]", { state: "attached" });

      await t.step("create: fields come from the schema; empty submit shows a message per field", async () => {
        await page.click("#open-create");
        await opened(page, "create-modal");
        const labels = await page.locator("#create-modal label").allTextContents();
        assertEquals(labels, ["Level name*", "Level number*", "Description", "Integration*", "Active"]);
        assertEquals(await page.isChecked("#field-active"), true, "schema default");
        await page.click("#create-modal button[type=submit]");
        assertEquals(await errorOf(page, "levelName"), "required");
        assertEquals(await errorOf(page, "levelNumber"), "enter a number");
        assertEquals(await errorOf(page, "integrationId"), "choose an integration");
        await page.fill("#field-levelName", "Epic");
        await page.fill("#field-levelNumber", "2.5");
        await page.selectOption("#field-integrationId", "3");
        await page.click("#create-modal button[type=submit]");
        assertEquals(await errorOf(page, "levelNumber"), "must be a whole number");
        assertEquals(await page.locator("#field-levelName-error").count(), 0);
        await screenshot(page, "ui-kit-create-errors-light");
      });

      await t.step("create: field errors returned by the submit handler show under their field", async () => {
        await page.fill("#field-levelNumber", "2");
        await page.click("#create-modal button[type=submit]");
        await page.waitForSelector("#field-levelName-error");
        assertEquals(await errorOf(page, "levelName"), "already exists");
        await page.fill("#field-levelName", "Initiative");
        await page.fill("#field-description", "Above epics");
        await page.click("#create-modal button[type=submit]");
        await closed(page, "create-modal");
        assertEquals(JSON.parse(await page.textContent("#result") ?? "{}"), {
          levelName: "Initiative",
          levelNumber: 2,
          description: "Above epics",
          integrationId: 3,
          active: true,
        });
        await page.waitForSelector('#toasts .toast[data-state=open]:has-text("Created Initiative")');
      });

      await t.step("edit: the form starts from the record and returns the changed values", async () => {
        await page.click("#open-edit");
        await opened(page, "edit-modal");
        assertEquals(await page.inputValue("#field-levelName"), "Story");
        assertEquals(await page.inputValue("#field-levelNumber"), "1");
        assertEquals(await page.inputValue("#field-integrationId"), "3");
        assertEquals(await page.textContent("#edit-modal button[type=submit]"), "Save");
        await page.fill("#field-levelNumber", "3");
        await page.uncheck("#field-active");
        await page.click("#edit-modal button[type=submit]");
        await closed(page, "edit-modal");
        assertEquals(JSON.parse(await page.textContent("#result") ?? "{}"), {
          levelName: "Story",
          levelNumber: 3,
          integrationId: 3,
          active: false,
        });
      });

      await t.step("dependency dialog: lists dependents with counts and needs a reassignment target", async () => {
        await page.click("#open-deps");
        await opened(page, "deps-modal");
        assertEquals(await page.locator("#deps-modal [data-dependents] li").allTextContents(), [
          "WIT mappings3",
          "Work item types12",
        ]);
        await page.click("#deps-modal [data-confirm]");
        assertEquals(await page.textContent("#deps-modal .field-error"), "choose where the dependents move to");
        await page.selectOption("#reassign-target", "8");
        await screenshot(page, "ui-kit-dependency-light");
        await page.click("#deps-modal [data-confirm]");
        await closed(page, "deps-modal");
        assertEquals(await page.textContent("#result"), "reassign to 8");
      });

      await t.step(
        "confirmation dialog: Escape cancels, confirm confirms; the leave transition runs first",
        async () => {
          await page.click("#open-confirm");
          await opened(page, "confirm-modal");
          await page.keyboard.press("Escape");
          // still in the DOM while fading out, then removed
          await page.waitForSelector(".modal-backdrop[data-state=closed] #confirm-modal");
          await closed(page, "confirm-modal");
          assertEquals(await page.textContent("#result"), "reassign to 8");
          await page.click("#open-confirm");
          await opened(page, "confirm-modal");
          await page.evaluate(() => (document.documentElement.className = "dark"));
          await screenshot(page, "ui-kit-confirm-dark");
          await page.click("#confirm-modal [data-confirm]");
          await closed(page, "confirm-modal");
          assertEquals(await page.textContent("#result"), "deleted");
        },
      );

      assertEquals(errors, []);
    } finally {
      await browser.close();
      await server.shutdown();
      await Deno.remove(buildDir, { recursive: true });
    }
  },
});
