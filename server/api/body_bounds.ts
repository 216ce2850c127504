// Bounds every request body is checked against BEFORE anything parses or walks it: a size cap enforced while the
// bytes are read (a declared Content-Length over the cap is refused without reading), a nesting bound checked by a
// linear scan of the text, and an iterative search for NUL characters (PostgreSQL text cannot hold U+0000). Nothing
// here recurses, so no input can exhaust the stack. Pure functions with no server imports: http_errors.ts turns the
// failures into API errors.

/** Deepest nesting of arrays/objects a JSON body may have. Real payloads stay under 10. */
export const MAX_JSON_DEPTH = 32;

/** Why a body was refused, before any schema looked at it. */
export type BodyProblem =
  | { kind: "too_large"; limit: number }
  | { kind: "too_deep"; limit: number }
  | { kind: "nul"; field: string };

export class BodyBoundError extends Error {
  constructor(readonly problem: BodyProblem) {
    super(problem.kind);
  }
}

/**
 * Reads a request body as bytes, stopping (and cancelling the stream) as soon as it passes `limit` bytes. A
 * Content-Length above the limit is refused before the first byte is read.
 */
export async function readBounded(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limit) throw new BodyBoundError({ kind: "too_large", limit });
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyBoundError({ kind: "too_large", limit });
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/**
 * The deepest array/object nesting in a JSON text, or `limit + 1` as soon as it passes `limit` (one pass, strings
 * and escapes skipped). Invalid JSON is measured the same way; JSON.parse rejects it afterwards.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return deepest;
}

/** The path of the first string or key holding U+0000 ("(body)" for the body itself), walking with a stack. */
export function findNul(value: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[value, ""]];
  while (stack.length) {
    const [item, path] = stack.pop()!;
    if (typeof item === "string") {
      if (item.includes("\u0000")) return path || "(body)";
      continue;
    }
    if (!item || typeof item !== "object") continue;
    const entries = Object.entries(item);
    // pushed in reverse so the first field in document order is reported first
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      const here = path ? `${path}.${key}` : key;
      if (key.includes("\u0000")) return here;
      stack.push([child, here]);
    }
  }
  return undefined;
}
