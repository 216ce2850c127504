// One islands runtime = one build (manifest) + the island registry loaded from it. Usually there is one per process
// (see mod.ts), but tests create their own against fixture islands and a temporary build folder.
import type { MiddlewareHandler } from "hono";
import type { IslandsConfig } from "./config.ts";
import { type BuildOptions, ensureBuilt } from "./build.ts";
import { resolveConfig } from "./config.ts";
import { type BuildManifest, readCurrentManifest } from "./manifest.ts";
import { loadIslandRegistry } from "./registry.ts";
import { type IslandComponent, type IslandRef, type IslandRender, renderWithIslands } from "./ssr.ts";
import { type PageOptions, renderDocument } from "./page.ts";
import { assetMiddleware } from "./assets.ts";

export interface RuntimeOptions extends BuildOptions {
  /** false: use the existing build as is (fail when there is none) instead of `ensureBuilt`. Default true. */
  build?: boolean;
}

export class IslandsRuntime {
  constructor(
    readonly config: IslandsConfig,
    readonly manifest: BuildManifest,
    readonly registry: ReadonlyMap<IslandComponent, IslandRef>,
  ) {}

  get buildId(): string {
    return this.manifest.buildId;
  }

  /** URL of a file inside the current build folder. */
  buildUrl(file: string): string {
    return `${this.config.buildUrl}/${this.manifest.buildId}/${file}`;
  }

  get cssHref(): string | null {
    return this.manifest.css ? this.buildUrl(this.manifest.css) : null;
  }

  get bootUrl(): string {
    return this.buildUrl(this.manifest.boot);
  }

  /** Body HTML plus what the page needs to revive its islands; `renderPage` wraps this in a document. */
  render(vnode: unknown): IslandRender {
    return renderWithIslands(vnode, this.registry);
  }

  renderPage(vnode: unknown, options: PageOptions): string {
    return renderDocument(this, vnode, options);
  }

  serveAssets(): MiddlewareHandler {
    return assetMiddleware(() => this.config);
  }
}

export async function createIslandsRuntime(options: RuntimeOptions = {}): Promise<IslandsRuntime> {
  const config = options.config && "bootEntry" in options.config
    ? options.config as IslandsConfig
    : resolveConfig(options.config);
  const manifest = options.build === false
    ? await readCurrentManifest(config)
    : await ensureBuilt({ dev: options.dev, config });
  if (!manifest) throw new Error(`no asset build in ${config.buildDir}: run \`deno task build\``);
  return new IslandsRuntime(config, manifest, await loadIslandRegistry(config, manifest));
}
