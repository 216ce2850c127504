// The admin Queues page end to end: a real Sluice server with the engine's workers on a database queue that
// dead-letters after one attempt, driven by headless Chromium. A poison batch fails in the real transform stage and
// shows with its error and attempts; the operator stops the workers, requeues it (it leaves the list and waits on
// the queue), starts the workers again (it fails again and comes back, pushed live); a synthetic run shows a rate.
// All of it arrives over the page's one WebSocket: the page makes no request of its own after load. Other admins
// see only their tenant's dead letters; users get the 404 page; the socket refuses bad topics and non-admins.
import type { Page } from "playwright-core";
import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshotThemes } from "../support/browser.ts";
import { startTestApp, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { primaryKind } from "../support/db.ts";
import { setupIslands } from "../../server/islands/mod.ts";
import { openDbQueue } from "../../engine/queue/db_queue.ts";
import type { Queue } from "../../engine/queue/port.ts";
import { createEngine, type Engine } from "../../engine/engine.ts";
import { OPEN_ADDRESSES } from "../../engine/http/address_guard.ts";
import { createSyntheticConnector } from "../../engine/connectors/synthetic/connector.ts";
import { SyntheticSource } from "../../engine/connectors/synthetic/source.ts";
import { decryptSecret } from "../../server/secrets.ts";
import { seedSyntheticJob } from "../engine/support/harness.ts";

const kind = primaryKind();
const ready = (page: Page) => page.waitForSelector("html[data-sluice-ready]", { state: "attached" });
const cell = (page: Page, stage: string, col: string) =>
  page.locator(`[data-stage-row="${stage}"] [data-col="${col}"]`).textContent();

async function signIn(page: Page, app: TestApp, email: string) {
  await page.goto(`${app.url}/login`);
  await page.fill("#email", email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${app.url}/`), page.click("#login-form button[type=submit]")]);
  await ready(page);
}

Deno.test({
  name: `queues page[${kind}]: dead letters, requeue, workers and rates, live over one socket`,
  ignore: !hasChromium(),
  fn: async (t) => {
    await setupIslands();
    const source = new SyntheticSource({
      groups: 3,
      items: 3000,
      latencyMs: 100,
      baseTime: new Date(Date.now() - 864e5),
    });
    let queue: Queue | undefined;
    let engine: Engine | undefined;
    const app = await startTestApp(kind, {
      env: { AMQP_URL: "" },
      extend: async (deps) => {
        // the engine's real stages on their own database queue, dead-lettering at the first failure
        queue = await openDbQueue(deps.db, { prefix: "qpage", maxAttempts: 1, pollIntervalMs: 100 });
        engine = createEngine({
          addressGuard: OPEN_ADDRESSES,
          db: deps.db,
          queue,
          connectors: [createSyntheticConnector()],
          openCredentials: (tenantId, sealed) => decryptSecret(deps.keys.data, tenantId, sealed),
        });
        await engine.startWorkers();
        deps.services = { ...deps.services, queue, engine };
      },
    });
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
    try {
      const a = await app.tenant("Acme"); // the first tenant: its admins are the instance operator
      const b = await app.tenant("Beta");
      const admin = await app.user(a, "admin");
      const adminB = await app.user(b, "admin");
      const user = await app.user(a, "user");
      // a batch the transform stage cannot read (no run token): it fails and is dead-lettered at once
      await queue!.publish("transform", [{ tenantId: a, runId: 4242, jobId: 1, step: "synthetic_items", rawId: 42 }]);
      const adminToken = await app.login(admin.email);
      const deadLetter = async () => {
        const body = await (await app.api("/app/etl/queues", { token: adminToken })).json();
        return body.stages.find((s: { stage: string }) => s.stage === "transform").deadLetters[0];
      };
      for (let i = 0; i < 100 && !(await deadLetter()); i++) await new Promise((r) => setTimeout(r, 100));
      const poison = await deadLetter();
      assertStringIncludes(poison.error, "message field token must be a non-empty string");

      const page = await browser.newPage();
      const sockets: string[] = [];
      page.on("websocket", (ws) => sockets.push(new URL(ws.url()).pathname + new URL(ws.url()).search));
      const requests: string[] = [];
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      const article = page.locator(`[data-dead-letter="${poison.id}"]`);

      await t.step("the operator sees every stage and the dead letter with its error and attempts", async () => {
        await signIn(page, app, admin.email);
        assertEquals(await page.locator('[data-nav="queues"]').count(), 1, "admins have the Queues link");
        // the home page's own socket is live_test's concern (on a loaded machine it may have reconnected by now)
        sockets.length = 0;
        await page.click('[data-nav="queues"]');
        await page.waitForURL(`${app.url}/queues`);
        await ready(page);
        page.on("request", (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
        await page.waitForSelector("#live-state[data-live=live]");
        assertEquals(await page.locator("[data-stage-row]").count(), 3);
        assertEquals(await cell(page, "transform", "deadLettered"), "1");
        assertEquals(await page.locator("#workers [data-workers]").getAttribute("data-workers"), "running");
        assertStringIncludes(await article.locator("[data-error]").textContent() ?? "", poison.error);
        assertEquals(await article.locator("[data-attempts]").getAttribute("data-attempts"), "1");
        // its run 4242 does not exist: requeuing cannot help, and the page says so
        assertEquals(await article.locator("[data-obsolete]").getAttribute("data-obsolete"), "missing");
        assertEquals(await cell(page, "transform", "consumers"), "1", "this instance's transform consumer");
      });

      await t.step("stopping the workers asks first, then shows them stopped", async () => {
        await page.getByRole("button", { name: "Stop workers" }).click();
        await page.waitForSelector("#stop-workers [data-confirm]");
        await screenshotThemes(page, "queues-stop-workers");
        await page.click("#stop-workers [data-confirm]");
        await page.waitForSelector('#workers [data-workers="stopped"]');
        assertEquals(engine!.workersRunning, false);
        await page.waitForFunction(() =>
          document.querySelector('[data-stage-row="transform"] [data-col="consumers"]')?.textContent === "0"
        );
      });

      await t.step("Requeue takes the dead letter off the list and puts it back on its queue", async () => {
        await article.getByRole("button", { name: "Requeue" }).click();
        await article.waitFor({ state: "detached" });
        await page.waitForSelector("#no-dead-letters");
        // the next pushed frame has the server's figures: one batch waiting, none dead
        await page.waitForFunction(() =>
          document.querySelector('[data-stage-row="transform"] [data-col="depth"]')?.textContent === "1"
        );
        assertEquals(await cell(page, "transform", "deadLettered"), "0");
      });

      await t.step(
        "starting the workers again: the batch fails again and its dead letter comes back live",
        async () => {
          await page.getByRole("button", { name: "Start workers" }).click();
          await page.waitForSelector('#workers [data-workers="running"]');
          assertEquals(engine!.workersRunning, true);
          await article.waitFor({ timeout: 10_000 });
          assertEquals(await cell(page, "transform", "depth"), "0");
          assertEquals(
            await article.locator("[data-obsolete]").getAttribute("data-obsolete"),
            "missing",
            "live frames mark obsolete dead letters too",
          );
        },
      );

      await t.step("a run's throughput shows as processed/s", async () => {
        const job = await seedSyntheticJob(app.db, source, { tenantId: a, name: "Synthetic" });
        const run = await app.api(`/app/etl/jobs/${job.jobId}/run`, { token: adminToken, body: {} });
        assertEquals(run.status, 202);
        await run.body?.cancel();
        await page.waitForFunction(
          () => {
            const rate = document.querySelector('[data-stage-row="extract"] [data-col="rate"]')?.textContent ?? "";
            return /^[\d.,]+\/s$/.test(rate) && parseFloat(rate) > 0;
          },
          undefined,
          { timeout: 20_000 },
        );
        await screenshotThemes(page, "queues-operator");
        const api = requests.filter((r) => r.includes("/app/etl/"));
        assertEquals(api, [
          "POST /app/etl/queues/workers",
          `POST /app/etl/queues/transform/dead-letters/${poison.id}/requeue`,
          "POST /app/etl/queues/workers",
        ], "actions only: every figure came over the socket");
        // the Queues page opened exactly one socket, for its topic
        assertEquals(sockets, ["/app/etl/ws?topics=queues"]);
        assertEquals(pageErrors, []);
        await page.close();
      });

      await t.step("another tenant's admin sees only their own dead letters and no instance controls", async () => {
        const other = await browser.newPage();
        await signIn(other, app, adminB.email);
        await other.goto(`${app.url}/queues`);
        await ready(other);
        await other.waitForSelector("#live-state[data-live=live]");
        assertEquals(await other.locator("#workers").count(), 0);
        await other.waitForSelector("#not-operator");
        await other.waitForSelector("#no-dead-letters");
        assertEquals(await other.locator('[data-col="depth"]').count(), 0, "no instance-wide figures");
        assertEquals(await cell(other, "transform", "deadLettered"), "0");
        await screenshotThemes(other, "queues-tenant-admin");
        await other.close();
      });

      await t.step("Purge obsolete asks first, then deletes the obsolete dead letter", async () => {
        const page = await browser.newPage();
        await signIn(page, app, admin.email);
        await page.goto(`${app.url}/queues`);
        await ready(page);
        await page.waitForSelector("#live-state[data-live=live]");
        const letter = page.locator(`[data-dead-letter="${poison.id}"]`);
        await letter.locator('[data-obsolete="missing"]').waitFor();
        await page.click("#purge-obsolete-button");
        await page.waitForSelector("#purge-obsolete [data-confirm]");
        await screenshotThemes(page, "queues-purge-obsolete");
        await page.click("#purge-obsolete [data-confirm]");
        await letter.waitFor({ state: "detached" });
        await page.waitForSelector("#no-dead-letters");
        assertEquals(await page.locator("#purge-obsolete-button").count(), 0);
        const body = await (await app.api("/app/etl/queues", { token: adminToken })).json();
        assertEquals(body.stages.find((s: { stage: string }) => s.stage === "transform").deadLetters, []);
        // a later frame must not bring it back
        await page.waitForTimeout(2500);
        assertEquals(await letter.count(), 0);
        await page.close();
      });

      await t.step("users get the 404 page and no link; the socket refuses bad topics and non-admins", async () => {
        const page = await browser.newPage();
        await signIn(page, app, user.email);
        assertEquals(await page.locator('[data-nav="queues"]').count(), 0);
        const res = await page.goto(`${app.url}/queues`);
        assertEquals(res?.status(), 404);
        await page.waitForSelector("#not-found");
        await page.close();
        const userToken = await app.login(user.email);
        const forbidden = await app.api("/app/etl/ws?topics=queues", { token: userToken });
        assertEquals(forbidden.status, 403);
        await forbidden.body?.cancel();
        const bad = await app.api("/app/etl/ws?topics=queues,gossip", { token: adminToken });
        assertEquals(bad.status, 400);
        const body = await bad.json();
        assertEquals(body.error.fields, [{ field: "query.topics", message: "unknown topic gossip" }]);
      });
    } finally {
      await browser.close();
      await engine?.close();
      await queue?.close();
      await app.close();
      await source.close();
    }
  },
});
