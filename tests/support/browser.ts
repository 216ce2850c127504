// Reusable headless Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core, a fresh
// temporary profile per launch, screenshots under `.screenshots/` at the repo root, and cleanup that always runs.
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const CHROMIUM_PATH = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SCREENSHOT_DIR = join(REPO_ROOT, ".screenshots");

export function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    return false;
  }
}

export interface BrowserSession {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  colorScheme?: "light" | "dark";
  viewport?: { width: number; height: number };
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession> {
  const userDataDir = await Deno.makeTempDir({ prefix: "sluice-chromium-" });
  let context: BrowserContext;
  try {
    // Playwright owns --user-data-dir: a persistent context is how a chosen profile folder is passed.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
      colorScheme: options.colorScheme ?? "light",
      viewport: options.viewport ?? { width: 1280, height: 800 },
    });
  } catch (e) {
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    throw e;
  }
  context.setDefaultTimeout(10_000);
  let closed = false;
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
      }
    },
  };
}

/** Runs `fn` with a fresh browser and closes it whatever happens. */
export async function withBrowser<T>(fn: (session: BrowserSession) => Promise<T>, options?: LaunchOptions): Promise<T> {
  const session = await launchBrowser(options);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

/** Full-page PNG at `.screenshots/<name>.png`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, "_")}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Light and dark screenshots of the page as it is: the theme class on <html> is switched in place, so open dialogs,
 * sockets and running work stay as they are. Files are `<name>-light.png` and `<name>-dark.png`.
 */
export async function screenshotThemes(page: Page, name: string, settleMs = 250): Promise<void> {
  const initial = await page.evaluate(() => document.documentElement.className);
  for (const [theme, cls] of [["light", "theme-light"], ["dark", "dark"]] as const) {
    await page.evaluate((c) => (document.documentElement.className = c), cls);
    await page.waitForTimeout(settleMs);
    await screenshot(page, `${name}-${theme}`);
  }
  await page.evaluate((c) => (document.documentElement.className = c), initial);
}

export const PHONE_WIDTH = 390;

/**
 * screenshotThemes at the current (desktop) size and at 390 px wide: `<name>-light.png`, `<name>-dark.png`,
 * `<name>-390-light.png`, `<name>-390-dark.png`. The viewport is put back afterwards. The page is scrolled to the
 * top first (a full-page shot of a scrolled page repeats the sticky header).
 */
export async function screenshotSizes(page: Page, name: string, settleMs = 250): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.evaluate(() => scrollTo(0, 0));
  await screenshotThemes(page, name, settleMs);
  await page.setViewportSize({ width: PHONE_WIDTH, height: 844 });
  try {
    await page.evaluate(() => scrollTo(0, 0));
    await screenshotThemes(page, `${name}-390`, settleMs);
  } finally {
    await page.setViewportSize(size);
  }
}
