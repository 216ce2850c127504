import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertRejects, assertThrows } from "../../tests/support/assert.ts";
import { buildAssets, ensureBuilt } from "./build.ts";
import { checkSingleCopies } from "./esbuild_options.ts";
import { readCurrentManifest } from "./manifest.ts";
import { resolveConfig } from "./config.ts";

const COUNTER = `import { useState } from "preact/hooks";
import { signal } from "@preact/signals";
const shared = signal(0);
export default function A() {
  const [n, setN] = useState(0);
  return <button class="px-3 text-emerald-700" onClick={() => setN(n + 1)}>{n}{shared.value}</button>;
}
`;
const TWO = `import { useState } from "preact/hooks";
export function X() { const [v] = useState(1); return <i class="italic">{v}</i>; }
export function Y() { return <b>y</b>; }
`;

async function project() {
  const dir = await Deno.makeTempDir({ prefix: "sluice-build-test-" });
  await Deno.mkdir(join(dir, "islands", "sub"), { recursive: true });
  await Deno.writeTextFile(join(dir, "islands", "A.tsx"), COUNTER);
  await Deno.writeTextFile(join(dir, "islands", "B.tsx"), TWO);
  await Deno.writeTextFile(join(dir, "islands", "sub", "C.tsx"), `export default () => <p>c</p>;\n`);
  await Deno.writeTextFile(join(dir, "islands", "A_test.ts"), `// not an island\n`);
  await Deno.writeTextFile(join(dir, "in.css"), `@import "tailwindcss" source(none);\n@source "./islands";\n`);
  const config = resolveConfig({
    islandsDir: join(dir, "islands"),
    buildDir: join(dir, "build"),
    staticDir: dir,
    cssInput: join(dir, "in.css"),
  });
  return { dir, config, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

async function jsFiles(folder: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const e of Deno.readDir(folder)) {
    if (e.name.endsWith(".js")) out.set(e.name, await Deno.readTextFile(join(folder, e.name)));
  }
  return out;
}

Deno.test("build: islands become hashed ESM chunks sharing one preact, with CSS and a manifest", async () => {
  await using p = await project();
  const m = await buildAssets({ config: p.config });
  assertMatch(m.buildId, /^[0-9a-f]{16}$/);
  assertEquals(Object.keys(m.islands).sort(), ["A", "B", "sub/C"]);
  assertEquals(m.islands.B.exports.sort(), ["X", "Y"]);
  assertMatch(m.islands.A.chunk, /^island-A-[A-Z0-9]+\.js$/);
  assertMatch(m.islands["sub/C"].chunk, /^island-sub_C-[A-Z0-9]+\.js$/);
  assertMatch(m.boot, /^boot-[A-Z0-9]+\.js$/);
  const folder = join(p.config.buildDir, m.buildId);
  const files = await jsFiles(folder);
  for (const chunk of [m.boot, ...Object.values(m.islands).map((i) => i.chunk)]) assert(files.has(chunk), chunk);
  // Preact's core (it holds the SVG namespace string) lives in exactly one shared chunk.
  const withPreact = [...files].filter(([, code]) => code.includes("http://www.w3.org/2000/svg"));
  assertEquals(withPreact.length, 1, `preact core found in ${withPreact.map(([n]) => n)}`);
  assertMatch(withPreact[0][0], /^chunk-/);
  assert([...files.values()].every((code) => !code.includes("\n  ")), "production output is minified");
  const css = await Deno.readTextFile(join(folder, "app.css"));
  for (const cls of ["px-3", "text-emerald-700", "italic"]) assert(css.includes(`.${cls}`), `css has .${cls}`);
  assertEquals((await readCurrentManifest(p.config))?.buildId, m.buildId);
});

Deno.test("ensureBuilt: reuses a fresh build, rebuilds on change, on a new island and on mode switch", async () => {
  await using p = await project();
  const first = await ensureBuilt({ config: p.config });
  const again = await ensureBuilt({ config: p.config });
  assertEquals(again.builtAt, first.builtAt, "no rebuild when nothing changed");

  await Deno.writeTextFile(join(p.dir, "islands", "A.tsx"), COUNTER.replace("px-3", "px-5 underline"));
  const changed = await ensureBuilt({ config: p.config });
  assert(changed.buildId !== first.buildId, "edited island → new build id");
  const css = await Deno.readTextFile(join(p.config.buildDir, changed.buildId, "app.css"));
  assert(css.includes(".underline"));

  await Deno.writeTextFile(join(p.dir, "islands", "D.tsx"), `export default () => <hr />;\n`);
  const added = await ensureBuilt({ config: p.config });
  assert("D" in added.islands, "new island file is picked up");
  // Kept: the current build and the one it replaced; older ones are pruned.
  const folders = (await Array.fromAsync(Deno.readDir(p.config.buildDir))).filter((e) => e.isDirectory)
    .map((e) => e.name).filter((n) => n !== ".staging").sort();
  assertEquals(folders, [added.buildId, changed.buildId].sort());

  const dev = await ensureBuilt({ config: p.config, dev: true });
  assertEquals(dev.dev, true);
  const devFiles = await jsFiles(join(p.config.buildDir, dev.buildId));
  assert(devFiles.get(dev.boot)!.includes("sourceMappingURL"), "dev build links source maps");
});

Deno.test("build: a broken island fails with the file and esbuild's message", async () => {
  await using p = await project();
  await Deno.writeTextFile(join(p.dir, "islands", "Bad.tsx"), `export default () => <div>;\n`);
  await assertRejects(
    () => buildAssets({ config: p.config }),
    /island bundle failed:[\s\S]*Bad\.tsx:\d+:\d+: Unexpected/,
  );
});

Deno.test("checkSingleCopies: two folders of preact in one bundle is an error", () => {
  checkSingleCopies([
    "node_modules/.deno/preact@10.29.8/node_modules/preact/dist/preact.module.js",
    "node_modules/.deno/preact@10.29.8/node_modules/preact/hooks/dist/hooks.module.js",
  ]);
  assertThrows(
    () =>
      checkSingleCopies([
        "node_modules/.deno/preact@10.29.8/node_modules/preact/dist/preact.module.js",
        "node_modules/.deno/preact@10.19.0/node_modules/preact/dist/preact.module.js",
      ]),
    "2 copies of preact",
  );
});
