import { assertEquals, assertThrows } from "../tests/support/assert.ts";
import { batchMessage, extractMessage, parseBatch, parseExtract } from "./messages.ts";

const ref = { runId: 4, token: "6f1c7c1e-3d1b-4f7e-9a43-0f7f1b1f2a10", tenantId: 1, jobId: 2, step: "s1" };

Deno.test("stage messages round-trip and carry only ids", () => {
  assertEquals(parseExtract(JSON.parse(JSON.stringify(extractMessage(ref, 3)))), { ...ref, seq: 3 });
  assertEquals(parseBatch(JSON.parse(JSON.stringify(batchMessage(ref, 99)))), { ...ref, rawId: 99 });
});

Deno.test("malformed messages are refused with the field named", () => {
  assertThrows(() => parseBatch({ ...ref, rawId: "99" }), "rawId");
  assertThrows(() => parseExtract({ ...ref, seq: -1 }), "seq");
  assertThrows(() => parseBatch({ ...ref, token: "", rawId: 1 }), "token");
  assertThrows(() => parseBatch({ rawId: 1 }), "runId");
});
