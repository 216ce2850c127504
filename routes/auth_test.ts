import { assertEquals } from "../tests/support/assert.ts";
import { safeNext } from "./auth.ts";

Deno.test("safeNext keeps same-site paths and refuses everything that could leave the site", () => {
  assertEquals(safeNext("/queues?tab=dead#top"), "/queues?tab=dead#top");
  assertEquals(safeNext("/a/../b"), "/b");
  for (
    const bad of [
      undefined,
      "",
      "queues",
      "//evil.example/x",
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/ /evil",
      "https://evil.example/",
      "/\u0000x",
    ]
  ) {
    assertEquals(safeNext(bad), "/", JSON.stringify(bad));
  }
});
