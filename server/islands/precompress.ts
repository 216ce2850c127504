// Build-time compression of the asset build: every compressible output file gets `.br` (brotli, quality 11) and
// `.gz` (gzip, level 9) siblings, written once by `deno task build`, so a request for a script costs a file read
// and no CPU. A variant that would not be smaller than the file is not written. The asset middleware serves a
// variant when the request accepts it (server/islands/assets.ts); build folders are content-addressed, so which
// variants exist is looked up once per file and remembered.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { extname } from "node:path";
import type { Coding } from "../http/accept_encoding.ts";
import { isCompressibleType } from "../http/compress.ts";
import { contentTypeOf } from "./content_types.ts";

export const VARIANT_SUFFIX: Record<Coding, string> = { br: ".br", gzip: ".gz" };
/** Static variants: brotli first (smaller, and free at request time). */
export const STATIC_PREFERENCE: readonly Coding[] = ["br", "gzip"];

export function isPrecompressible(name: string): boolean {
  return !(name.endsWith(".br") || name.endsWith(".gz")) && isCompressibleType(contentTypeOf(extname(name)));
}

/** The `.br`/`.gz` files to write beside the build's outputs (name → bytes). */
export function precompress(files: ReadonlyMap<string, Uint8Array>): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [name, bytes] of files) {
    if (!isPrecompressible(name)) continue;
    const br = brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
      },
    });
    const gz = gzipSync(bytes, { level: 9 });
    if (br.byteLength < bytes.byteLength) out.set(name + VARIANT_SUFFIX.br, br);
    if (gz.byteLength < bytes.byteLength) out.set(name + VARIANT_SUFFIX.gzip, gz);
  }
  return out;
}

export interface Variant {
  coding: Coding;
  file: string;
  size: number;
  mtimeMs: number;
}

const known = new Map<string, Variant[]>();

/** The precompressed variants of an immutable build file (remembered: build folders never change). */
export async function variantsOf(file: string): Promise<Variant[]> {
  const hit = known.get(file);
  if (hit) return hit;
  const found: Variant[] = [];
  for (const coding of STATIC_PREFERENCE) {
    const path = file + VARIANT_SUFFIX[coding];
    try {
      const info = await Deno.stat(path);
      if (info.isFile) found.push({ coding, file: path, size: info.size, mtimeMs: info.mtime?.getTime() ?? 0 });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  if (known.size > 2_000) known.clear();
  known.set(file, found);
  return found;
}
