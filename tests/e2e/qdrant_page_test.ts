// The Qdrant page in Chromium against a real server with the Qdrant double and the lexical embedder: health,
// figures and their explanation, a search with links and scores, re-embed with progress arriving over the one
// WebSocket, the recreate confirmation that states what is lost, roles (a viewer sees why the buttons are missing),
// no serious axe violation in either theme, and screenshots at desktop and 390 px in light and dark.
import type { Page } from "playwright-core";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshotSizes } from "../support/browser.ts";
import { assertAccessibleThemes } from "../support/axe.ts";
import { startTestApp, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { primaryKind } from "../support/db.ts";
import { setupIslands } from "../../server/islands/mod.ts";
import { startFakeQdrant } from "../fakes/qdrant/server.ts";
import { HashingEmbedder } from "../../engine/vectors/lexical_embedder.ts";
import { QdrantStore } from "../../engine/vectors/qdrant_store.ts";
import { addVectorServices, type TestVectors } from "../vectors/support.ts";

const kind = primaryKind();
const ready = (page: Page) => page.waitForSelector("html[data-sluice-ready]", { state: "attached" });

async function signIn(page: Page, app: TestApp, email: string) {
  await page.goto(`${app.url}/login`);
  await page.fill("#email", email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${app.url}/`), page.click("#login-form button[type=submit]")]);
  await ready(page);
}

Deno.test({
  name: `qdrant page[${kind}]: figures, search, live re-embed, recreate confirmation, roles, a11y, screenshots`,
  ignore: !hasChromium(),
  fn: async () => {
    await setupIslands();
    const qdrant = startFakeQdrant();
    const embedder = new HashingEmbedder(64);
    const vectorStore = new QdrantStore({ url: qdrant.url });
    let vectors: TestVectors | undefined;
    const app = await startTestApp(kind, {
      extend: async (deps) => {
        vectors = await addVectorServices(deps, embedder, vectorStore);
      },
    });
    const maintenance = () => vectors!.maintenance;
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
    try {
      const a = await app.tenant("Acme");
      const admin = await app.user(a, "admin");
      const viewer = await app.user(a, "viewer");
      const [{ id: integrationId }] = await app.db.query<{ id: number }>(
        "UPDATE integrations SET base_url = 'https://acme.atlassian.net' WHERE tenant_id = $1 AND provider = 'jira' RETURNING id",
        [a],
      );
      const summaries = [
        "Checkout page crashes when paying with a gift card",
        "Dark mode colours are unreadable in the settings page",
        "Export the quarterly report as CSV",
        "Gift card balance is not shown at checkout",
      ];
      for (const [i, summary] of summaries.entries()) {
        await app.db.query(
          `INSERT INTO work_items (tenant_id, integration_id, external_id, key, summary) VALUES ($1, $2, $3, $4, $5)`,
          [a, integrationId, `${100 + i}`, `SHOP-${i + 1}`, summary],
        );
      }
      maintenance().reembed(a, "work_items");
      await maintenance().idle();
      await app.db.query(
        "INSERT INTO work_items (tenant_id, integration_id, external_id, key, summary) VALUES ($1, $2, 'x', 'SHOP-9', 'Pending one')",
        [a, integrationId],
      );

      const page = await browser.newPage();
      const sockets: string[] = [];
      page.on("websocket", (ws) => sockets.push(ws.url()));
      await signIn(page, app, admin.email);
      await page.click('nav a[href="/qdrant"]');
      await page.waitForURL(`${app.url}/qdrant`);
      await ready(page);
      await page.waitForSelector('#live-state[data-live="live"]');
      assertEquals(await page.textContent("[data-health]"), "Reachable");
      assertStringIncludes((await page.textContent("[data-version]"))!, "Qdrant 1.15.4");
      assertStringIncludes((await page.textContent("#embedder"))!, "lexical");
      const wi = page.locator('[data-kind="work_items"]');
      assertEquals(await wi.locator('[data-figure="rows"]').textContent(), "5");
      assertEquals(await wi.locator('[data-figure="vectors"]').textContent(), "4");
      assertStringIncludes((await wi.locator("[data-explanation]").textContent())!, "1 not embedded yet");

      // search: the gift-card issues first, each linking to Jira, labelled lexical
      await page.fill("#search-q", "gift card checkout");
      await page.click('#search button[type="submit"]');
      await page.waitForSelector("#results [data-hit]");
      const first = page.locator("#results [data-hit] a").first();
      assertStringIncludes((await first.textContent())!, "gift card");
      assertEquals((await first.getAttribute("href"))!.startsWith("https://acme.atlassian.net/browse/SHOP-"), true);
      assertStringIncludes((await page.textContent("#results"))!, "lexical score");
      // contrast is measured on final colours: without transitions a loaded machine cannot catch a button mid-fade
      await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });
      await page.waitForTimeout(300);
      await screenshotSizes(page, "qdrant");
      await assertAccessibleThemes(page, "qdrant page");

      // re-embed: progress arrives over the page's one WebSocket, then the figures are in step
      await wi.locator("button", { hasText: "Re-embed" }).click();
      await page.waitForSelector('[data-kind="work_items"] [data-task="finished"]');
      await page.waitForFunction(() =>
        document.querySelector('[data-kind="work_items"] [data-figure="vectors"]')?.textContent === "5"
      );
      assertStringIncludes((await wi.locator("[data-explanation]").textContent())!, "In step");
      const vectorSockets = sockets.filter((u) => u.includes("topics=vectors"));
      assertEquals(vectorSockets.length, 1, `one WebSocket for the page: ${sockets.join(", ")}`);

      // recreate: the confirmation says what is lost and wants the name typed back
      await wi.locator("button", { hasText: "Recreate collection" }).click();
      await page.waitForSelector("#recreate [data-lost-tenant]");
      assertEquals(await page.textContent("#recreate [data-lost-tenant]"), "5");
      const confirm = page.locator("#recreate [data-confirm]");
      assertEquals(await confirm.isDisabled(), true);
      await screenshotSizes(page, "qdrant-recreate");
      await assertAccessibleThemes(page, "qdrant recreate dialog");
      const collection = await wi.locator("code").first().textContent();
      await page.fill("#recreate [data-confirm-name]", collection!);
      await confirm.click();
      await page.waitForSelector("#recreate", { state: "detached" });
      await maintenance().idle();
      await page.waitForFunction(() =>
        document.querySelector('[data-kind="work_items"] [data-figure="vectors"]')?.textContent === "5"
      );

      // a viewer sees the figures and why the actions are not there
      const viewerPage = await browser.newPage();
      await signIn(viewerPage, app, viewer.email);
      await viewerPage.goto(`${app.url}/qdrant`);
      await ready(viewerPage);
      assertEquals(await viewerPage.locator('[data-kind="work_items"] button').count(), 0);
      assertStringIncludes((await viewerPage.textContent("#viewer-reason"))!, "need the user role");
      assert(qdrant.rejected.length === 0, qdrant.rejected.join("\n"));
    } finally {
      await browser.close();
      await vectors?.stop();
      await app.close();
      await qdrant.close();
    }
  },
});
