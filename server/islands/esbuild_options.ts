// esbuild settings for the browser bundle. Bare imports (preact, @preact/signals, …) resolve from the project's
// node_modules (deno.json sets nodeModulesDir), which holds one copy per version; a guard then proves the bundle
// really contains a single preact and a single signals core, because two copies break hooks and shared signals.
//
// Size settings (first-load JS is budgeted, bench/first_load_js_bench.ts):
// - Classic JSX (`h(type, props, ...children)` from preact's core) rather than the automatic runtime: no
//   jsx-runtime module, and no `children:` key in every element.
// - ONE common chunk for what most islands share. esbuild's splitting makes a chunk per distinct set of entry points
//   sharing code, which for a handful of islands means many small files, and gzip compresses each file on its own
//   (the home page loaded 13 files; the same code in 6 is ~10 % smaller). So the build runs twice: the first pass
//   shows which chunks the islands (or the runtime) load statically, and the second makes every chunk entry import
//   the common ones (planCommonChunk), so they land in one chunk, cached across pages. Common are the framework and
//   the client runtime, chunks at least half of the islands load, and tiny shared chunks; code only a few islands
//   share stays in esbuild's own chunks, loaded only by their pages — otherwise every page added to the product
//   would grow every other page's first load. Code only lazily loaded stays lazy.
import type * as esbuild from "esbuild";
import { isAbsolute, resolve } from "node:path";
import type { IslandsConfig } from "./config.ts";

const JSX_FACTORY = "__sluice_h";
const JSX_FRAGMENT = "__sluice_Fragment";
// Prepended on line 1 of every project JSX module (keeps line numbers); TypeScript loaders drop it when unused.
const JSX_IMPORT = `import{h as ${JSX_FACTORY},Fragment as ${JSX_FRAGMENT}}from"preact";`;
const COMMON = "sluice:common";
/** Shared chunks up to this size (minified) go to the common chunk even when few islands load them. */
const TINY_CHUNK_BYTES = 1024;

/** The second pass's grouping: the modules of the common chunk and the chunk entries that import it. */
export interface CommonChunk {
  modules: string[];
  entries: Set<string>;
}

export function bundleOptions(
  cfg: IslandsConfig,
  dev: boolean,
  common?: CommonChunk,
): esbuild.BuildOptions & { metafile: true } {
  return {
    absWorkingDir: cfg.rootDir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: cfg.target,
    minify: !dev,
    sourcemap: dev ? "linked" : false,
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    jsx: "transform",
    jsxFactory: JSX_FACTORY,
    jsxFragment: JSX_FRAGMENT,
    metafile: true,
    logLevel: "silent",
    nodePaths: [`${cfg.rootDir}/node_modules`],
    define: { "process.env.NODE_ENV": JSON.stringify(dev ? "development" : "production") },
    plugins: [denoSpecifiers, projectSources(common), ...(common ? [commonModule(cfg, common)] : [])],
  };
}

const SOURCE = /\.(tsx|ts|jsx|js|mjs)$/;

/** Project modules (not packages) get the JSX factory import, and chunk entries the common-chunk import. */
function projectSources(common: CommonChunk | undefined): esbuild.Plugin {
  return {
    name: "project-sources",
    setup(build) {
      build.onLoad({ filter: SOURCE }, async (args) => {
        if (args.namespace !== "file" || args.path.includes("/node_modules/")) return undefined;
        const ext = SOURCE.exec(args.path)![1];
        const jsx = ext === "tsx" || ext === "jsx";
        const entry = common?.entries.has(args.path) ?? false;
        if (!jsx && !entry) return undefined;
        const prefix = (jsx ? JSX_IMPORT : "") + (entry ? `import ${JSON.stringify(COMMON)};` : "");
        const loader = (ext === "mjs" ? "js" : ext) as esbuild.Loader;
        return { contents: prefix + await Deno.readTextFile(args.path), loader };
      });
    },
  };
}

function commonModule(cfg: IslandsConfig, common: CommonChunk): esbuild.Plugin {
  return {
    name: "common-chunk",
    setup(build) {
      build.onResolve({ filter: /^sluice:common$/ }, () => ({ path: "common", namespace: "sluice-common" }));
      build.onLoad({ filter: /.*/, namespace: "sluice-common" }, () => ({
        contents: common.modules.map((m) => `import ${JSON.stringify(m)};`).join("\n"),
        loader: "js",
        resolveDir: cfg.rootDir,
      }));
    },
  };
}

/** Lets islands use `npm:pkg@range/sub` specifiers (as Deno allows) by mapping them to `pkg/sub` in node_modules. */
const denoSpecifiers: esbuild.Plugin = {
  name: "deno-specifiers",
  setup(build) {
    build.onResolve({ filter: /^npm:/ }, (args) => {
      const spec = args.path.slice(4).replace(/^\//, "");
      const m = /^(@[^/]+\/[^/@]+|[^/@]+)(?:@[^/]*)?(\/.*)?$/.exec(spec);
      if (!m) return { errors: [{ text: `cannot map ${args.path} to a node_modules package` }] };
      return build.resolve(m[1] + (m[2] ?? ""), { kind: args.kind, resolveDir: args.resolveDir });
    });
    build.onResolve({ filter: /^(jsr:|https?:)/ }, (args) => ({
      errors: [{ text: `${args.path}: only npm packages can be bundled for the browser (JSR/URL imports are not)` }],
    }));
  },
};

const SINGLETONS = ["preact", "@preact/signals-core"];

/** Throws when the bundle pulled a package that must be unique from more than one folder. */
export function checkSingleCopies(inputs: string[]) {
  for (const pkg of SINGLETONS) {
    const roots = new Set<string>();
    const marker = `node_modules/${pkg}/`;
    for (const input of inputs) {
      const at = input.lastIndexOf(marker);
      if (at >= 0) roots.add(input.slice(0, at + marker.length));
    }
    if (roots.size > 1) {
      throw new Error(`the browser bundle contains ${roots.size} copies of ${pkg} (${[...roots].join(", ")})`);
    }
  }
}

/** True for the second pass's virtual module in a metafile's inputs. */
export function isVirtualInput(path: string): boolean {
  return path.startsWith("sluice-common:");
}

/**
 * From the first pass's metafile, what goes in the common chunk: the client runtime (`alwaysCommon`: every page with
 * an island loads it), and every non-entry chunk that an island (or the runtime) loads statically, when two or more
 * of them load it, or when only one does and the chunk's other users are that island's own lazily imported parts.
 * A chunk an island shares only with another island's lazy parts stays apart, so eager code never grows by code
 * that is loaded lazily elsewhere. Also returns every chunk entry of the build (the islands, the runtime and the
 * dynamically imported modules): each of them imports the common module in the second pass.
 */
export function planCommonChunk(
  cfg: IslandsConfig,
  meta: esbuild.Metafile,
  entryFiles: string[],
  alwaysCommon: string[],
): CommonChunk {
  const abs = (p: string) => isAbsolute(p) ? p : resolve(cfg.rootDir, p);
  const wanted = new Set(entryFiles.map(abs));
  const entries = new Set<string>();
  const staticClosure = (out: string) => {
    const seen = new Set<string>();
    const visit = (o: string) => {
      if (seen.has(o) || !meta.outputs[o]) return;
      seen.add(o);
      for (const i of meta.outputs[o].imports) if (i.kind === "import-statement") visit(i.path);
    };
    visit(out);
    return seen;
  };
  const eagerUsers = new Map<string, Set<string>>(); // chunk → islands/runtime loading it statically
  const lazyOwners = new Map<string, Set<string>>(); // lazy entry output → islands importing it dynamically
  const lazyEntries: string[] = [];
  for (const [out, info] of Object.entries(meta.outputs)) {
    if (!info.entryPoint) continue;
    entries.add(abs(info.entryPoint));
    if (!wanted.has(abs(info.entryPoint))) {
      lazyEntries.push(out);
      continue;
    }
    for (const o of staticClosure(out)) {
      addTo(eagerUsers, o, out);
      for (const i of meta.outputs[o].imports) if (i.kind === "dynamic-import") addTo(lazyOwners, i.path, out);
    }
  }
  const lazyUsers = new Map<string, Set<string>>(); // chunk → islands whose lazy parts load it
  for (const lazy of lazyEntries) {
    for (const o of staticClosure(lazy)) {
      for (const owner of lazyOwners.get(lazy) ?? [undefined]) addTo(lazyUsers, o, owner);
    }
  }
  const modules = new Set(alwaysCommon.map(abs));
  // Every page with an island loads the common chunk, so only what most islands load belongs there (the framework
  // and the client runtime always do), plus tiny shared pieces. Code a few islands share — a list table, a dialog
  // kit — stays in chunks of its own that only their pages load, so adding pages does not grow every other page.
  const quorum = Math.max(2, Math.ceil(wanted.size / 2));
  for (const [out, users] of eagerUsers) {
    if (meta.outputs[out].entryPoint) continue;
    // a tiny shared chunk costs every page little, but a file of its own costs its pages more (compression resets)
    const tiny = users.size >= 2 && meta.outputs[out].bytes <= TINY_CHUNK_BYTES;
    if (users.size < quorum && !tiny) continue;
    for (const input of Object.keys(meta.outputs[out].inputs)) modules.add(abs(input));
  }
  void lazyUsers;
  // packages (the framework) first, then the project's modules: measured ~60 B (gzip) smaller than path order
  const isPackage = (m: string) => m.includes("/node_modules/");
  const order = [...modules].sort((a, b) => Number(isPackage(b)) - Number(isPackage(a)) || (a < b ? -1 : 1));
  return { modules: order, entries };
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  let set = map.get(key);
  if (!set) map.set(key, set = new Set());
  set.add(value);
}
