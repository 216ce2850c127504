// First-load JavaScript of every page, as bytes TRANSFERRED: a real server (production asset build with its
// precompressed siblings, embedded database with the seeded jobs, the app's response compression), headless
// Chromium with its own Accept-Encoding and the HTTP cache disabled, so every page is a first load. For each page,
// every JS response's encoded body size as Chromium received it (playwright `request.sizes().responseBodySize`) is
// summed, plus the page's inline boot module (its raw bytes: an upper bound of its share of the compressed HTML).
// Response headers are printed apart. Compared with the reference dashboard's 168,316 B of first-load JS.
// Target: ≤ 16,800 B per page.
//
// Pages: sign-in, every entry of the navigation registry (components/shell/nav.ts), the profile and the
// custom-fields page of the Jira integration; a path that answers 404 is reported "not built yet".
//
//   deno run -A bench/first_load_js_bench.ts
import type { Page } from "playwright-core";
import { setupIslands } from "../server/islands/mod.ts";
import { startTestApp, TEST_PASSWORD } from "../tests/support/app.ts";
import { launchBrowser } from "../tests/support/browser.ts";
import { NAV } from "../components/shell/nav.ts";

const REFERENCE_BYTES = 168_316;
const TARGET_BYTES = 16_800;
/** Pages reached from elsewhere than the sidebar (the user menu, an integration's row). */
const EXTRA_PAGES = (jiraId: number) => [
  { name: "Profile", path: "/profile" },
  { name: "Custom fields", path: `/integrations/${jiraId}/fields` },
];

interface Measured {
  status: number;
  files: Array<{ url: string; body: number; headers: number }>;
  inline: number;
}

const fmt = (n: number) => n.toLocaleString("en-US");

async function measure(page: Page, url: string): Promise<Measured> {
  const files: Measured["files"] = [];
  const pending: Promise<void>[] = [];
  const onFinished = (request: import("playwright-core").Request) => {
    const isJs = request.resourceType() === "script" || /\.m?js(\?|$)/.test(new URL(request.url()).pathname);
    if (!isJs) return;
    pending.push((async () => {
      const sizes = await request.sizes();
      files.push({
        url: new URL(request.url()).pathname,
        body: sizes.responseBodySize,
        headers: sizes.responseHeadersSize,
      });
    })());
  };
  page.on("requestfinished", onFinished);
  try {
    const response = await page.goto(url, { waitUntil: "networkidle" });
    const status = response?.status() ?? 0;
    if (status === 200) {
      // pages with islands mark <html> once hydrated; pages without islands ship no JS at all
      const hasIslands = await page.evaluate(() => !!document.getElementById("__SLUICE_STATE__"));
      if (hasIslands) await page.waitForSelector("html[data-sluice-ready]", { state: "attached" });
    }
    await Promise.all(pending);
    const inline = await page.evaluate(() =>
      [...document.querySelectorAll("script:not([src])")]
        .filter((s) => (s as HTMLScriptElement).type !== "application/json")
        .reduce((n, s) => n + new TextEncoder().encode(s.textContent ?? "").byteLength, 0)
    );
    return { status, files, inline };
  } finally {
    page.off("requestfinished", onFinished);
  }
}

await setupIslands({ dev: false });
const app = await startTestApp("pglite");
const browser = await launchBrowser();
let allMet = true;
try {
  const tenant = await app.tenant("Bench");
  const admin = await app.user(tenant, "admin", "bench.admin@bench.test");
  const [jira] = await app.db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'jira'",
    [tenant],
  );
  const page = await browser.newPage();
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });

  const pages: Array<{ name: string; path: string }> = [];
  const add = (name: string, path: string) => {
    if (!pages.some((p) => p.path === path)) pages.push({ name, path });
  };
  // every entry of the navigation registry, mounted or not (an unmounted one answers 404: "not built yet")
  for (const entry of NAV) add(entry.label, entry.href);
  for (const extra of EXTRA_PAGES(jira?.id ?? 1)) add(extra.name, extra.path);

  const rows: string[] = [];
  const report = (name: string, path: string, m: Measured) => {
    if (m.status === 404) {
      rows.push(`  ${name.padEnd(16)} ${path.padEnd(26)}        not built yet (404)`);
      return;
    }
    const body = m.files.reduce((n, f) => n + f.body, 0) + m.inline;
    const headers = m.files.reduce((n, f) => n + f.headers, 0);
    const ok = body <= TARGET_BYTES && m.status === 200;
    if (!ok) allMet = false;
    rows.push(
      `  ${name.padEnd(16)} ${path.padEnd(26)} ${fmt(body).padStart(7)} B  ${
        (body / REFERENCE_BYTES * 100).toFixed(1).padStart(5)
      } % of ref  ${m.files.length} file(s) + ${fmt(m.inline)} B inline, headers ${fmt(headers)} B  ${
        m.status !== 200 ? `HTTP ${m.status}  ` : ""
      }${ok ? "met" : "NOT met"}`,
    );
  };

  // signed out: the sign-in page
  report("Sign in", "/login", await measure(page, `${app.url}/login`));
  // sign in through the form, then every page as a first load
  await page.fill("#email", admin.email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${app.url}/`), page.click("button[type=submit]")]);
  const details: string[] = [];
  for (const p of pages) {
    const m = await measure(page, app.url + p.path);
    report(p.name, p.path, m);
    if (p.path === "/") {
      for (const f of m.files.sort((a, b) => b.body - a.body)) {
        details.push(`    ${fmt(f.body).padStart(7)} B  ${f.url}`);
      }
    }
  }
  console.log(
    `\nFirst-load JS on the wire per page (signed-in admin, 4 seeded job cards, production build; target ≤ ${
      fmt(TARGET_BYTES)
    } B = 10 % of the reference ${fmt(REFERENCE_BYTES)} B)\n`,
  );
  for (const r of rows) console.log(r);
  console.log(`\n  home page files (encoded body bytes as received):\n${details.join("\n")}`);
  console.log(`\n  target: ${allMet ? "met on every built page" : "NOT met on every built page"}\n`);
} finally {
  await browser.close();
  await app.close();
}
