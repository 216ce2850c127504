// Islands build/serve configuration. Defaults come from `fresh.config.ts` at the project root; callers (tests, the
// build script) may override any field. Relative paths resolve against the project root, which is derived from
// this file's URL so the same code finds `static/` under `deno run` and inside a `deno compile` binary.
import { fileURLToPath } from "node:url";
import { isAbsolute, resolve } from "node:path";
import projectConfig from "../../fresh.config.ts";
import type { IslandsConfigInput } from "./config_input.ts";

export type { IslandsConfigInput };

export interface IslandsConfig {
  rootDir: string;
  islandsDir: string;
  staticDir: string;
  buildDir: string;
  staticUrl: string;
  buildUrl: string;
  cssInput: string | null;
  target: string[];
  /** The client runtime entry (boot + reviver). */
  bootEntry: string;
}

export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function resolveConfig(overrides: IslandsConfigInput = {}): IslandsConfig {
  const input: IslandsConfigInput = { ...projectConfig, ...overrides };
  const rootDir = resolve(input.rootDir ?? PROJECT_ROOT);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(rootDir, p));
  const staticUrl = "/" + (input.staticUrl ?? "/static").replace(/^\/+|\/+$/g, "");
  const cssInput = input.cssInput === undefined ? "static/styles/input.css" : input.cssInput;
  return {
    rootDir,
    islandsDir: at(input.islandsDir ?? "islands"),
    staticDir: at(input.staticDir ?? "static"),
    buildDir: at(input.buildDir ?? "static/build"),
    staticUrl,
    buildUrl: `${staticUrl}/build`,
    cssInput: cssInput === null ? null : at(cssInput),
    target: input.target ?? ["es2022"],
    bootEntry: fileURLToPath(new URL("./client/boot.ts", import.meta.url)),
  };
}
