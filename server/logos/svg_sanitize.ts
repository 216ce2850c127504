// Uploaded SVG logos are rebuilt from an allow-list, not filtered from a block-list: the file is tokenized, and only
// known drawing elements with known presentation attributes are written out again, every value re-escaped. So there
// is no script, no event handler, no <style>, no <foreignObject>, no external reference (href and url() may only
// point inside the file: "#id"), no entity or DOCTYPE (refused outright), and nothing the browser could load from
// elsewhere. An element that is not allowed is dropped with everything inside it. The result is also served with a
// CSP that forbids scripts (routes/app/etl/logos.ts), so a mistake here would still not run code.

export const MAX_SVG_BYTES = 100 * 1024;

export class SvgRejected extends Error {
  override readonly name = "SvgRejected";
}

const ELEMENTS = new Set([
  "svg",
  "g",
  "path",
  "rect",
  "circle",
  "ellipse",
  "line",
  "polyline",
  "polygon",
  "defs",
  "lineargradient",
  "radialgradient",
  "stop",
  "clippath",
  "mask",
  "pattern",
  "symbol",
  "use",
  "title",
  "desc",
  "text",
  "tspan",
]);

/** Elements whose text content is kept (escaped). */
const TEXT_ELEMENTS = new Set(["title", "desc", "text", "tspan"]);

const ATTRIBUTES = new Set([
  "id",
  "class",
  "viewbox",
  "width",
  "height",
  "x",
  "y",
  "x1",
  "x2",
  "y1",
  "y2",
  "cx",
  "cy",
  "r",
  "rx",
  "ry",
  "fx",
  "fy",
  "dx",
  "dy",
  "d",
  "points",
  "fill",
  "fill-opacity",
  "fill-rule",
  "stroke",
  "stroke-width",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-miterlimit",
  "stroke-dasharray",
  "stroke-dashoffset",
  "stroke-opacity",
  "clip-rule",
  "clip-path",
  "mask",
  "opacity",
  "transform",
  "offset",
  "stop-color",
  "stop-opacity",
  "gradientunits",
  "gradienttransform",
  "spreadmethod",
  "maskunits",
  "maskcontentunits",
  "clippathunits",
  "patternunits",
  "patterncontentunits",
  "patterntransform",
  "preserveaspectratio",
  "version",
  "href",
  "font-family",
  "font-size",
  "font-weight",
  "font-style",
  "text-anchor",
  "dominant-baseline",
  "letter-spacing",
  "display",
  "visibility",
  "color",
  "vector-effect",
  "shape-rendering",
  "paint-order",
  "style",
  "role",
  "aria-label",
  "aria-hidden",
]);

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : "";
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

function escape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A reference may only name something inside the file. */
const LOCAL_REF = /^#[A-Za-z_][\w.-]*$/;

/** The attribute value to keep, or null to drop the attribute. */
function safeValue(name: string, raw: string): string | null {
  // control characters and whitespace hidden inside scheme names ("java\tscript:") are removed before the check
  const value = decode(raw);
  // deno-lint-ignore no-control-regex -- control characters are exactly what is being removed
  const squashed = value.replace(/[\s\u0000-\u001f]+/g, "").toLowerCase();
  if (squashed.includes("javascript:") || squashed.includes("data:") || squashed.includes("vbscript:")) return null;
  if (name === "href") return LOCAL_REF.test(value.trim()) ? value.trim() : null;
  // every url(…) must point inside the file
  for (const rest of value.split(/url\(/i).slice(1)) {
    const end = rest.indexOf(")");
    const target = (end < 0 ? rest : rest.slice(0, end)).trim().replace(/^['"]|['"]$/g, "");
    if (end < 0 || !LOCAL_REF.test(target)) return null;
  }
  if (name === "style" && /[@\\]|expression|behavior|-moz-binding/i.test(value)) return null;
  return value;
}

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<![^>]*>|<\?[\s\S]*?\?>|<\/\s*([^\s>]+)\s*>|<([^\s/>]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|[^<]+|</g;
const ATTR = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

/**
 * The sanitized SVG text; throws SvgRejected (with a reason an operator can act on) when the file is too large,
 * not an SVG, or uses a DOCTYPE or entity declarations.
 */
export function sanitizeSvg(input: string): string {
  if (new TextEncoder().encode(input).byteLength > MAX_SVG_BYTES) {
    throw new SvgRejected(`the SVG is larger than ${MAX_SVG_BYTES / 1024} KB`);
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(input)) {
    throw new SvgRejected("SVGs with a DOCTYPE or entity declarations are refused");
  }
  const out: string[] = [];
  // one entry per open element: its name and whether it (or an ancestor) is dropped
  const stack: Array<{ name: string; dropped: boolean }> = [];
  let sawRoot = false;
  let elements = 0;
  for (const m of input.matchAll(TOKEN)) {
    const token = m[0];
    const parent = stack.at(-1);
    const insideDropped = parent?.dropped ?? false;
    if (m[2] !== undefined) {
      // closing tag: pop up to the matching element (tolerates unclosed children)
      const name = m[2].toLowerCase();
      const at = stack.map((e) => e.name).lastIndexOf(name);
      if (at < 0) continue;
      while (stack.length > at) {
        const e = stack.pop()!;
        if (!e.dropped) out.push(`</${canonical(e.name)}>`);
      }
      continue;
    }
    if (m[3] !== undefined) {
      const name = m[3].replace(/^svg:/i, "").toLowerCase();
      const selfClosing = m[5] === "/";
      if (!sawRoot) {
        if (name !== "svg") throw new SvgRejected("the file is not an SVG image (its first element is not <svg>)");
        sawRoot = true;
      }
      const dropped = insideDropped || !ELEMENTS.has(name);
      if (!dropped) {
        elements++;
        const attrs: string[] = [];
        if (name === "svg" && stack.length === 0) attrs.push(`xmlns="http://www.w3.org/2000/svg"`);
        for (const a of (m[4] ?? "").matchAll(ATTR)) {
          let attr = a[1].toLowerCase();
          if (attr === "xlink:href") attr = "href";
          if (!ATTRIBUTES.has(attr)) continue;
          const raw = a[2] ?? a[3] ?? a[4];
          if (raw === undefined) continue;
          const value = safeValue(attr, raw);
          if (value !== null) attrs.push(`${canonicalAttr(attr)}="${escape(value)}"`);
        }
        out.push(`<${canonical(name)}${attrs.length ? " " + attrs.join(" ") : ""}${selfClosing ? "/" : ""}>`);
      }
      if (!selfClosing) stack.push({ name, dropped });
      continue;
    }
    if (token.startsWith("<")) {
      // comments, processing instructions, stray "<": dropped; CDATA only as text below
      if (m[1] !== undefined && parent && !parent.dropped && TEXT_ELEMENTS.has(parent.name)) out.push(escape(m[1]));
      continue;
    }
    if (parent && !parent.dropped && TEXT_ELEMENTS.has(parent.name)) out.push(escape(decode(token)));
    else if (/^\s+$/.test(token) && !insideDropped && parent) out.push(token.includes("\n") ? "\n" : " ");
  }
  if (!sawRoot || elements < 2) throw new SvgRejected("the SVG draws nothing Sluice can show");
  while (stack.length) {
    const e = stack.pop()!;
    if (!e.dropped) out.push(`</${canonical(e.name)}>`);
  }
  return out.join("");
}

const CASED: Record<string, string> = {
  lineargradient: "linearGradient",
  radialgradient: "radialGradient",
  clippath: "clipPath",
};

function canonical(name: string): string {
  return CASED[name] ?? name;
}

const CASED_ATTRS: Record<string, string> = {
  viewbox: "viewBox",
  gradientunits: "gradientUnits",
  gradienttransform: "gradientTransform",
  spreadmethod: "spreadMethod",
  maskunits: "maskUnits",
  maskcontentunits: "maskContentUnits",
  clippathunits: "clipPathUnits",
  patternunits: "patternUnits",
  patterncontentunits: "patternContentUnits",
  patterntransform: "patternTransform",
  preserveaspectratio: "preserveAspectRatio",
};

function canonicalAttr(name: string): string {
  return CASED_ATTRS[name] ?? name;
}
