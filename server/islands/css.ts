// Tailwind v4 build done in-process with the same two packages the Tailwind CLI uses: @tailwindcss/node compiles the
// stylesheet (resolving `@import "tailwindcss"`), @tailwindcss/oxide scans the `@source` folders for class names.
import { compile, optimize } from "@tailwindcss/node";
import { Scanner } from "@tailwindcss/oxide";
import { dirname, join, resolve } from "node:path";

export interface CssBuild {
  code: string;
  /** Files read: the stylesheet, its imports, every scanned source file. */
  inputs: string[];
  /** Folders named by `@source`: a new file there can add classes, so the build is stale when they change. */
  watchDirs: string[];
}

export async function buildCss(input: string, rootDir: string, minify: boolean): Promise<CssBuild> {
  const css = await Deno.readTextFile(input);
  const inputs = new Set<string>([input]);
  const compiler = await compile(css, {
    base: dirname(input),
    from: input,
    onDependency: (path) => inputs.add(path),
    // Resolve the framework from the project's node_modules even when the stylesheet lives elsewhere (tests).
    customCssResolver: async (id) => {
      if (id !== "tailwindcss" && !id.startsWith("tailwindcss/")) return undefined;
      const file = id === "tailwindcss" ? "index.css" : id.slice("tailwindcss/".length);
      return join(await tailwindPackage(rootDir), file.endsWith(".css") ? file : file + ".css");
    },
  });
  const sources = compiler.sources.filter((s) => !s.negated);
  const scanner = new Scanner({ sources: compiler.sources });
  const candidates = scanner.scan();
  for (const file of scanner.files) inputs.add(file);
  const code = optimize(compiler.build(candidates), { minify, file: input }).code;
  const watchDirs = sources.map((s) => globBase(resolve(s.base, s.pattern)));
  return { code, inputs: [...inputs], watchDirs };
}

/** node_modules/tailwindcss, or Deno's own copy under node_modules/.deno when no top-level link was made. */
async function tailwindPackage(rootDir: string): Promise<string> {
  const top = join(rootDir, "node_modules", "tailwindcss");
  try {
    await Deno.stat(join(top, "index.css"));
    return top;
  } catch {
    const store = join(rootDir, "node_modules", ".deno");
    const versions: string[] = [];
    for await (const e of Deno.readDir(store)) if (e.name.startsWith("tailwindcss@")) versions.push(e.name);
    if (!versions.length) throw new Error(`tailwindcss is not installed in ${rootDir}/node_modules`);
    versions.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    return join(store, versions[versions.length - 1], "node_modules", "tailwindcss");
  }
}

/** The directory part of a source pattern before its first glob character. */
function globBase(pattern: string): string {
  const glob = pattern.search(/[*?{[]/);
  if (glob < 0) return pattern;
  return dirname(pattern.slice(0, glob) + "x");
}
