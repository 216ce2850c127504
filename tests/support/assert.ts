// Assertions for tests (JSR's @std/assert is not reachable from here; node:assert is).
import nodeAssert from "node:assert/strict";

export function assert(value: unknown, message?: string): asserts value {
  nodeAssert.ok(value, message);
}
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}
export function assertMatch(actual: string, re: RegExp, message?: string): void {
  nodeAssert.match(actual, re, message);
}
export function assertStringIncludes(actual: string, part: string, message?: string): void {
  nodeAssert.ok(
    actual.includes(part),
    message ?? `expected ${JSON.stringify(actual)} to include ${JSON.stringify(part)}`,
  );
}
export async function assertRejects(fn: () => Promise<unknown>, match?: RegExp | string): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    const err = e as Error;
    if (match !== undefined) {
      const text = String(err?.message ?? err);
      if (typeof match === "string" ? !text.includes(match) : !match.test(text)) {
        throw new Error(`rejected with ${JSON.stringify(text)}, expected ${match}`);
      }
    }
    return err;
  }
  throw new Error("expected the promise to reject");
}
export function assertThrows(fn: () => unknown, match?: RegExp | string): Error {
  try {
    fn();
  } catch (e) {
    const err = e as Error;
    if (match !== undefined) {
      const text = String(err?.message ?? err);
      if (typeof match === "string" ? !text.includes(match) : !match.test(text)) {
        throw new Error(`threw ${JSON.stringify(text)}, expected ${match}`);
      }
    }
    return err;
  }
  throw new Error("expected the function to throw");
}
