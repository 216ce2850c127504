/**
 * Sluice islands runtime — Fresh's islands contract on npm packages (preact, @preact/signals,
 * preact-render-to-string, esbuild, Tailwind v4). Public API for page authors:
 *
 *   await setupIslands({ dev?: boolean }): Promise<IslandsRuntime>
 *       Once at startup: builds assets if missing/stale (`ensureBuilt`), loads the manifest, imports `islands/`.
 *   renderPage(vnode, { title, lang?, head?, htmlClass?, bodyClass?, nonce? }): string
 *       Full HTML document. Links the built CSS; adds the island state + ONE module script only when islands
 *       rendered (a page without islands ships zero JS). `nonce` goes on the inline module script (CSP).
 *   serveBuiltAssets(): MiddlewareHandler          app.use("/static/*", serveBuiltAssets())
 *       `/static/build/<buildId>/*` immutable for a year; other `/static/*` files `no-cache` + ETag.
 *   ensureBuilt({ dev?, config? }) / buildAssets({ dev?, config? }): Promise<BuildManifest>
 *   IS_BROWSER — false during SSR, true in the browser. Islands import it from "server/islands/is_browser.ts"
 *       (this module pulls in server code that must not reach the browser bundle).
 *
 * Islands: every exported function of a module in `islands/` (fresh.config.ts `islandsDir`). Use them like any
 * component — no wrapper. Only the outermost island is revived; islands it renders are plain components in its tree.
 * Props must be serializable: primitives (bigint, NaN, ±Infinity, -0, undefined), arrays, plain objects, Date, URL,
 * RegExp, Map, Set, Uint8Array, signals (one signal given to two islands stays ONE signal in the browser), cycles.
 * JSX as a top-level prop or children becomes a server-rendered slot. A function or class instance prop fails the
 * render with an error naming the island and the prop. Do not put an island rendering block elements inside <p>,
 * or directly inside <table>/<tr>/<select>: the parser moves it (logged at SSR, reported and skipped in the browser).
 */
import type { MiddlewareHandler } from "hono";
import { createIslandsRuntime, type IslandsRuntime, type RuntimeOptions } from "./runtime.ts";
import type { PageOptions } from "./page.ts";
import { assetMiddleware } from "./assets.ts";

export { buildAssets, type BuildOptions, ensureBuilt } from "./build.ts";
export { createIslandsRuntime, IslandsRuntime, type RuntimeOptions } from "./runtime.ts";
export type { PageOptions } from "./page.ts";
export type { IslandsConfigInput } from "./config.ts";
export type { BuildManifest } from "./manifest.ts";
export { IslandPropsError } from "./serialize.ts";
export { IS_BROWSER } from "./format.ts";

let active: IslandsRuntime | null = null;

function runtime(): IslandsRuntime {
  if (!active) throw new Error("islands runtime not initialised: call `await setupIslands()` at startup");
  return active;
}

/** Builds if needed, loads islands, and makes the result the runtime used by `renderPage`/`serveBuiltAssets`. */
export async function setupIslands(options: RuntimeOptions = {}): Promise<IslandsRuntime> {
  active = await createIslandsRuntime(options);
  return active;
}

export function renderPage(vnode: unknown, options: PageOptions): string {
  return runtime().renderPage(vnode, options);
}

/** Hono middleware for `/static/*`; may be mounted before `setupIslands` resolves (it looks the runtime up per request). */
export function serveBuiltAssets(): MiddlewareHandler {
  return assetMiddleware(() => runtime().config);
}
