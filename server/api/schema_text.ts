// A JSON Schema (as zod writes it into the OpenAPI document) in compact TypeScript-like notation for people to read
// on the API reference page: `{ id: integer ≥ 1; name?: string | null }`. References print as their component name.
// The walk is bounded (depth) because schemas can reference themselves.
type Schema = Record<string, unknown>;

const MAX_DEPTH = 12;

/** "#/components/schemas/JobCard" → "JobCard" */
export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf("/") + 1);
}

function literal(value: unknown): string {
  return JSON.stringify(value);
}

function range(s: Schema): string {
  const parts: string[] = [];
  const min = s.minimum ?? s.exclusiveMinimum;
  const max = s.maximum;
  // the int53 bounds zod adds to every integer say nothing to a reader
  if (typeof min === "number" && min > -Number.MAX_SAFE_INTEGER) {
    parts.push(`${s.exclusiveMinimum !== undefined ? ">" : "≥"} ${min}`);
  }
  if (typeof max === "number" && max < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${max}`);
  if (typeof s.minLength === "number" && s.minLength > 0) parts.push(`length ≥ ${s.minLength}`);
  if (typeof s.maxLength === "number") parts.push(`length ≤ ${s.maxLength}`);
  if (typeof s.format === "string") parts.push(s.format);
  else if (typeof s.pattern === "string" && s.pattern.length <= 40) parts.push(`/${s.pattern}/`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

function scalar(type: string, s: Schema): string {
  return type === "null" ? "null" : `${type}${range(s)}`;
}

function objectText(s: Schema, indent: string, depth: number): string {
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set((s.required ?? []) as string[]);
  const inner = indent + "  ";
  const lines = Object.entries(properties).map(([key, value]) => {
    const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : literal(key);
    return `${inner}${name}${required.has(key) ? "" : "?"}: ${text(value, inner, depth + 1)};`;
  });
  const extra = s.additionalProperties;
  if (extra && typeof extra === "object") {
    const value = Object.keys(extra).length ? text(extra as Schema, inner, depth + 1) : "any";
    lines.push(`${inner}[key: string]: ${value};`);
  } else if (extra === undefined && !lines.length) return "object";
  return lines.length ? `{\n${lines.join("\n")}\n${indent}}` : "{}";
}

function text(s: Schema, indent: string, depth: number): string {
  if (depth > MAX_DEPTH) return "…";
  if (typeof s.$ref === "string") return refName(s.$ref);
  if ("const" in s) return literal(s.const);
  if (Array.isArray(s.enum)) return s.enum.map(literal).join(" | ");
  const union = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(union)) return union.map((u) => text(u, indent, depth + 1)).join(" | ");
  const type = s.type;
  if (Array.isArray(type)) {
    return type.map((t) => (t === "null" ? "null" : text({ ...s, type: t }, indent, depth))).join(" | ");
  }
  if (type === "object") return objectText(s, indent, depth);
  if (type === "array") {
    const items = (s.items ?? {}) as Schema;
    const inner = text(items, indent, depth + 1);
    return /[\s|]/.test(inner) && !inner.startsWith("{") ? `Array<${inner}>` : `${inner}[]`;
  }
  if (typeof type === "string") return scalar(type, s);
  return "any";
}

/** The schema as readable text; `indent` prefixes continuation lines. */
export function schemaText(schema: Schema, indent = ""): string {
  return text(schema, indent, 0);
}
