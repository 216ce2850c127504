// Input checks shared by both adapters: stage names, message shape and size, consume limits, error text.
import { assertEquals, assertThrows } from "../../tests/support/assert.ts";
import {
  assertStage,
  checkConsumeOptions,
  checkPrefix,
  decodeBody,
  encodeMessages,
  errorText,
  QueueMessageError,
  resolveSettings,
  UnknownStageError,
} from "./port.ts";

Deno.test("assertStage accepts the three stages and names the expected ones otherwise", () => {
  assertEquals(assertStage("embed"), "embed");
  const e = assertThrows(() => assertStage("load"), 'unknown queue stage "load"; expected one of extract');
  assertEquals(e instanceof UnknownStageError, true);
  assertThrows(() => assertStage(undefined), "unknown queue stage undefined");
});

Deno.test("encodeMessages keeps plain objects and names the index and reason of a bad one", () => {
  assertEquals(encodeMessages([{ a: 1 }, { b: [2] }], 100), ['{"a":1}', '{"b":[2]}']);
  for (const [bad, reason] of [[null, "got object"], [[1], "got array"], ["s", "got string"]] as const) {
    const e = assertThrows(() => encodeMessages([{}, bad as unknown as object], 100), "messages[1] must be");
    assertEquals(e instanceof QueueMessageError, true);
    assertEquals(e.message.includes(reason), true, e.message);
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assertThrows(() => encodeMessages([cyclic], 100), "messages[0] is not JSON-serializable");
  assertThrows(() => encodeMessages([{ text: "é".repeat(60) }], 100), "messages[0] is 131 bytes, over the 100-byte");
});

Deno.test("decodeBody accepts JSON objects only", () => {
  assertEquals(decodeBody('{"n":1}'), { body: { n: 1 } });
  assertEquals(decodeBody("[1]"), { invalid: "message body is JSON but not an object" });
  assertEquals("invalid" in decodeBody("{oops"), true);
});

Deno.test("settings and consume options are range-checked with the value in the message", () => {
  assertEquals(resolveSettings({}), { prefix: "sluice", maxAttempts: 5, maxMessageBytes: 1024 * 1024 });
  assertThrows(() => resolveSettings({ maxAttempts: 0 }), "maxAttempts must be a whole number from 1 to 100, got 0");
  assertThrows(() => checkPrefix("Sluice prod"), 'invalid queue prefix "Sluice prod"');
  assertEquals(checkConsumeOptions({ prefetch: 5 }), { prefetch: 5, concurrency: 1 });
  assertThrows(() => checkConsumeOptions({ prefetch: 2001 }), "prefetch must be a whole number from 1 to 2000");
  assertThrows(() => checkConsumeOptions({ prefetch: 1, concurrency: 1.5 }), "concurrency");
});

Deno.test("errorText keeps the cause chain, scrubs credentials and bounds the size", () => {
  const e = new TypeError("bad row", { cause: new Error("postgres://sluice:s3cret@db/x refused") });
  assertEquals(errorText(e), "TypeError: bad row\ncaused by: Error: postgres://sluice:[redacted]@db/x refused");
  assertEquals(errorText("plain"), "plain");
  assertEquals(errorText(new Error("x".repeat(5000))).length, 4000);
});
