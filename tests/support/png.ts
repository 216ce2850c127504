// A small PNG encoder for tests: every colour type and bit depth the logo checks read, with a chosen row filter, so
// a decoder is tested on real PNG bytes (zlib stream, chunk CRCs) rather than on hand-made arrays.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export interface PngSpec {
  width: number;
  height: number;
  /** 0 grey, 2 RGB, 3 indexed, 4 grey+alpha, 6 RGBA */
  colorType: 0 | 2 | 3 | 4 | 6;
  depth?: 1 | 2 | 4 | 8 | 16;
  /** Samples of pixel (x, y), one per channel, in the image's own depth (palette index for indexed). */
  pixel: (x: number, y: number) => number[];
  palette?: Array<[number, number, number]>;
  paletteAlpha?: number[];
  /** Row filter used for every row (0 none, 1 sub, 2 up, 3 average, 4 Paeth). */
  filter?: 0 | 1 | 2 | 3 | 4;
}

function packRow(spec: PngSpec, y: number, depth: number): Uint8Array {
  const samples: number[] = [];
  for (let x = 0; x < spec.width; x++) samples.push(...spec.pixel(x, y));
  if (depth === 8) return Uint8Array.from(samples);
  if (depth === 16) return Uint8Array.from(samples.flatMap((s) => [s >> 8, s & 0xff]));
  const row = new Uint8Array(Math.ceil((samples.length * depth) / 8));
  samples.forEach((s, i) => row[Math.floor((i * depth) / 8)] |= s << (8 - depth - ((i * depth) % 8)));
  return row;
}

function filterRow(row: Uint8Array, prev: Uint8Array, bpp: number, filter: number): Uint8Array {
  const out = new Uint8Array(row.length);
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
    const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
    const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
    out[i] = (row[i] - predictor) & 0xff;
  }
  return out;
}

export async function encodePng(spec: PngSpec): Promise<Uint8Array> {
  const depth = spec.depth ?? 8;
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[spec.colorType];
  const bpp = Math.max(1, (channels * depth) >> 3);
  const rows: Uint8Array[] = [];
  let prev: Uint8Array = new Uint8Array(Math.ceil((spec.width * channels * depth) / 8));
  for (let y = 0; y < spec.height; y++) {
    const row = packRow(spec, y, depth);
    rows.push(Uint8Array.of(spec.filter ?? 0), filterRow(row, prev, bpp, spec.filter ?? 0));
    prev = row;
  }
  const raw = new Uint8Array(rows.reduce((n, r) => n + r.length, 0));
  rows.reduce((at, r) => (raw.set(r, at), at + r.length), 0);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, spec.width);
  view.setUint32(4, spec.height);
  header.set([depth, spec.colorType, 0, 0, 0], 8);
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk("IHDR", header),
    ...(spec.palette ? [chunk("PLTE", Uint8Array.from(spec.palette.flat()))] : []),
    ...(spec.paletteAlpha ? [chunk("tRNS", Uint8Array.from(spec.paletteAlpha))] : []),
    chunk("IDAT", await deflate(raw)),
    chunk("IEND", new Uint8Array()),
  ];
  const png = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (png.set(p, at), at + p.length), 0);
  return png;
}
