// On-the-fly compression of dynamic responses (pages, API JSON). Built assets are compressed at build time instead
// (server/islands/precompress.ts) and arrive here already encoded, so they pass through untouched.
//
// Choice of coding, measured in this runtime (node:zlib) on a 24 KB home page and a 3 KB job list: gzip level 6
// gives the same size as brotli quality 4 (4.3 KB vs 4.2 KB) at about a third of the CPU per response, and brotli
// at any quality costs more than gzip 6. So gzip is preferred when the client accepts both equally; brotli (quality
// 4, small window) is used only when the client prefers it by q-value or accepts nothing else.
//
// Never touched: HEAD, bodiless and partial responses, WebSocket upgrades, `text/event-stream`, bodies that already
// have a Content-Encoding, `Cache-Control: no-transform`, types that do not compress, and bodies under the threshold.
import type { MiddlewareHandler } from "hono";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { chooseCoding, type Coding } from "./accept_encoding.ts";

export const COMPRESS_THRESHOLD = 1024;
const DYNAMIC_PREFERENCE: readonly Coding[] = ["gzip", "br"];
const COMPRESSIBLE =
  /^\s*(?:text\/(?!event-stream)[\w.+-]+|application\/(?:json|javascript|xml|[\w.-]+\+(?:json|xml))|image\/svg\+xml)\s*(?:;|$)/i;
const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i;
const VARY_HAS_ACCEPT_ENCODING = /(?:^|,)\s*(?:accept-encoding|\*)\s*(?:,|$)/i;

export function isCompressibleType(contentType: string | null): boolean {
  return !!contentType && COMPRESSIBLE.test(contentType);
}

/** Compresses one body for a dynamic response with the settings explained above. */
export function compressBody(body: Uint8Array, coding: Coding): Uint8Array {
  if (coding === "gzip") return gzipSync(body, { level: 6 });
  return brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 4,
      [constants.BROTLI_PARAM_LGWIN]: 18,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
    },
  });
}

/** Adds Accept-Encoding to Vary (once): caches must keep the encoded and plain variants apart. */
export function varyOnAcceptEncoding(headers: Headers) {
  const vary = headers.get("vary");
  if (!vary) headers.set("vary", "Accept-Encoding");
  else if (!VARY_HAS_ACCEPT_ENCODING.test(vary)) headers.set("vary", `${vary}, Accept-Encoding`);
}

export function compressResponses(options: { threshold?: number } = {}): MiddlewareHandler {
  const threshold = options.threshold ?? COMPRESS_THRESHOLD;
  return async (c, next) => {
    await next();
    const res = c.res;
    if (
      c.req.method === "HEAD" || !res.body || res.status < 200 || res.status === 204 || res.status === 206 ||
      res.status === 304 || c.req.header("upgrade") || res.headers.has("content-encoding") ||
      res.headers.has("content-range") || !isCompressibleType(res.headers.get("content-type")) ||
      NO_TRANSFORM.test(res.headers.get("cache-control") ?? "")
    ) return;
    const declared = res.headers.get("content-length");
    if (declared !== null && Number(declared) < threshold) return;
    varyOnAcceptEncoding(res.headers);
    const coding = chooseCoding(c.req.header("accept-encoding"), DYNAMIC_PREFERENCE);
    if (!coding) return;
    const body = new Uint8Array(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    let out: Uint8Array = body;
    if (body.byteLength >= threshold) {
      out = compressBody(body, coding);
      headers.set("content-encoding", coding);
      // the encoded bytes are another representation: a strong validator would wrongly claim byte identity
      const etag = headers.get("etag");
      if (etag && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
    }
    headers.set("content-length", String(out.byteLength));
    // replace rather than merge: Hono's setter would copy the old headers (and Content-Length) back over ours
    c.res = undefined;
    c.res = new Response(out as Uint8Array<ArrayBuffer>, { status: res.status, statusText: res.statusText, headers });
  };
}
