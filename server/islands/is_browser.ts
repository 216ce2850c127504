// Client-safe flag for islands: false during SSR, true in the browser bundle. Import this file (not mod.ts, which
// pulls in server code) from islands.
export { IS_BROWSER } from "./format.ts";
