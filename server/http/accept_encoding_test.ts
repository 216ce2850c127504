import { assertEquals } from "../../tests/support/assert.ts";
import { chooseCoding } from "./accept_encoding.ts";

const BOTH = ["br", "gzip"] as const;
const GZIP_FIRST = ["gzip", "br"] as const;

Deno.test("accept-encoding: no header or identity only → the body as it is", () => {
  assertEquals(chooseCoding(undefined, BOTH), null);
  assertEquals(chooseCoding("", BOTH), null);
  assertEquals(chooseCoding("identity", BOTH), null);
  assertEquals(chooseCoding("deflate", BOTH), null);
});

Deno.test("accept-encoding: equal q-values go to the server's preference", () => {
  assertEquals(chooseCoding("gzip, deflate, br, zstd", BOTH), "br");
  assertEquals(chooseCoding("gzip, deflate, br, zstd", GZIP_FIRST), "gzip");
  assertEquals(chooseCoding("GZIP", BOTH), "gzip");
});

Deno.test("accept-encoding: q-values decide, q=0 refuses", () => {
  assertEquals(chooseCoding("br;q=0.5, gzip;q=0.8", BOTH), "gzip");
  assertEquals(chooseCoding("br;q=1.0, gzip;q=0.9", GZIP_FIRST), "br");
  assertEquals(chooseCoding("br;q=0, gzip", BOTH), "gzip");
  assertEquals(chooseCoding("br;q=0, gzip;q=0", BOTH), null);
  assertEquals(chooseCoding("gzip ; q = 0.3", BOTH), "gzip");
});

Deno.test("accept-encoding: * covers codings not named; x-gzip means gzip", () => {
  assertEquals(chooseCoding("*", BOTH), "br");
  assertEquals(chooseCoding("br;q=0, *", BOTH), "gzip");
  assertEquals(chooseCoding("*;q=0", BOTH), null);
  assertEquals(chooseCoding("x-gzip", BOTH), "gzip");
});

Deno.test("accept-encoding: only what is available is chosen", () => {
  assertEquals(chooseCoding("br", ["gzip"]), null);
  assertEquals(chooseCoding("br, gzip", ["gzip"]), "gzip");
});
