// UI build configuration (read by server/islands/config.ts; `deno task build` and `start` use it). Paths are relative
// to the project root. See server/islands/mod.ts for the islands runtime these settings drive.
import type { IslandsConfigInput } from "./server/islands/config_input.ts";

export default {
  islandsDir: "islands",
  staticDir: "static",
  buildDir: "static/build",
  staticUrl: "/static",
  cssInput: "static/styles/input.css",
  target: ["es2022"],
} satisfies IslandsConfigInput;
