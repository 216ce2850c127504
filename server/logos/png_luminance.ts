// Average luminance of an uploaded PNG's painted pixels, for the same dark-mode rule the SVG logos follow (a logo
// darker than 0.5 on average turns white in dark mode): decoded here, once, at upload — the browser needs no canvas.
// Pixels count by their alpha, so a dark mark on a transparent background reads as dark. Interlaced (Adam7) images
// are not decoded (null: shown as they are); logos are small and rarely interlaced.
import { relativeLuminance } from "../../routes/pages/logo_luminance.ts";

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface Header {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace: number;
}

function chunks(bytes: Uint8Array): { header: Header; idat: Uint8Array[]; plte?: Uint8Array; trns?: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | undefined;
  const idat: Uint8Array[] = [];
  let plte: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (data.length !== length) throw new Error("truncated chunk");
    if (type === "IHDR") {
      header = {
        width: view.getUint32(at + 8),
        height: view.getUint32(at + 12),
        depth: data[8],
        colorType: data[9],
        interlace: data[12],
      };
    } else if (type === "IDAT") idat.push(data);
    else if (type === "PLTE") plte = data;
    else if (type === "tRNS") trns = data;
    else if (type === "IEND") break;
    at += 12 + length;
  }
  if (!header) throw new Error("no header");
  return { header, idat, plte, trns };
}

async function inflate(parts: Uint8Array[]): Promise<Uint8Array> {
  const stream = new Blob(parts as Uint8Array<ArrayBuffer>[]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Reverses the per-row filters (PNG spec §9) in place; returns the unfiltered rows without their filter bytes. */
function unfilter(raw: Uint8Array, h: Header): Uint8Array[] {
  const bitsPerPixel = CHANNELS[h.colorType] * h.depth;
  const stride = Math.ceil((h.width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  if (raw.length < h.height * (stride + 1)) throw new Error("short image data");
  const rows: Uint8Array[] = [];
  let prev: Uint8Array = new Uint8Array(stride);
  for (let y = 0; y < h.height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let add = 0;
      if (filter === 1) add = a;
      else if (filter === 2) add = b;
      else if (filter === 3) add = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`unknown filter ${filter}`);
      row[i] = (row[i] + add) & 0xff;
    }
    rows.push(row);
    prev = row;
  }
  return rows;
}

/** Sample `index` of a row as a value scaled to 0–255 (indexed colour: the palette index itself). */
function sample(row: Uint8Array, index: number, depth: number, indexed: boolean): number {
  if (depth === 8) return row[index];
  if (depth === 16) return row[index * 2];
  const perByte = 8 / depth;
  const value = (row[Math.floor(index / perByte)] >> (8 - depth * (1 + (index % perByte)))) & ((1 << depth) - 1);
  return indexed ? value : Math.round((value * 255) / ((1 << depth) - 1));
}

/** Alpha-weighted mean relative luminance of the image, or null when it cannot be told (interlaced, transparent). */
export async function pngLuminance(bytes: Uint8Array): Promise<number | null> {
  const { header: h, idat, plte, trns } = chunks(bytes);
  const channels = CHANNELS[h.colorType];
  if (!channels || h.interlace !== 0 || !idat.length) return null;
  const rows = unfilter(await inflate(idat), h);
  const indexed = h.colorType === 3;
  // sample every pixel of a small logo, a grid of about 256×256 of a large one
  const step = Math.max(1, Math.floor(Math.max(h.width, h.height) / 256));
  let weight = 0, sum = 0;
  for (let y = 0; y < h.height; y += step) {
    const row = rows[y];
    for (let x = 0; x < h.width; x += step) {
      const s = (k: number) => sample(row, x * channels + k, h.depth, indexed);
      let rgb: [number, number, number], alpha = 255;
      if (indexed) {
        const i = s(0);
        rgb = plte ? [plte[i * 3] ?? 0, plte[i * 3 + 1] ?? 0, plte[i * 3 + 2] ?? 0] : [0, 0, 0];
        alpha = trns?.[i] ?? 255;
      } else if (h.colorType === 0 || h.colorType === 4) {
        rgb = [s(0), s(0), s(0)];
        if (h.colorType === 4) alpha = s(1);
      } else {
        rgb = [s(0), s(1), s(2)];
        if (h.colorType === 6) alpha = s(3);
      }
      weight += alpha;
      sum += alpha * relativeLuminance(rgb);
    }
  }
  return weight > 0 ? sum / weight : null;
}

/** The dark-mode rule for PNGs: invert a logo that is dark on average; an image that cannot be read stays as is. */
export async function pngShouldInvertInDark(bytes: Uint8Array): Promise<boolean> {
  try {
    const luminance = await pngLuminance(bytes);
    return luminance !== null && luminance < 0.5;
  } catch {
    return false; // checkPng already accepted it as a PNG; a decoding quirk only costs the inversion
  }
}
