// The settings a project may give the islands runtime (fresh.config.ts at the root, or overrides from tests and the
// build script). A leaf module, so the project config can name its type without importing the runtime that reads it.
export interface IslandsConfigInput {
  /** Project root; other relative paths resolve against it. */
  rootDir?: string;
  /** Folder whose modules are islands (every exported function is an island component). */
  islandsDir?: string;
  /** Un-versioned static files, served under `staticUrl` with `Cache-Control: no-cache`. */
  staticDir?: string;
  /** Build output root; each build lands in `<buildDir>/<buildId>/`, served immutable under `<staticUrl>/build/`. */
  buildDir?: string;
  /** URL prefix for static files, default "/static". */
  staticUrl?: string;
  /** Tailwind v4 source stylesheet; null builds no CSS. */
  cssInput?: string | null;
  /** esbuild targets for the browser bundle. */
  target?: string[];
}
