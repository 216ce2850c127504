// Integration logos: the bundled files in static/logos, and uploads kept per tenant in integration_logos — an SVG
// only after sanitizing (svg_sanitize.ts), a PNG only when it really is one (signature and header checked, size
// bounded). Each logo knows whether it turns white in dark mode (computed once at upload from the SVG's colours or the
// PNG's pixels). Pages and the API resolve what a card or a list row shows with `resolveLogos`.
import type { Queryable } from "../../db/port.ts";
import { integrationLogo, shouldInvertInDark } from "../../routes/pages/logo_luminance.ts";
import { sanitizeSvg, SvgRejected } from "./svg_sanitize.ts";
import { pngShouldInvertInDark } from "./png_luminance.ts";

export const MAX_PNG_BYTES = 256 * 1024;
const MAX_PNG_SIDE = 2048;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export class LogoRejected extends Error {
  override readonly name = "LogoRejected";
}

export interface LogoInfo {
  src: string;
  invertInDark: boolean;
}

export type LogoType = "image/svg+xml" | "image/png";

/** Width and height of a PNG, or LogoRejected when the bytes are not a PNG Sluice will show. */
export function checkPng(bytes: Uint8Array): { width: number; height: number } {
  if (bytes.byteLength > MAX_PNG_BYTES) throw new LogoRejected(`the PNG is larger than ${MAX_PNG_BYTES / 1024} KB`);
  if (bytes.byteLength < 33 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new LogoRejected("the file is not a PNG image");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunk = String.fromCharCode(...bytes.slice(12, 16));
  if (chunk !== "IHDR") throw new LogoRejected("the PNG has no header chunk");
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (!width || !height || width > MAX_PNG_SIDE || height > MAX_PNG_SIDE) {
    throw new LogoRejected(`the PNG must be between 1 and ${MAX_PNG_SIDE} pixels on each side`);
  }
  return { width, height };
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Checks (and for SVG rebuilds) an uploaded logo and keeps it for the tenant; the same image twice is one row. */
export async function storeLogo(
  db: Queryable,
  tenantId: number,
  upload: { filename: string; contentType: LogoType; bytes: Uint8Array },
): Promise<{ id: number; invertInDark: boolean }> {
  let bytes = upload.bytes;
  let invertInDark = false;
  if (upload.contentType === "image/svg+xml") {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new LogoRejected("the SVG is not UTF-8 text");
    }
    try {
      const clean = sanitizeSvg(text);
      invertInDark = shouldInvertInDark(clean);
      bytes = new TextEncoder().encode(clean);
    } catch (e) {
      if (e instanceof SvgRejected) throw new LogoRejected(e.message);
      throw e;
    }
  } else {
    checkPng(bytes);
    invertInDark = await pngShouldInvertInDark(bytes);
  }
  const [row] = await db.query<{ id: number; invert_in_dark: boolean }>(
    `INSERT INTO integration_logos (tenant_id, content_type, bytes, sha256, invert_in_dark, filename)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, sha256) DO UPDATE SET filename = EXCLUDED.filename
     RETURNING id, invert_in_dark`,
    [tenantId, upload.contentType, bytes, await sha256(bytes), invertInDark, upload.filename.slice(0, 200)],
  );
  return { id: Number(row.id), invertInDark: row.invert_in_dark };
}

export async function readLogo(db: Queryable, tenantId: number, id: number) {
  const [row] = await db.query<{ content_type: string; bytes: Uint8Array; filename: string }>(
    "SELECT content_type, bytes, filename FROM integration_logos WHERE tenant_id = $1 AND id = $2",
    [tenantId, id],
  );
  return row;
}

export const uploadedLogoUrl = (id: number) => `/app/etl/logos/${id}`;

/** What each item shows: its uploaded logo, else its bundled file, else the neutral mark. */
export async function resolveLogos(
  db: Queryable,
  tenantId: number,
  items: Array<{ logoId?: number | null; logoFilename?: string | null }>,
): Promise<LogoInfo[]> {
  const ids = [...new Set(items.map((i) => i.logoId).filter((id): id is number => typeof id === "number"))];
  const uploaded = new Map<number, boolean>();
  if (ids.length) {
    const rows = await db.query<{ id: number; invert_in_dark: boolean }>(
      "SELECT id, invert_in_dark FROM integration_logos WHERE tenant_id = $1 AND id = ANY($2::int[])",
      [tenantId, ids],
    );
    for (const r of rows) uploaded.set(Number(r.id), r.invert_in_dark);
  }
  return await Promise.all(
    items.map((i) =>
      i.logoId != null && uploaded.has(i.logoId)
        ? { src: uploadedLogoUrl(i.logoId), invertInDark: uploaded.get(i.logoId)! }
        : integrationLogo(i.logoFilename)
    ),
  );
}

/** The logos shipped with Sluice that an integration can pick (the tenant's own mark aside). */
export async function bundledLogos(dir = new URL("../../static/logos/", import.meta.url)): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".svg") && e.name !== "sluice.svg") names.push(e.name);
  }
  return names.sort();
}
