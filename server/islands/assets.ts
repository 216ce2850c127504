// Static file serving. `<staticUrl>/build/<buildId>/…` is content-addressed (the id hashes every output byte), so it
// is cached forever (`immutable`); every other file under `<staticUrl>/` is revalidated each time (`no-cache` + ETag).
// Files are read with Deno.readFile, which also reads files embedded by `deno compile --include static`.
import type { MiddlewareHandler } from "hono";
import { extname, join } from "node:path";
import type { IslandsConfig } from "./config.ts";

export const IMMUTABLE = "public, max-age=31536000, immutable";
export const REVALIDATE = "no-cache";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".webmanifest": "application/manifest+json",
};

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
    if (parts[0] === "build") {
      // Only files inside a build folder are public; current.json and manifests stay server-side.
      const [, buildId, ...rest] = parts;
      if (!buildId || !/^[0-9a-f]{16}$/.test(buildId) || rest.length === 0 || rest.join("/") === "manifest.json") {
        return await next();
      }
      file = join(cfg.buildDir, buildId, ...rest);
      cacheControl = IMMUTABLE;
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
    const etag = `W/"${info.size.toString(36)}-${(info.mtime?.getTime() ?? 0).toString(36)}"`;
    const headers = new Headers({
      "cache-control": cacheControl,
      "etag": etag,
      "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
      "x-content-type-options": "nosniff",
    });
    const ifNoneMatch = c.req.header("if-none-match");
    if (ifNoneMatch && ifNoneMatch.split(",").some((t) => t.trim() === etag || t.trim() === "*")) {
      return new Response(null, { status: 304, headers });
    }
    const body = await Deno.readFile(file);
    headers.set("content-length", String(body.byteLength));
    return new Response(c.req.method === "HEAD" ? null : body, { status: 200, headers });
  };
}
