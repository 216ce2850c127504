// First-load JavaScript of the home page: a real server (production asset build, embedded database with the seeded
// jobs), a signed-in admin, headless Chromium. Every JS response the page loads (module scripts, modulepreloads,
// chunks) plus the inline boot module is gzipped in-process with CompressionStream and summed, then compared with
// the reference dashboard's 168,316 bytes (gzip) of first-load JS. Target: ≤ 10 %.
//
//   deno run -A bench/first_load_js_bench.ts
import { setupIslands } from "../server/islands/mod.ts";
import { startTestApp, TEST_PASSWORD } from "../tests/support/app.ts";
import { launchBrowser } from "../tests/support/browser.ts";

const REFERENCE_GZIP_BYTES = 168_316;
const TARGET_RATIO = 0.10;

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

const fmt = (n: number) => n.toLocaleString("en-US");

await setupIslands({ dev: false });
const app = await startTestApp("pglite");
const browser = await launchBrowser();
try {
  const tenant = await app.tenant("Bench");
  const admin = await app.user(tenant, "admin", "bench.admin@bench.test");
  const page = await browser.newPage();
  // sign in through the form, then measure a fresh load of the home page
  await page.goto(`${app.url}/login`);
  await page.fill("#email", admin.email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${app.url}/`), page.click("button[type=submit]")]);

  const scripts: Array<{ url: string; raw: number; gzip: number }> = [];
  const pending: Promise<void>[] = [];
  page.on("response", (res) => {
    const url = res.url();
    const type = res.request().resourceType();
    const isJs = type === "script" || /\.m?js(\?|$)/.test(new URL(url).pathname) ||
      (res.headers()["content-type"] ?? "").includes("javascript");
    if (!isJs) return;
    pending.push(
      res.body().then(async (body) => {
        scripts.push({ url: new URL(url).pathname, raw: body.byteLength, gzip: await gzipSize(body) });
      }),
    );
  });
  await page.goto(`${app.url}/`, { waitUntil: "networkidle" });
  await page.waitForSelector("html[data-sluice-ready]", { state: "attached" });
  await Promise.all(pending);

  const inline = await page.evaluate(() =>
    [...document.querySelectorAll("script:not([src])")]
      .filter((s) => (s as HTMLScriptElement).type !== "application/json")
      .map((s) => s.textContent ?? "")
  );
  for (const [i, code] of inline.entries()) {
    const bytes = new TextEncoder().encode(code);
    scripts.push({ url: `(inline module ${i + 1})`, raw: bytes.byteLength, gzip: await gzipSize(bytes) });
  }
  const stateJson = await page.evaluate(() => document.getElementById("__SLUICE_STATE__")?.textContent ?? "");
  const stateGzip = await gzipSize(new TextEncoder().encode(stateJson));

  const total = scripts.reduce((n, s) => n + s.gzip, 0);
  const raw = scripts.reduce((n, s) => n + s.raw, 0);
  console.log("\nFirst-load JS of / (signed-in admin, 4 seeded job cards, production build)\n");
  for (const s of scripts.sort((a, b) => b.gzip - a.gzip)) {
    console.log(`  ${fmt(s.gzip).padStart(8)} B gzip  ${fmt(s.raw).padStart(9)} B raw  ${s.url}`);
  }
  const ratio = total / REFERENCE_GZIP_BYTES;
  console.log(`\n  total JS:        ${fmt(total)} B gzip (${fmt(raw)} B raw) in ${scripts.length} file(s)`);
  console.log(`  reference:       ${fmt(REFERENCE_GZIP_BYTES)} B gzip`);
  console.log(
    `  ratio:           ${(ratio * 100).toFixed(1)} %  (target ≤ ${TARGET_RATIO * 100} %: ${
      ratio <= TARGET_RATIO ? "met" : "NOT met"
    })`,
  );
  console.log(`  (island props JSON, not JS: ${fmt(stateGzip)} B gzip)\n`);
} finally {
  await browser.close();
  await app.close();
}
