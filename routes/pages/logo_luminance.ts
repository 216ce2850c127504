// Dark-mode rule for integration logos (study §9.12): a logo whose average luminance is below 0.5 is shown white in
// dark mode. Computed here, on the server, from the SVG's own colours, once per file (cached for the process), so the
// browser needs no canvas and no JavaScript: the page only adds the `logo-dark-invert` class.
//
// "Average" is an approximation of what a rasterizer would see: each painted colour is weighted by the area of the
// element that paints it (bounding box of rect/circle/ellipse/polygon/path coordinates), strokes count a tenth of
// their element, gradients count as the mean of their stops, and opacity scales the weight.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

type Rgb = [number, number, number];

const LOGO_DIR = fileURLToPath(new URL("../../static/logos/", import.meta.url));
const LOGO_URL = "/static/logos/";
const DEFAULT_LOGO = "default.svg";
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.svg$/;

const NAMED: Record<string, Rgb> = {
  black: [0, 0, 0],
  white: [255, 255, 255],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
  red: [255, 0, 0],
  green: [0, 128, 0],
  blue: [0, 0, 255],
  navy: [0, 0, 128],
  orange: [255, 165, 0],
  yellow: [255, 255, 0],
};

export function parseColor(value: string | undefined): Rgb | null {
  if (!value) return null;
  const v = value.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(v);
  if (m) return [...m[1]].map((c) => parseInt(c + c, 16)) as Rgb;
  m = /^#([0-9a-f]{6})$/.exec(v);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as Rgb;
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/.exec(v);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return NAMED[v] ?? null;
}

/** WCAG relative luminance of an sRGB colour (0 = black, 1 = white). */
export function relativeLuminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function attrs(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of source.matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) out[m[1]] = m[3] ?? m[4];
  // style="fill:#fff; stroke: red" overrides presentation attributes
  for (const decl of (out.style ?? "").split(";")) {
    const [k, v] = decl.split(":").map((s) => s?.trim());
    if (k && v) out[k] = v;
  }
  return out;
}

const num = (v: string | undefined, fallback = 0) => (v === undefined || isNaN(Number(v)) ? fallback : Number(v));

function bboxArea(numbers: number[]): number {
  if (numbers.length < 4) return 0;
  const xs = numbers.filter((_, i) => i % 2 === 0);
  const ys = numbers.filter((_, i) => i % 2 === 1);
  return (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
}

function elementArea(tag: string, a: Record<string, string>, canvas: number): number {
  switch (tag) {
    case "rect":
      return num(a.width, 0) * num(a.height, 0);
    case "circle":
      return Math.PI * num(a.r) ** 2;
    case "ellipse":
      return Math.PI * num(a.rx) * num(a.ry);
    case "polygon":
    case "polyline":
      return bboxArea((a.points ?? "").split(/[\s,]+/).filter(Boolean).map(Number));
    case "path": {
      const d = a.d ?? "";
      // relative commands make coordinates unreliable: count the path as a quarter of the canvas
      if (/[mlhvcsqta]/.test(d.replace(/e-?\d/gi, ""))) return canvas / 4;
      return bboxArea((d.match(/-?\d*\.?\d+/g) ?? []).map(Number));
    }
    case "text":
      return canvas / 6;
    default:
      return 0;
  }
}

/** Mean colour of the painted area of an SVG, or null when nothing is painted with a known colour. */
export function averageSvgColor(svg: string): Rgb | null {
  const gradients = new Map<string, Rgb>();
  for (const g of svg.matchAll(/<(linearGradient|radialGradient)\b([^>]*)>([\s\S]*?)<\/\1>/g)) {
    const id = attrs(g[2]).id;
    const stops = [...g[3].matchAll(/<stop\b([^>]*)>/g)].map((s) => parseColor(attrs(s[1])["stop-color"]))
      .filter((c): c is Rgb => c !== null);
    if (id && stops.length) gradients.set(id, mean(stops.map((c) => [c, 1])));
  }
  const root = attrs(/<svg\b([^>]*)>/.exec(svg)?.[1] ?? "");
  const vb = (root.viewBox ?? "").split(/[\s,]+/).map(Number);
  const canvas = vb.length === 4 ? vb[2] * vb[3] : num(root.width, 100) * num(root.height, 100);
  const paint = (value: string | undefined): Rgb | null => {
    const ref = /^url\(\s*#([^)\s]+)\s*\)$/.exec(value?.trim() ?? "");
    return ref ? gradients.get(ref[1]) ?? null : parseColor(value);
  };
  const samples: Array<[Rgb, number]> = [];
  const body = svg.replace(/<defs\b[\s\S]*?<\/defs>/g, "").replace(
    /<(linear|radial)Gradient\b[\s\S]*?<\/\1Gradient>/g,
    "",
  );
  for (const el of body.matchAll(/<(rect|circle|ellipse|polygon|polyline|path|text)\b([^>]*)>/g)) {
    const a = attrs(el[2]);
    const area = elementArea(el[1], a, canvas) * num(a.opacity, 1);
    if (area <= 0) continue;
    // an element without a fill attribute paints black (the SVG default), unless it says fill="none"
    const fill = a.fill === undefined ? [0, 0, 0] as Rgb : paint(a.fill);
    if (fill) samples.push([fill, area * num(a["fill-opacity"], 1)]);
    const stroke = paint(a.stroke);
    if (stroke) samples.push([stroke, area * 0.1 * num(a["stroke-opacity"], 1)]);
  }
  return samples.length ? mean(samples) : null;
}

function mean(samples: Array<[Rgb, number]>): Rgb {
  const total = samples.reduce((n, [, w]) => n + w, 0) || 1;
  return [0, 1, 2].map((i) => samples.reduce((n, [c, w]) => n + c[i] * w, 0) / total) as Rgb;
}

/** True when the logo should be whitened in dark mode (average luminance below 0.5). Nothing painted → false. */
export function shouldInvertInDark(svg: string): boolean {
  const color = averageSvgColor(svg);
  return color !== null && relativeLuminance(color) < 0.5;
}

export interface LogoInfo {
  src: string;
  invertInDark: boolean;
}

const cache = new Map<string, Promise<LogoInfo>>();

/** Public URL and dark-mode rule of an integration logo file in static/logos (unknown or unsafe name → default). */
export function integrationLogo(filename: string | null | undefined, dir = LOGO_DIR): Promise<LogoInfo> {
  const name = filename && SAFE_NAME.test(filename) ? filename : DEFAULT_LOGO;
  const key = join(dir, name);
  let info = cache.get(key);
  if (!info) {
    info = (async () => {
      try {
        return { src: LOGO_URL + name, invertInDark: shouldInvertInDark(await Deno.readTextFile(key)) };
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound) || name === DEFAULT_LOGO) throw e;
        return await integrationLogo(DEFAULT_LOGO, dir);
      }
    })();
    cache.set(key, info);
    info.catch(() => cache.delete(key));
  }
  return info;
}
