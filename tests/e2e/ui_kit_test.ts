// The shared UI kit in a real browser, on a small test page built with the islands runtime (its own temporary
// build): forms generated from the JSON Schema of a zod schema (labels, help, defaults, checks, server field errors,
// a write-only secret), modal focus handling (focus in, Tab wraps, page behind inert, Escape, focus back to the
// opener, scrollable body focusable), dependency dialogs in both modes, the disabled-reason info button, and the
// server-paged list (search, filter, pages, URL state, keyboard rows). axe-core checks the page in both themes.
import { Hono } from "hono";
import { h } from "preact";
import { z } from "zod";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshot, screenshotSizes } from "../support/browser.ts";
import { assertAccessibleThemes } from "../support/axe.ts";
import { createIslandsRuntime } from "../../server/islands/mod.ts";
import { formSchema } from "../../server/ui/form_schema.ts";
import { ToastContainer } from "../../components/ui/ToastContainer.tsx";
import { fromSearch } from "../../components/ui/list/list_query.ts";
import KitDemo, { type DemoItem } from "./ui_kit/KitDemo.tsx";

const opened = (page: Page, id: string) => page.waitForSelector(`.modal-backdrop[data-state=open] #${id}`);
const closed = (page: Page, id: string) => page.waitForSelector(`#${id}`, { state: "detached" });
const errorOf = (page: Page, modal: string, field: string) => page.textContent(`#${modal}-${field}-error`);
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName);

const hierarchy = z.object({
  levelName: z.string().trim().min(1, "required").max(40).meta({ title: "Level name", description: "Shown in lists" }),
  levelNumber: z.number({ error: "enter a number" }).int().min(0).max(9).meta({ title: "Level number" }),
  description: z.string().max(200).optional().meta({ widget: "textarea" }),
  kind: z.enum(["story", "epic"]).default("story"),
  apiKey: z.string().min(1).optional().meta({ title: "API key", secret: true }),
  active: z.boolean().default(true),
});

const COLORS = ["red", "green", "blue"];
const ITEMS: DemoItem[] = Array.from({ length: 60 }, (_, i) => ({
  id: i + 1,
  name: `Item ${String(i + 1).padStart(2, "0")}`,
  color: COLORS[i % 3],
}));

function itemsPage(search: URLSearchParams) {
  const p = fromSearch(search, ["color"], 10);
  const matching = ITEMS.filter((i) =>
    (!p.q || i.name.toLowerCase().includes(p.q.toLowerCase())) && (!p.filters.color || i.color === p.filters.color)
  );
  return {
    params: p,
    page: {
      items: matching.slice(p.offset, p.offset + p.limit),
      total: matching.length,
      limit: p.limit,
      offset: p.offset,
    },
  };
}

Deno.test({
  name: "ui kit: generated forms, modal focus, dependency dialogs, reasons and the paged list in Chromium",
  ignore: !hasChromium(),
  fn: async (t) => {
    const buildDir = await Deno.makeTempDir({ prefix: "sluice-ui-kit-" });
    const runtime = await createIslandsRuntime({
      config: { islandsDir: fileURLToPath(new URL("./ui_kit", import.meta.url)), buildDir },
    });
    const app = new Hono();
    const schema = formSchema(hierarchy);
    app.use("/static/*", runtime.serveAssets());
    app.get("/items", (c) => c.json(itemsPage(new URL(c.req.url).searchParams).page));
    app.get("/", (c) =>
      c.html(runtime.renderPage(
        h(
          "main",
          null,
          h(KitDemo, { schema, initial: itemsPage(new URL(c.req.url).searchParams) }),
          h(ToastContainer, {}),
        ),
        { title: "UI kit", htmlClass: "theme-light", bodyClass: "bg-page text-fg" },
      )));
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

      await t.step("create: fields, help and defaults come from the schema; a message per field", async () => {
        await page.focus("#open-create");
        await page.keyboard.press("Enter");
        await opened(page, "create-modal");
        const labels = await page.locator("#create-modal label").allTextContents();
        assertEquals(labels, ["Level name*", "Level number*", "Description", "Kind", "API key", "Active"]);
        assertStringIncludes(await page.textContent("#create-modal-levelName-help") ?? "", "Shown in lists");
        assertEquals(await page.isChecked("#create-modal-active"), true, "schema default");
        assertEquals(await page.inputValue("#create-modal-kind"), "story", "schema default");
        assertEquals(await page.getAttribute("#create-modal-apiKey", "type"), "password");
        assertEquals(await focused(page), "create-modal-levelName", "focus starts in the first field");
        await page.click("#create-modal button[type=submit]");
        assertEquals(await errorOf(page, "create-modal", "levelName"), "required");
        assertEquals(await errorOf(page, "create-modal", "levelNumber"), "required");
        await page.fill("#create-modal-levelName", "Epic");
        await page.fill("#create-modal-levelNumber", "2.5");
        await page.click("#create-modal button[type=submit]");
        assertEquals(await errorOf(page, "create-modal", "levelNumber"), "must be a whole number");
        assertEquals(await page.locator("#create-modal-levelName-error").count(), 0);
        await screenshot(page, "ui-kit-create-errors-light");
      });

      await t.step("modal focus: Tab wraps inside, the page behind is inert, Escape returns focus", async () => {
        // the page behind the dialog cannot take focus
        const behind = await page.evaluate(() => {
          const b = document.getElementById("open-edit")!;
          b.focus();
          return document.activeElement === b;
        });
        assertEquals(behind, false, "the page behind a modal is inert");
        await page.focus("#create-modal-levelName");
        await page.keyboard.press("Shift+Tab");
        await page.keyboard.press("Shift+Tab");
        const afterBack = await focused(page);
        assert(afterBack !== "BODY" && afterBack !== "open-create", `focus left the dialog: ${afterBack}`);
        const inside = await page.evaluate(() => !!document.activeElement?.closest("dialog"));
        assert(inside, "Shift+Tab from the top wraps to the end of the dialog");
        await page.keyboard.press("Escape");
        await closed(page, "create-modal");
        assertEquals(await focused(page), "open-create", "focus is back on the opener");
      });

      await t.step("create: field errors returned by the submit handler show under their field", async () => {
        await page.click("#open-create");
        await opened(page, "create-modal");
        await page.fill("#create-modal-levelName", "Epic");
        await page.fill("#create-modal-levelNumber", "2");
        await page.click("#create-modal button[type=submit]");
        await page.waitForSelector("#create-modal-levelName-error");
        assertEquals(await errorOf(page, "create-modal", "levelName"), "already exists");
        await page.fill("#create-modal-levelName", "Initiative");
        await page.fill("#create-modal-description", "Above epics");
        await page.selectOption("#create-modal-kind", "epic");
        await page.click("#create-modal button[type=submit]");
        await closed(page, "create-modal");
        assertEquals(JSON.parse(await page.textContent("#result") ?? "{}"), {
          levelName: "Initiative",
          levelNumber: 2,
          description: "Above epics",
          kind: "epic",
          active: true,
        });
        await page.waitForSelector('#toasts .toast[data-state=open]:has-text("Created Initiative")');
      });

      await t.step("edit: starts from the record; the stored secret is write-only until replaced", async () => {
        await page.click("#open-edit");
        await opened(page, "edit-modal");
        assertEquals(await page.inputValue("#edit-modal-levelName"), "Story");
        assertEquals(await page.inputValue("#edit-modal-levelNumber"), "1");
        assertStringIncludes(await page.textContent('#edit-modal [data-stored="apiKey"]') ?? "", "stored");
        assertEquals(await page.locator("#edit-modal-apiKey").count(), 0, "no input for a stored secret");
        await page.fill("#edit-modal-levelNumber", "3");
        await page.uncheck("#edit-modal-active");
        await page.click("#edit-modal button[type=submit]");
        await closed(page, "edit-modal");
        assertEquals(JSON.parse(await page.textContent("#result") ?? "{}"), {
          levelName: "Story",
          levelNumber: 3,
          kind: "story",
          active: false,
        });
        await page.click("#open-edit");
        await opened(page, "edit-modal");
        await page.click('#edit-modal [data-replace="apiKey"]');
        assertEquals(await page.inputValue("#edit-modal-apiKey"), "", "a secret is never pre-filled");
        await page.fill("#edit-modal-apiKey", "new-key");
        await screenshot(page, "ui-kit-edit-secret-light");
        await page.click("#edit-modal button[type=submit]");
        await closed(page, "edit-modal");
        assertEquals(JSON.parse(await page.textContent("#result") ?? "{}").apiKey, "new-key");
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

      await t.step("dependency dialog with choices: an unavailable choice says why, in words", async () => {
        await page.click("#open-choices");
        await opened(page, "choices-modal");
        assert(await page.isDisabled('#choices-modal [data-choice="off-then-delete"]'));
        assertStringIncludes(await page.textContent("#choice-off-then-delete-why") ?? "", "a run is in progress");
        await assertAccessibleThemes(page, "kit with the choices dialog open");
        await page.click('#choices-modal [data-choice="off"]');
        await closed(page, "choices-modal");
        assertEquals(await page.textContent("#result"), "choice off");
      });

      await t.step("confirmation dialog: Escape cancels; the leave transition runs first", async () => {
        await page.click("#open-confirm");
        await opened(page, "confirm-modal");
        await page.keyboard.press("Escape");
        await page.waitForSelector(".modal-backdrop[data-state=closed] #confirm-modal");
        await closed(page, "confirm-modal");
        assertEquals(await page.textContent("#result"), "choice off");
        await page.click("#open-confirm");
        await opened(page, "confirm-modal");
        await page.evaluate(() => (document.documentElement.className = "dark"));
        await screenshot(page, "ui-kit-confirm-dark");
        await page.evaluate(() => (document.documentElement.className = "theme-light"));
        await page.click("#confirm-modal [data-confirm]");
        await closed(page, "confirm-modal");
        assertEquals(await page.textContent("#result"), "deleted");
      });

      await t.step("a disabled control's reason opens from an info button, by keyboard", async () => {
        await page.focus('[data-info-tip="why-archive"]');
        await page.keyboard.press("Enter");
        await page.waitForSelector("#why-archive:popover-open");
        assertEquals(await page.textContent("#why-archive"), "Archiving needs an administrator");
        await page.keyboard.press("Escape");
        await page.waitForSelector("#why-archive:not(:popover-open)", { state: "attached" });
      });

      await t.step("paged list: search, filter and pages come from the server and live in the URL", async () => {
        assertEquals(await page.locator("#items tr[data-row]").count(), 10);
        assertEquals(await page.textContent("#items-range"), "1–10 of 60");
        await page.click('#items button:has-text("Next")');
        await page.waitForSelector("#items tr[data-row='11']");
        assertEquals(await page.textContent("#items-range"), "11–20 of 60");
        assertStringIncludes(page.url(), "offset=10");
        await page.selectOption("#items-f-color", "green");
        await page.waitForFunction(() => document.getElementById("items-range")?.textContent === "1–10 of 20");
        await page.fill("#items-q", "item 0");
        await page.waitForFunction(() => document.getElementById("items-range")?.textContent === "1–3 of 3");
        assertEquals(await page.locator("#items tr[data-row] td:first-child").allTextContents(), [
          "Item 02",
          "Item 05",
          "Item 08",
        ]);
        assertStringIncludes(page.url(), "color=green");
        // a reload shows the same page, rendered by the server from the URL
        await page.reload();
        await page.waitForSelector("html[data-sluice-ready]", { state: "attached" });
        assertEquals(await page.inputValue("#items-q"), "item 0");
        assertEquals(await page.textContent("#items-range"), "1–3 of 3");
      });

      await t.step("paged list: rows are one tab stop; arrows move, Enter activates", async () => {
        await page.focus("#items tr[data-row='2']");
        await page.keyboard.press("ArrowDown");
        assertEquals(await page.evaluate(() => document.activeElement?.getAttribute("data-row")), "5");
        await page.keyboard.press("End");
        await page.keyboard.press("Enter");
        assertEquals(await page.textContent("#result"), "activated Item 08");
        await page.keyboard.press("/");
        assertEquals(await focused(page), "items-q");
      });

      await t.step("a modal body that scrolls is focusable; the kit is accessible in both themes", async () => {
        await page.setViewportSize({ width: 390, height: 420 });
        await page.click("#open-create");
        await opened(page, "create-modal");
        await page.waitForTimeout(100);
        assertEquals(await page.getAttribute("#create-modal .modal-body", "tabindex"), "0");
        await assertAccessibleThemes(page, "kit with the create dialog open at 390 px");
        await page.keyboard.press("Escape");
        await closed(page, "create-modal");
        await page.setViewportSize({ width: 1280, height: 800 });
        await assertAccessibleThemes(page, "kit page");
        await screenshotSizes(page, "ui-kit");
      });

      assertEquals(errors, []);
    } finally {
      await browser.close();
      await server.shutdown();
      await Deno.remove(buildDir, { recursive: true });
    }
  },
});
