// Server-side island registry: imports every island module named in the manifest and maps each exported function
// to the chunk URL and export name the browser needs. SSR detects islands by these function identities, so a page
// importing `islands/Counter.tsx` gets the very functions registered here (same module URL, same module instance).
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { IslandsConfig } from "./config.ts";
import { islandName } from "./files.ts";
import type { BuildManifest } from "./manifest.ts";
import type { IslandComponent, IslandRef } from "./ssr.ts";

export async function loadIslandRegistry(
  cfg: IslandsConfig,
  manifest: BuildManifest,
): Promise<Map<IslandComponent, IslandRef>> {
  const registry = new Map<IslandComponent, IslandRef>();
  for (const [module, info] of Object.entries(manifest.islands)) {
    const file = isAbsolute(info.source) ? info.source : resolve(cfg.rootDir, info.source);
    const exports: Record<string, unknown> = await import(pathToFileURL(file).href);
    for (const [exportName, value] of Object.entries(exports)) {
      if (typeof value !== "function") continue;
      if (!info.exports.includes(exportName)) {
        throw new Error(
          `island ${file} exports "${exportName}" but build ${manifest.buildId} does not: rebuild assets`,
        );
      }
      // A function exported twice is one island; the first name wins so markers stay stable.
      if (registry.has(value)) continue;
      registry.set(value, {
        name: islandName(module, exportName),
        chunkUrl: `${cfg.buildUrl}/${manifest.buildId}/${info.chunk}`,
        exportName,
      });
    }
  }
  return registry;
}
