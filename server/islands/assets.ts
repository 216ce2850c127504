// Static file serving. `<staticUrl>/build/<buildId>/…` is content-addressed (the id hashes every output byte), so it
// is cached forever (`immutable`); every other file under `<staticUrl>/` is revalidated each time (`no-cache` + ETag).
// Files are read with Deno.readFile, which also reads files embedded by `deno compile --include static`. Build files
// are sent precompressed (brotli or gzip, as the request accepts) when the build wrote variants beside them.
import type { MiddlewareHandler } from "hono";
import { extname, join } from "node:path";
import type { IslandsConfig } from "./config.ts";
import { contentTypeOf } from "./content_types.ts";
import { isPrecompressible, variantsOf } from "./precompress.ts";
import { chooseCoding } from "../http/accept_encoding.ts";

export const IMMUTABLE = "public, max-age=31536000, immutable";
export const REVALIDATE = "no-cache";

/** Decoded path segments below the prefix, or null when a segment tries to leave the folder. */
function segments(rest: string): string[] | null {
  let parts: string[];
  try {
    parts = rest.split("/").map(decodeURIComponent);
  } catch {
    return null;
  }
  for (const p of parts) {
    // A decoded "/" (from %2F) would smuggle extra segments past this check into join().
    if (p === "" || p === "." || p === ".." || /[/\\\0]/.test(p)) return null;
  }
  return parts;
}

export function assetMiddleware(getConfig: () => IslandsConfig): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return await next();
    const cfg = getConfig();
    const prefix = cfg.staticUrl + "/";
    if (!c.req.path.startsWith(prefix)) return await next();
    const parts = segments(c.req.path.slice(prefix.length));
    if (!parts) return c.json({ error: "invalid static file path: empty, '.', '..' or encoded slash segment" }, 400);
    let file: string;
    let cacheControl: string;
    let immutable = false;
    if (parts[0] === "build") {
      // Only files inside a build folder are public; current.json and manifests stay server-side.
      const [, buildId, ...rest] = parts;
      if (!buildId || !/^[0-9a-f]{16}$/.test(buildId) || rest.length === 0 || rest.join("/") === "manifest.json") {
        return await next();
      }
      file = join(cfg.buildDir, buildId, ...rest);
      cacheControl = IMMUTABLE;
      immutable = true;
    } else {
      file = join(cfg.staticDir, ...parts);
      cacheControl = REVALIDATE;
    }
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(file);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return await next();
      throw e;
    }
    if (!info.isFile) return await next();
    const type = contentTypeOf(extname(file));
    const identityTag = `W/"${info.size.toString(36)}-${(info.mtime?.getTime() ?? 0).toString(36)}"`;
    // A build file may have precompressed siblings (written by the build); other static files are compressed on
    // the fly by compressResponses when they are large enough.
    const variants = immutable && isPrecompressible(file) ? await variantsOf(file) : [];
    const coding = variants.length
      ? chooseCoding(c.req.header("accept-encoding"), variants.map((v) => v.coding))
      : null;
    const variant = variants.find((v) => v.coding === coding);
    // each encoding is its own representation with its own validator
    const etag = variant
      ? `W/"${info.size.toString(36)}-${variant.mtimeMs.toString(36)}-${variant.coding}"`
      : identityTag;
    const headers = new Headers({
      "cache-control": cacheControl,
      "etag": etag,
      "content-type": type,
      "x-content-type-options": "nosniff",
    });
    if (variants.length) headers.set("vary", "Accept-Encoding");
    if (variant) headers.set("content-encoding", variant.coding);
    const ifNoneMatch = c.req.header("if-none-match");
    if (ifNoneMatch && ifNoneMatch.split(",").some((t) => t.trim() === etag || t.trim() === "*")) {
      return new Response(null, { status: 304, headers });
    }
    const body = c.req.method === "HEAD" ? null : await Deno.readFile(variant?.file ?? file);
    headers.set("content-length", String(variant?.size ?? info.size));
    return new Response(body, { status: 200, headers });
  };
}
