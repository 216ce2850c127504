// Forms from JSON Schema. The server turns its zod schemas into JSON Schema (server/ui/form_schema.ts, with titles,
// descriptions, defaults and presentation hints from `.meta()`), so the browser renders a form for any schema
// without shipping zod. This module is the pure part: the field tree, the raw values a form holds, light checks
// (the server validates again and its 400 field errors are shown the same way) and the payload sent back.
//
// Presentation hints read from the schema (set with zod `.meta({...})`):
//   title, description            label and help text (label falls back to the humanized key)
//   secret: true                  write-only value (a password field; on edit "stored — replace")
//   widget: "textarea"            multi-line text
//   advanced: true                shown under "Advanced settings"
//   placeholder                   input placeholder
//   enumLabels: {value: label}    option labels of an enum
// Shapes understood: object (a group of fields), string (text; format email/uri), number/integer, boolean, enum,
// array of strings (a comma- or line-separated list), object without properties (JSON text), oneOf of objects with
// a shared `const` property (a choice of variant, e.g. credential kinds).

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  title?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
  secret?: boolean;
  widget?: string;
  advanced?: boolean;
  placeholder?: string;
  enumLabels?: Record<string, string>;
}

export type LeafKind = "text" | "textarea" | "password" | "number" | "checkbox" | "select" | "list" | "json";

interface NodeBase {
  /** Dotted path of the value, e.g. "settings.projectKeys". */
  path: string;
  label: string;
  help?: string;
  required: boolean;
  advanced: boolean;
  /** Write-only (the value is never sent back by the server). */
  secret: boolean;
}

export interface LeafNode extends NodeBase {
  kind: LeafKind;
  schema: JsonSchema;
  options?: Array<{ value: string; label: string }>;
  integer?: boolean;
  placeholder?: string;
}

export interface GroupNode extends NodeBase {
  kind: "group";
  children: FieldNode[];
}

export interface VariantNode extends NodeBase {
  kind: "variant";
  /** Property whose `const` tells the variants apart (e.g. "kind"); its value sits at `${path}.${key}`. */
  key: string;
  variants: Array<{ value: string; label: string; children: FieldNode[] }>;
}

export type FieldNode = LeafNode | GroupNode | VariantNode;

/** Raw form state: path → text (or checkbox state). */
export type RawValues = Record<string, string | boolean>;

export function humanize(key: string): string {
  const words = key.replace(/_/g, " ").replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const SECRET_NAME = /^(password|token|secret|clientSecret|privateKey|apiKey)$/i;

function typeOf(s: JsonSchema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== "null");
  return s.type;
}

/** The discriminating property of a oneOf whose branches are objects that each fix one property with `const`. */
function discriminator(branches: JsonSchema[]): string | null {
  const first = branches[0]?.properties ?? {};
  for (const key of Object.keys(first)) {
    if (branches.every((b) => b.properties?.[key] && b.properties[key].const !== undefined)) return key;
  }
  return null;
}

function nodeFor(name: string, s: JsonSchema, path: string, required: boolean, inherited: Partial<NodeBase>) {
  const base: NodeBase = {
    path,
    label: s.title ?? humanize(name),
    help: s.description,
    required,
    advanced: s.advanced ?? inherited.advanced ?? false,
    secret: s.secret ?? inherited.secret ?? SECRET_NAME.test(name),
  };
  const branches = s.oneOf ?? s.anyOf;
  if (branches?.length) {
    const key = discriminator(branches);
    if (key) {
      const labels = s.enumLabels ?? {};
      return {
        ...base,
        kind: "variant",
        key,
        variants: branches.map((b) => {
          const value = String(b.properties![key].const);
          const rest = { ...b, properties: { ...b.properties } };
          delete rest.properties![key];
          return {
            value,
            label: labels[value] ?? b.title ?? humanize(value),
            children: childrenOf(rest, path, base),
          };
        }),
      } satisfies VariantNode;
    }
  }
  const type = typeOf(s);
  if (type === "object") {
    if (s.properties && Object.keys(s.properties).length) {
      return { ...base, kind: "group", children: childrenOf(s, path, base) } satisfies GroupNode;
    }
    return { ...base, kind: "json", schema: s } satisfies LeafNode;
  }
  const leaf: LeafNode = { ...base, kind: "text", schema: s, placeholder: s.placeholder };
  if (s.enum) {
    const labels = s.enumLabels ?? {};
    leaf.kind = "select";
    leaf.options = s.enum.map((v) => ({ value: String(v), label: labels[String(v)] ?? String(v) }));
  } else if (type === "boolean") {
    leaf.kind = "checkbox";
    leaf.required = false;
  } else if (type === "number" || type === "integer") {
    leaf.kind = "number";
    leaf.integer = type === "integer";
  } else if (type === "array") {
    leaf.kind = "list";
  } else if (s.secret === true || SECRET_NAME.test(name)) {
    // inside a write-only group only the secret itself is masked (an e-mail beside a token stays readable)
    leaf.kind = "password";
  } else if (s.widget === "textarea") {
    leaf.kind = "textarea";
  }
  return leaf;
}

function childrenOf(s: JsonSchema, prefix: string, inherited: Partial<NodeBase>): FieldNode[] {
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, child]) =>
    nodeFor(name, child, prefix ? `${prefix}.${name}` : name, required.has(name), inherited)
  );
}

/** The field tree of an object schema. */
export function fieldsFromJsonSchema(schema: JsonSchema): FieldNode[] {
  return childrenOf(schema, "", {});
}

/** Every leaf and variant (depth first), with the variant branches that are currently chosen. */
export function visibleLeaves(nodes: FieldNode[], raw: RawValues): LeafNode[] {
  const out: LeafNode[] = [];
  for (const n of nodes) {
    if (n.kind === "group") out.push(...visibleLeaves(n.children, raw));
    else if (n.kind === "variant") {
      const chosen = n.variants.find((v) => v.value === raw[`${n.path}.${n.key}`]);
      if (chosen) out.push(...visibleLeaves(chosen.children, raw));
    } else out.push(n);
  }
  return out;
}

function leafText(n: LeafNode, v: unknown): string | boolean {
  if (n.kind === "checkbox") return v === true;
  if (v === undefined || v === null) return "";
  if (n.kind === "list") return Array.isArray(v) ? v.map(String).join(", ") : String(v);
  if (n.kind === "json") {
    return typeof v === "object" && Object.keys(v as object).length ? JSON.stringify(v, null, 2) : "";
  }
  return String(v);
}

function at(record: unknown, path: string): unknown {
  let v = record;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Raw values for a create form (schema defaults) or an edit form (the record's values over the defaults). */
export function initialValues(nodes: FieldNode[], record: unknown = {}): RawValues {
  const out: RawValues = {};
  const walk = (list: FieldNode[]) => {
    for (const n of list) {
      if (n.kind === "group") walk(n.children);
      else if (n.kind === "variant") {
        const current = at(record, `${n.path}.${n.key}`);
        out[`${n.path}.${n.key}`] = current === undefined ? n.variants[0]?.value ?? "" : String(current);
        for (const v of n.variants) walk(v.children);
      } else {
        // secrets never come back from the server: they always start empty
        const value = n.secret ? undefined : at(record, n.path);
        out[n.path] = leafText(n, value === undefined ? n.schema.default : value);
      }
    }
  };
  walk(nodes);
  return out;
}

function listItems(text: string): string[] {
  return text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
}

/** A number as the schema reads it, or the reason it is not one. */
function numberOf(n: LeafNode, text: string): number | string {
  const value = Number(text);
  if (!Number.isFinite(value)) return "enter a number";
  if (n.integer && !Number.isInteger(value)) return "must be a whole number";
  const s = n.schema;
  if (s.minimum !== undefined && value < s.minimum) return `must be at least ${s.minimum}`;
  if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER && value > s.maximum) {
    return `must be at most ${s.maximum}`;
  }
  if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) return `must be more than ${s.exclusiveMinimum}`;
  return value;
}

function checkText(n: LeafNode, text: string): string | null {
  const s = n.schema;
  if (s.minLength !== undefined && text.length < s.minLength) {
    return s.minLength <= 1 ? "required" : `at least ${s.minLength} characters`;
  }
  if (s.maxLength !== undefined && text.length > s.maxLength) return `at most ${s.maxLength} characters`;
  if (s.format === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) return "not an e-mail address";
  if (s.format === "uri" && !/^https?:\/\/\S+$/i.test(text)) return "must be an http(s) URL";
  if (s.pattern && s.format !== "email") {
    try {
      if (!new RegExp(s.pattern, "u").test(text)) return "not in the expected format";
    } catch {
      // a pattern the browser cannot compile: the server checks it
    }
  }
  return null;
}

function checkLeaf(n: LeafNode, raw: string | boolean | undefined): string | null {
  if (n.kind === "checkbox") return null;
  const text = typeof raw === "string" ? raw.trim() : "";
  if (text === "") return n.required ? "required" : null;
  if (n.kind === "number") {
    const v = numberOf(n, text);
    return typeof v === "string" ? v : null;
  }
  if (n.kind === "list") {
    const items = listItems(text);
    if (n.schema.maxItems !== undefined && items.length > n.schema.maxItems) {
      return `at most ${n.schema.maxItems} entries`;
    }
    const item = n.schema.items;
    if (item) {
      for (const entry of items) {
        const problem = checkText({ ...n, kind: "text", schema: item }, entry);
        if (problem) return `“${entry}”: ${problem}`;
      }
    }
    return null;
  }
  if (n.kind === "json") {
    try {
      const v = JSON.parse(text);
      return v && typeof v === "object" && !Array.isArray(v) ? null : "must be a JSON object";
    } catch {
      return "not valid JSON";
    }
  }
  if (n.kind === "select") return n.options?.some((o) => o.value === text) ? null : "choose one of the options";
  return checkText(n, text);
}

/**
 * Light checks before sending (required, number ranges, lengths, formats); `skip` holds group paths left out of the
 * payload (e.g. stored credentials that are not being replaced). Errors keyed by field path.
 */
export function validateValues(
  nodes: FieldNode[],
  raw: RawValues,
  skip: Set<string> = new Set(),
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const leaf of visibleLeaves(nodes, raw)) {
    if ([...skip].some((p) => leaf.path === p || leaf.path.startsWith(p + "."))) continue;
    const problem = checkLeaf(leaf, raw[leaf.path]);
    if (problem) errors[leaf.path] = problem;
  }
  return errors;
}

function setAt(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split(".");
  let o = target;
  for (const part of parts.slice(0, -1)) o = (o[part] ??= {}) as Record<string, unknown>;
  o[parts[parts.length - 1]] = value;
}

/** The object to send: typed values, empty optional fields left out, skipped groups absent. */
export function toPayload(nodes: FieldNode[], raw: RawValues, skip: Set<string> = new Set()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const skipped = (path: string) => [...skip].some((p) => path === p || path.startsWith(p + "."));
  const walk = (list: FieldNode[]) => {
    for (const n of list) {
      if (skipped(n.path)) continue;
      if (n.kind === "group") {
        walk(n.children);
        if (at(out, n.path) === undefined && n.required) setAt(out, n.path, {});
      } else if (n.kind === "variant") {
        const chosen = n.variants.find((v) => v.value === raw[`${n.path}.${n.key}`]);
        if (!chosen) continue;
        setAt(out, `${n.path}.${n.key}`, chosen.value);
        walk(chosen.children);
      } else {
        const v = raw[n.path];
        if (n.kind === "checkbox") {
          setAt(out, n.path, v === true);
          continue;
        }
        const text = typeof v === "string" ? (n.kind === "password" ? v : v.trim()) : "";
        if (text === "") {
          // an emptied optional list or object is sent empty, so clearing it on edit takes effect
          if (n.kind === "list") setAt(out, n.path, []);
          continue;
        }
        if (n.kind === "number") setAt(out, n.path, Number(text));
        else if (n.kind === "list") setAt(out, n.path, listItems(text));
        else if (n.kind === "json") setAt(out, n.path, JSON.parse(text));
        else setAt(out, n.path, text);
      }
    }
  };
  walk(nodes);
  return out;
}

/**
 * Places server field errors ({field: "settings.projectKeys.0"}) on the deepest field of the form whose path is a
 * prefix of theirs; the rest are form-level messages (key "(form)").
 */
export function placeErrors(
  nodes: FieldNode[],
  raw: RawValues,
  fields: Array<{ field: string; message: string }>,
): Record<string, string> {
  const paths = visibleLeaves(nodes, raw).map((l) => l.path);
  const variants: string[] = [];
  const collect = (list: FieldNode[]) => {
    for (const n of list) {
      if (n.kind === "group") collect(n.children);
      if (n.kind === "variant") {
        variants.push(`${n.path}.${n.key}`);
        n.variants.forEach((v) => collect(v.children));
      }
    }
  };
  collect(nodes);
  const known = [...paths, ...variants].sort((a, b) => b.length - a.length);
  const out: Record<string, string> = {};
  for (const f of fields) {
    const target = known.find((p) => f.field === p || f.field.startsWith(p + "."));
    const key = target ?? "(form)";
    const text = target || f.field === "(body)" ? f.message : `${f.field}: ${f.message}`;
    out[key] = out[key] ? `${out[key]}; ${text}` : text;
  }
  return out;
}
