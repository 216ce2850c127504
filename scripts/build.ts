// `deno task build`: bundles islands + client runtime with esbuild and builds Tailwind CSS into
// static/build/<buildId>/ (see server/islands/build.ts). `--dev` skips minification and writes source maps.
import { buildAssets } from "../server/islands/build.ts";

const dev = Deno.args.includes("--dev");
const t0 = performance.now();
const manifest = await buildAssets({ dev });
const islands = Object.keys(manifest.islands);
console.log(
  `built ${manifest.buildId} (${dev ? "dev" : "production"}) in ${Math.round(performance.now() - t0)} ms: ` +
    `${islands.length} island module(s)${islands.length ? ` [${islands.join(", ")}]` : ""}, css: ${
      manifest.css ?? "none"
    }`,
);
