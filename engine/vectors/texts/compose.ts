// Builds the text a record is embedded from: "Label: value" parts joined by single spaces, empty parts skipped
// (study §7.2), whitespace collapsed, and the whole bounded in size: each long field is cut at a word boundary so
// that the text fits MAX_TEXT_CHARS, longest fields cut first (a 60 KB description cannot crowd out the summary,
// and no input reaches an embedding model's token limit).

/** ~1,500–2,500 tokens: far inside every embedding model's per-input limit (8,192 for OpenAI's). */
export const MAX_TEXT_CHARS = 6000;

export type Field = [label: string, value: unknown];

function clean(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = Array.isArray(value)
    ? value.filter((v) => v !== null && v !== undefined && String(v).trim() !== "").join(", ")
    : String(value);
  return text.replace(/\s+/g, " ").trim();
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, Math.max(0, max - 1));
  const space = head.lastIndexOf(" ");
  return `${space > max * 0.6 ? head.slice(0, space) : head}…`;
}

export function compose(fields: Field[], max = MAX_TEXT_CHARS): string {
  const parts = fields.map(([label, value]) => ({ label, text: clean(value) })).filter((p) => p.text !== "");
  const overhead = parts.reduce((n, p) => n + p.label.length + 3, 0);
  let budget = max - overhead;
  // Water-filling: short fields keep their full text, the rest share what is left equally.
  const order = parts.map((_p, i) => i).sort((a, b) => parts[a].text.length - parts[b].text.length);
  const limits = new Array<number>(parts.length);
  order.forEach((i, k) => {
    const share = Math.floor(budget / (order.length - k));
    limits[i] = Math.min(parts[i].text.length, Math.max(0, share));
    budget -= limits[i];
  });
  return parts
    .map((p, i) => ({ ...p, text: cut(p.text, limits[i]) }))
    .filter((p) => p.text !== "" && p.text !== "…")
    .map((p) => `${p.label}: ${p.text}`)
    .join(" ");
}
