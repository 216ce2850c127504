// Atlassian Document Format → plain text. API v3 returns rich text (description, textarea custom fields) as an ADF
// tree; search, embedding and the UI want readable text. Block nodes end with a newline, list items get a bullet,
// table cells are separated by " | ", and inline nodes that carry their text in attributes (mentions, emoji,
// dates, status lozenges, cards) contribute that text. Media has no text and is dropped.

interface AdfNode {
  type?: string;
  text?: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
}

const BLOCKS = new Set(["paragraph", "heading", "blockquote", "codeBlock", "panel", "rule", "expand"]);

export function isAdfDocument(value: unknown): boolean {
  return !!value && typeof value === "object" && (value as AdfNode).type === "doc" &&
    Array.isArray((value as AdfNode).content);
}

/** Plain text of an ADF document; strings (API v2 wiki markup) pass through unchanged, anything else is null. */
export function adfToText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (!isAdfDocument(value)) return null;
  const out: string[] = [];
  walk(value as AdfNode, out, 0);
  const text = out.join("").replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
  return text === "" ? null : text;
}

function walk(node: AdfNode, out: string[], depth: number): void {
  if (depth > 64) return; // a hostile or broken document cannot blow the stack
  const attrs = node.attrs ?? {};
  switch (node.type) {
    case "text":
      out.push(node.text ?? "");
      return;
    case "hardBreak":
      out.push("\n");
      return;
    case "mention":
      out.push(String(attrs.text ?? ""));
      return;
    case "emoji":
      out.push(String(attrs.text ?? attrs.shortName ?? ""));
      return;
    case "date":
      if (attrs.timestamp !== undefined) out.push(new Date(Number(attrs.timestamp)).toISOString().slice(0, 10));
      return;
    case "status":
      out.push(String(attrs.text ?? ""));
      return;
    case "inlineCard":
    case "blockCard":
    case "embedCard":
      out.push(String(attrs.url ?? ""));
      return;
    case "media":
    case "mediaSingle":
    case "mediaGroup":
    case "mediaInline":
      return;
    case "listItem":
      out.push("- ");
      break;
    case "tableRow": {
      // one line per row, cells separated by " | "
      const cells = (node.content ?? []).map((cell) => {
        const parts: string[] = [];
        walk(cell, parts, depth + 1);
        return parts.join("").replace(/\s+/g, " ").trim();
      });
      out.push(cells.join(" | "), "\n");
      return;
    }
  }
  for (const child of node.content ?? []) walk(child, out, depth + 1);
  if (node.type && (BLOCKS.has(node.type) || node.type === "listItem")) {
    if (out.length && !out[out.length - 1].endsWith("\n")) out.push("\n");
  }
}
