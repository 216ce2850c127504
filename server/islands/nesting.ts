// Cheap SSR-time check for markup the browser's HTML parser rearranges. Island and slot markers are comments; when
// the parser closes a `<p>` early or foster-parents table content, the end marker lands under another parent and the
// client cannot revive the island (it logs an error and keeps the server HTML). Catching the common cases while
// rendering lets the server log a warning that names the island before anyone opens a browser.

// Start tags that close an open <p> (HTML "in body" insertion mode).
const P_CLOSERS = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "center",
  "details",
  "dialog",
  "dir",
  "div",
  "dl",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hgroup",
  "hr",
  "main",
  "menu",
  "nav",
  "ol",
  "p",
  "pre",
  "search",
  "section",
  "summary",
  "table",
  "ul",
]);

// Elements that bound "button scope": a <p> above one of these is not closed.
const BUTTON_SCOPE = new Set([
  "applet",
  "button",
  "caption",
  "html",
  "marquee",
  "object",
  "table",
  "td",
  "template",
  "th",
  "svg",
  "math",
]);

// Children the parser accepts in table-ish parents; anything else is moved in front of the table.
const TABLE_CHILDREN: Record<string, Set<string>> = {
  table: new Set(["caption", "colgroup", "thead", "tbody", "tfoot", "tr", "script", "template", "style"]),
  thead: new Set(["tr", "script", "template"]),
  tbody: new Set(["tr", "script", "template"]),
  tfoot: new Set(["tr", "script", "template"]),
  tr: new Set(["td", "th", "script", "template"]),
  select: new Set(["option", "optgroup", "hr", "script", "template"]),
};

/**
 * `open` is the stack of open element names; markers were emitted when the stack had `base` entries. Returns a
 * description when opening `tag` now would make the parser move content across the marker boundary.
 */
export function nestingProblem(open: readonly string[], base: number, tag: string): string | null {
  const parentIndex = open.length - 1;
  if (parentIndex >= 0 && parentIndex < base) {
    const parent = open[parentIndex];
    const allowed = TABLE_CHILDREN[parent];
    if (allowed && !allowed.has(tag)) return `<${tag}> placed directly inside <${parent}>`;
  }
  if (P_CLOSERS.has(tag)) {
    for (let i = parentIndex; i >= 0; i--) {
      if (BUTTON_SCOPE.has(open[i])) break;
      if (open[i] === "p") return i < base ? `<${tag}> inside <p>` : null;
    }
  }
  if (tag === "a" || tag === "li") {
    const stop = tag === "li" ? new Set(["ul", "ol", ...BUTTON_SCOPE]) : BUTTON_SCOPE;
    for (let i = parentIndex; i >= 0; i--) {
      if (stop.has(open[i])) break;
      if (open[i] === tag) return i < base ? `<${tag}> inside <${tag}>` : null;
    }
  }
  return null;
}
