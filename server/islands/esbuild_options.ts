// esbuild settings for the browser bundle. Bare imports (preact, @preact/signals, …) resolve from the project's
// node_modules (deno.json sets nodeModulesDir), which holds one copy per version; a guard then proves the bundle
// really contains a single preact and a single signals core, because two copies break hooks and shared signals.
import type * as esbuild from "esbuild";
import type { IslandsConfig } from "./config.ts";

export function bundleOptions(cfg: IslandsConfig, dev: boolean): esbuild.BuildOptions & { metafile: true } {
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
    jsx: "automatic",
    jsxImportSource: "preact",
    metafile: true,
    logLevel: "silent",
    nodePaths: [`${cfg.rootDir}/node_modules`],
    define: { "process.env.NODE_ENV": JSON.stringify(dev ? "development" : "production") },
    plugins: [denoSpecifiers],
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
