// The build manifest (`<buildDir>/<buildId>/manifest.json`) and the pointer to the current build
// (`<buildDir>/current.json`). The server reads both at startup; the browser never sees them.
import { join } from "node:path";
import type { IslandsConfig } from "./config.ts";

export const MANIFEST_VERSION = 1;

export interface IslandChunk {
  /** Chunk file inside the build folder. */
  chunk: string;
  /** Export names of the island module (each exported function is an island). */
  exports: string[];
  /** Source module, project-relative (or absolute when outside the project), so the server can import it. */
  source: string;
}

export interface BuildManifest {
  version: number;
  buildId: string;
  dev: boolean;
  builtAt: string;
  /** Client runtime chunk inside the build folder. */
  boot: string;
  /** Built stylesheet inside the build folder, or null when no CSS input is configured. */
  css: string | null;
  /** Island module name ("Counter", "jobs/JobCard") → chunk and exports. */
  islands: Record<string, IslandChunk>;
  /** Files that went into the build (outside `watchDirs`), for the staleness check. */
  inputs: string[];
  /** Folders whose every file counts for staleness (islands folder, Tailwind @source folders). */
  watchDirs: string[];
  fingerprint: string;
}

export function buildFolder(cfg: IslandsConfig, buildId: string): string {
  return join(cfg.buildDir, buildId);
}

export async function readCurrentManifest(cfg: IslandsConfig): Promise<BuildManifest | null> {
  let buildId: string;
  try {
    buildId = JSON.parse(await Deno.readTextFile(join(cfg.buildDir, "current.json"))).buildId;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof SyntaxError) return null;
    throw e;
  }
  try {
    const manifest = JSON.parse(await Deno.readTextFile(join(buildFolder(cfg, buildId), "manifest.json")));
    return manifest?.version === MANIFEST_VERSION && manifest.buildId === buildId ? manifest : null;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof SyntaxError) return null;
    throw e;
  }
}

/** Points `current.json` at `buildId`; write-then-rename so a concurrent reader never sees half a file. */
export async function setCurrentBuild(cfg: IslandsConfig, buildId: string): Promise<void> {
  const tmp = join(cfg.buildDir, `.current-${crypto.randomUUID()}.json`);
  await Deno.writeTextFile(tmp, JSON.stringify({ buildId }) + "\n");
  await Deno.rename(tmp, join(cfg.buildDir, "current.json"));
}
