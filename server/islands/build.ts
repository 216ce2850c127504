// Asset build: every island module plus the client runtime is an esbuild entry point (ESM, code splitting, hashed
// names), so islands share one copy of preact and @preact/signals through common chunks — hooks and signals work
// across islands. Tailwind CSS is built next to them. Output goes to `<buildDir>/<buildId>/` where buildId hashes
// every output byte, and `current.json` points at it. `ensureBuilt` rebuilds only when inputs changed.
import type * as esbuild from "esbuild";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type IslandsConfig, type IslandsConfigInput, resolveConfig } from "./config.ts";
import { listIslandModules, walkFiles } from "./files.ts";
import {
  buildFolder,
  type BuildManifest,
  type IslandChunk,
  MANIFEST_VERSION,
  readCurrentManifest,
  setCurrentBuild,
} from "./manifest.ts";
import { precompress } from "./precompress.ts";
import { bundleOptions, checkSingleCopies, isVirtualInput, planCommonChunk } from "./esbuild_options.ts";

const SETTINGS_FILE = fileURLToPath(new URL("./esbuild_options.ts", import.meta.url));
const PRECOMPRESS_FILE = fileURLToPath(new URL("./precompress.ts", import.meta.url));

export interface BuildOptions {
  /** Unminified output with linked source maps. */
  dev?: boolean;
  config?: IslandsConfigInput | IslandsConfig;
}

// esbuild runs one service process; builds are serialized so stopping it never cuts another build short.
let queue: Promise<unknown> = Promise.resolve();

export function buildAssets(options: BuildOptions = {}): Promise<BuildManifest> {
  const run = queue.then(() => doBuild(toConfig(options.config), options.dev ?? false));
  queue = run.catch(() => {});
  return run;
}

/** Builds when there is no build yet, when it was built in the other mode, or when any input changed since. */
export async function ensureBuilt(options: BuildOptions = {}): Promise<BuildManifest> {
  const cfg = toConfig(options.config);
  const dev = options.dev ?? false;
  const manifest = await readCurrentManifest(cfg);
  if (manifest && manifest.dev === dev) {
    // A `deno compile` binary carries the built assets but not the sources: nothing to compare against.
    if (!(await exists(cfg.islandsDir))) return manifest;
    const now = await fingerprint(cfg, manifest.inputs, manifest.watchDirs, dev);
    if (now === manifest.fingerprint) return manifest;
  }
  return await buildAssets({ dev, config: cfg });
}

function toConfig(config: BuildOptions["config"]): IslandsConfig {
  return config && "bootEntry" in config ? config as IslandsConfig : resolveConfig(config as IslandsConfigInput);
}

async function doBuild(cfg: IslandsConfig, dev: boolean): Promise<BuildManifest> {
  // Loaded on demand: a server whose build is fresh (or a compiled binary) never loads esbuild or Tailwind.
  const esbuild = await import("esbuild");
  const { buildCss } = await import("./css.ts");
  const modules = await listIslandModules(cfg.islandsDir);
  const outNames = new Map<string, string>();
  const entryPoints = [{ in: cfg.bootEntry, out: "boot" }];
  for (const m of modules) {
    const out = "island-" + m.module.replace(/[^A-Za-z0-9_$-]/g, "_");
    const clash = outNames.get(out);
    if (clash) throw new Error(`islands "${clash}" and "${m.module}" map to the same bundle name ${out}`);
    outNames.set(out, m.module);
    entryPoints.push({ in: m.file, out });
  }
  const staging = join(cfg.buildDir, ".staging");
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    // First pass: esbuild's own splitting shows what the islands share; the second puts all of that in one chunk.
    const shape = await esbuild.build({ ...bundleOptions(cfg, dev), entryPoints, outdir: staging, write: false });
    const common = planCommonChunk(cfg, shape.metafile, entryPoints.map((e) => e.in), [cfg.bootEntry]);
    result = await esbuild.build({ ...bundleOptions(cfg, dev, common), entryPoints, outdir: staging, write: false });
  } catch (e) {
    throw new Error(`island bundle failed:\n${formatEsbuildError(e)}`);
  } finally {
    await esbuild.stop();
  }
  checkSingleCopies(Object.keys(result.metafile.inputs));

  const files = new Map<string, Uint8Array>();
  for (const out of result.outputFiles) files.set(relative(staging, out.path).split("\\").join("/"), out.contents);
  const byEntry = new Map<string, { file: string; exports: string[] }>();
  for (const [path, meta] of Object.entries(result.metafile.outputs)) {
    if (meta.entryPoint) {
      byEntry.set(resolve(cfg.rootDir, meta.entryPoint), { file: basename(path), exports: meta.exports });
    }
  }
  const islands: Record<string, IslandChunk> = {};
  for (const m of modules) {
    const out = byEntry.get(m.file);
    if (!out) throw new Error(`esbuild produced no chunk for island ${m.file}`);
    islands[m.module] = { chunk: out.file, exports: out.exports, source: stored(cfg, m.file) };
  }
  const boot = byEntry.get(cfg.bootEntry);
  if (!boot) throw new Error("esbuild produced no chunk for the client runtime");

  const inputs = new Set(
    Object.keys(result.metafile.inputs).filter((p) => !p.includes("node_modules/") && !isVirtualInput(p)),
  );
  const watchDirs = new Set([stored(cfg, cfg.islandsDir)]);
  let css: string | null = null;
  if (cfg.cssInput) {
    const built = await buildCss(cfg.cssInput, cfg.rootDir, !dev);
    files.set("app.css", new TextEncoder().encode(built.code));
    css = "app.css";
    for (const f of built.inputs) if (!f.includes("node_modules")) inputs.add(stored(cfg, f));
    for (const d of built.watchDirs) watchDirs.add(stored(cfg, d));
  }
  for (const f of ["deno.json", "deno.lock"]) if (await exists(join(cfg.rootDir, f))) inputs.add(f);
  // the bundle settings themselves: a build made with other settings is stale too
  inputs.add(stored(cfg, SETTINGS_FILE));
  inputs.add(stored(cfg, PRECOMPRESS_FILE));
  // Files inside a watched folder are covered by walking it; list only the others.
  const covered = (p: string) => [...watchDirs].some((d) => p.startsWith(d + "/"));

  const buildId = await hashOutputs(files);
  // compressed siblings are derived from the outputs (not part of the id); a dev build skips them for speed
  if (!dev) { for (const [name, bytes] of precompress(files)) files.set(name, bytes); }
  const folder = buildFolder(cfg, buildId);
  await Deno.mkdir(folder, { recursive: true });
  for (const [name, bytes] of files) await Deno.writeFile(join(folder, name), bytes);
  const manifest: BuildManifest = {
    version: MANIFEST_VERSION,
    buildId,
    dev,
    builtAt: new Date().toISOString(),
    boot: boot.file,
    css,
    islands,
    inputs: [...inputs].filter((p) => !covered(p)).sort(),
    watchDirs: [...watchDirs].sort(),
    fingerprint: "",
  };
  manifest.fingerprint = await fingerprint(cfg, manifest.inputs, manifest.watchDirs, dev);
  await Deno.writeTextFile(join(folder, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  const previous = await readCurrentManifest(cfg);
  await setCurrentBuild(cfg, buildId);
  await pruneBuilds(cfg, new Set([buildId, previous?.buildId ?? buildId]));
  return manifest;
}

/** Hash of path, mtime and size of every input: cheap enough to run at each start. */
async function fingerprint(cfg: IslandsConfig, inputs: string[], watchDirs: string[], dev: boolean): Promise<string> {
  const all = new Set(inputs.map((p) => resolve(cfg.rootDir, p)));
  for (const dir of watchDirs) for (const f of await walkFiles(resolve(cfg.rootDir, dir))) all.add(f);
  const lines = [`v${MANIFEST_VERSION}`, dev ? "dev" : "prod"];
  for (const file of [...all].sort()) {
    try {
      const st = await Deno.stat(file);
      lines.push(`${stored(cfg, file)}|${st.mtime?.getTime() ?? 0}|${st.size}`);
    } catch {
      lines.push(`${stored(cfg, file)}|missing`);
    }
  }
  return await sha256Hex(new TextEncoder().encode(lines.join("\n")));
}

async function hashOutputs(files: Map<string, Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for (const name of [...files.keys()].sort()) {
    parts.push(new TextEncoder().encode(`\0${name}\0`), files.get(name)!);
  }
  const total = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) total.set(p, (at += p.length) - p.length);
  return (await sha256Hex(total)).slice(0, 16);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Removes old build folders, keeping the new one and the one it replaces (pages already sent may still use it). */
async function pruneBuilds(cfg: IslandsConfig, keep: Set<string>) {
  for await (const entry of Deno.readDir(cfg.buildDir)) {
    if (entry.isDirectory && /^[0-9a-f]{16}$/.test(entry.name) && !keep.has(entry.name)) {
      await Deno.remove(join(cfg.buildDir, entry.name), { recursive: true });
    }
  }
}

function stored(cfg: IslandsConfig, path: string): string {
  const abs = isAbsolute(path) ? path : resolve(cfg.rootDir, path);
  const rel = relative(cfg.rootDir, abs);
  return rel.startsWith("..") || isAbsolute(rel) ? abs : rel.split("\\").join("/");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

function formatEsbuildError(e: unknown): string {
  const errors = (e as { errors?: esbuild.Message[] }).errors;
  if (!errors?.length) return String(e);
  return errors.map((m) => {
    const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : "";
    return `  ${where}${m.text}`;
  }).join("\n");
}
