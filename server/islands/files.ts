// File discovery shared by the build (entry points, staleness fingerprint) and the server (island registry), so
// both derive the same island names from the same files.
import { join, relative, sep } from "node:path";
import { ISLAND_NAME } from "./format.ts";

export interface IslandModule {
  /** Path inside the islands folder without extension, "/"-separated: "Counter", "jobs/JobCard". */
  module: string;
  file: string;
}

const MODULE_EXT = /\.(tsx|ts|jsx|js|mjs)$/;
const TEST_FILE = /(_test|\.test|\.spec)\.[^.]+$/;

/** Every file below `dir` (sorted, absolute); [] when `dir` does not exist. */
export async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function visit(d: string) {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    for (const entry of entries) {
      const path = join(d, entry.name);
      if (entry.isDirectory) await visit(path);
      else if (entry.isFile) out.push(path);
    }
  }
  await visit(dir);
  return out.sort();
}

export async function listIslandModules(islandsDir: string): Promise<IslandModule[]> {
  const files = await walkFiles(islandsDir);
  const modules: IslandModule[] = [];
  for (const file of files) {
    if (!MODULE_EXT.test(file) || TEST_FILE.test(file) || file.endsWith(".d.ts")) continue;
    const module = relative(islandsDir, file).split(sep).join("/").replace(MODULE_EXT, "");
    if (!ISLAND_NAME.test(module)) {
      throw new Error(`island file ${file}: name "${module}" may only use letters, digits, "_", "$", ".", "-", "/"`);
    }
    modules.push({ module, file });
  }
  return modules;
}

/** The island name of one export: the module name for the default export, "Module.Export" otherwise. */
export function islandName(module: string, exportName: string): string {
  return exportName === "default" ? module : `${module}.${exportName}`;
}
