// Live job progress in the browser, end to end: a real Sluice server with the engine (database queue, synthetic
// source over HTTP), headless Chromium on the home page. Run Now on the job card; the card's status, step counters
// and progress bars then change only through the page's ONE WebSocket (JobsLive) — every request the page makes
// after load is recorded, and nothing is polled. A dropped socket reconnects after a backoff delay.
import type { Page, WebSocketRoute } from "playwright-core";
import { assert, assertEquals } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshotThemes } from "../support/browser.ts";
import { startTestApp, TEST_PASSWORD, type TestApp } from "../support/app.ts";
import { primaryKind } from "../support/db.ts";
import { setupIslands } from "../../server/islands/mod.ts";
import { type EngineServices, startEngineServices } from "../../server/engine_services.ts";
import { createSyntheticConnector } from "../../engine/connectors/synthetic/connector.ts";
import { SyntheticSource } from "../../engine/connectors/synthetic/source.ts";
import { seedSyntheticJob } from "../engine/support/harness.ts";

const kind = primaryKind();
const ready = (page: Page) => page.waitForSelector("html[data-sluice-ready]", { state: "attached" });

async function signIn(page: Page, app: TestApp, email: string) {
  await page.goto(`${app.url}/login`);
  await page.fill("#email", email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${app.url}/`), page.click("#login-form button[type=submit]")]);
  await ready(page);
}

/** What the card shows right now: status, every stage counter ("done/expected") and progress value. */
function cardState(page: Page, name: string) {
  return page.evaluate((n) => {
    const card = document.querySelector(`article[data-job-name="${n}"]`)!;
    return {
      status: card.getAttribute("data-status"),
      counters: [...card.querySelectorAll("[data-stage] .tabular-nums")].map((e) => e.textContent).join(" "),
      bars: [...card.querySelectorAll("[role=progressbar]")].map((e) => e.getAttribute("aria-valuenow")).join(" "),
      live: card.querySelector(".job-live")?.textContent ?? "",
    };
  }, name);
}

Deno.test({
  name: `live[${kind}]: the home page follows a run over one WebSocket, without polling`,
  ignore: !hasChromium(),
  fn: async (t) => {
    await setupIslands();
    // ~25 item pages at 120 ms each: a run of a few seconds, long enough to watch it advance
    const source = new SyntheticSource({
      groups: 3,
      items: 2500,
      latencyMs: 120,
      baseTime: new Date(Date.now() - 864e5),
    });
    let services: EngineServices | undefined;
    const app = await startTestApp(kind, {
      // the database queue: each test database has its own, so parallel suites never share messages
      env: { AMQP_URL: "" },
      extend: async (deps) => {
        services = await startEngineServices(deps, [createSyntheticConnector()], { orchestrator: false });
      },
    });
    const browser = await launchBrowser();
    try {
      const tenant = await app.tenant("Live");
      const job = await seedSyntheticJob(app.db, source, { tenantId: tenant, name: "Synthetic" });
      // the card draws one tile per step of the job, as the seed does for the real providers' jobs
      await app.db.query("UPDATE etl_jobs SET steps = $2::jsonb WHERE id = $1", [
        job.jobId,
        JSON.stringify(createSyntheticConnector().steps),
      ]);
      const admin = await app.user(tenant, "admin");
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      const sockets: string[] = [];
      page.on("websocket", (ws) => sockets.push(new URL(ws.url()).pathname));

      await t.step("one socket per page, a Live badge, and a run followed to the end", async () => {
        await signIn(page, app, admin.email);
        await page.waitForSelector("#live-state[data-live=live]");
        const requests: string[] = [];
        page.on("request", (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
        const card = page.locator('article[data-job-name="Synthetic"]');
        assertEquals(await card.getAttribute("data-status"), "ready");

        await card.getByRole("button", { name: "Run now" }).click();
        await page.waitForSelector('article[data-job-name="Synthetic"][data-status="running"]');
        const seen: Array<Awaited<ReturnType<typeof cardState>>> = [];
        let shot = false;
        for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
          const now = await cardState(page, "Synthetic");
          if (JSON.stringify(now) !== JSON.stringify(seen.at(-1))) seen.push(now);
          if (now.status !== "running") break;
          if (!shot && /Records\/s: \d/.test(now.live) && /[1-9]\d*\/[1-9]/.test(now.counters)) {
            shot = true;
            await screenshotThemes(page, "live-running-card", 60);
          }
          await page.waitForTimeout(100);
        }
        assertEquals(seen.at(-1)!.status, "finished", `the run ended: ${JSON.stringify(seen.slice(-3))}`);
        // the finished card is re-rendered once more by its refresh (GET /app/etl/jobs/:id, asserted below), which
        // may land after the frame that said "finished": the final figures are read once that state has settled
        const settled = (c: string) => c.split(" ").filter((x) => x !== "—" && !x.includes("/")).length === 2;
        let last = seen.at(-1)!;
        for (const deadline = Date.now() + 10_000; !settled(last.counters) && Date.now() < deadline;) {
          await page.waitForTimeout(100);
          last = await cardState(page, "Synthetic");
        }
        assert(shot, "the running card was screenshotted with live figures");
        const running = seen.filter((s) => s.status === "running");
        const counters = new Set(running.map((s) => s.counters));
        assert(counters.size >= 3, `the counters advanced while running: ${[...counters].join(" | ")}`);
        assert(running.some((s) => /Records\/s: \d/.test(s.live)), "records/s computed from the pushed updates");
        assert(new Set(running.map((s) => s.bars)).size >= 2, "the progress bars moved");
        // At the end every stage that had work is complete (groups have no embed stage: "—"). The synthetic source
        // gives no estimate, so its extract cells count records ("3", "2,500"); the batch stages show done/expected.
        const cells = last.counters.split(" ").filter((c) => c !== "—");
        const finals = cells.filter((c) => c.includes("/")).map((c) => c.split("/"));
        assert(finals.length >= 3 && finals.every(([d, e]) => d === e), `final counters ${last.counters}`);
        assertEquals(cells.filter((c) => !c.includes("/")), ["3", "2,500"], `extracted records ${last.counters}`);
        assert(last.bars.split(" ").filter((b) => b === "100").length === cells.length, `final bars ${last.bars}`);
        await page.waitForTimeout(500); // anything the page would poll would show up here

        // After load: the run request and the card's one refresh — every /app/etl call once, nothing repeated.
        const api = requests.filter((r) => r.includes("/app/etl/"));
        assertEquals(api, [`POST /app/etl/jobs/${job.jobId}/run`, `GET /app/etl/jobs/${job.jobId}`]);
        assertEquals(requests.filter((r) => !r.endsWith(".js")).length, api.length, requests.join("\n"));
        assertEquals(sockets, ["/app/etl/ws"], "exactly one WebSocket, opened once");
        assertEquals(pageErrors, []);
      });

      await t.step("a dropped socket comes back after a backoff delay, without a page reload", async () => {
        const routed: WebSocketRoute[] = [];
        const opened: number[] = [];
        const second = await browser.newPage();
        await second.routeWebSocket(/\/app\/etl\/ws$/, (ws) => {
          ws.connectToServer();
          routed.push(ws);
          opened.push(Date.now());
        });
        await second.goto(`${app.url}/`);
        await ready(second);
        await second.waitForSelector("#live-state[data-live=live]");
        await routed[0].close({ code: 1011, reason: "test: connection lost" });
        await second.waitForSelector("#live-state[data-live=offline]");
        await second.waitForSelector("#live-state[data-live=live]", { timeout: 5000 });
        assertEquals(routed.length, 2);
        const gap = opened[1] - opened[0];
        assert(gap >= 450, `reconnected after ${gap} ms: not at once`);
        await second.close();
      });
      await page.close();
    } finally {
      await browser.close();
      await services?.stop();
      await app.close();
      await source.close();
    }
  },
});
