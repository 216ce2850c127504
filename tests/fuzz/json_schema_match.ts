// A small, deliberately generous JSON Schema check used only to pick values a schema refuses: it answers "may
// match" whenever it is unsure (formats, unknown keywords), so a value it calls a mismatch really is one.
export type Schema = Record<string, unknown>;

function resolve(node: Schema, root: Schema): Schema {
  const ref = node.$ref;
  if (typeof ref !== "string") return node;
  return ((root.$defs ?? {}) as Record<string, Schema>)[ref.slice(ref.lastIndexOf("/") + 1)] ?? {};
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return !!value && typeof value === "object" && !Array.isArray(value);
    default:
      return true;
  }
}

function numberFits(value: number, s: Schema): boolean {
  if (typeof s.minimum === "number" && value < s.minimum) return false;
  if (typeof s.maximum === "number" && value > s.maximum) return false;
  if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum) return false;
  if (typeof s.exclusiveMaximum === "number" && value >= s.exclusiveMaximum) return false;
  return true;
}

function stringFits(value: string, s: Schema): boolean {
  if (typeof s.minLength === "number" && value.length < s.minLength) return false;
  if (typeof s.maxLength === "number" && value.length > s.maxLength) return false;
  if (typeof s.pattern === "string") {
    try {
      if (!new RegExp(s.pattern, "u").test(value)) return false;
    } catch {
      return true;
    }
  }
  return true;
}

function objectFits(value: Record<string, unknown>, s: Schema, root: Schema): boolean {
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  for (const key of (s.required ?? []) as string[]) if (!(key in value)) return false;
  for (const [key, child] of Object.entries(value)) {
    if (key in properties) {
      if (!matches(child, properties[key], root)) return false;
    } else if (s.additionalProperties === false) return false;
    else if (s.additionalProperties && typeof s.additionalProperties === "object") {
      if (!matches(child, s.additionalProperties as Schema, root)) return false;
    }
  }
  return true;
}

/** False only when the value certainly breaks the schema. */
export function matches(value: unknown, node: Schema, root: Schema): boolean {
  const s = resolve(node, root);
  const union = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(union)) return union.some((branch) => matches(value, branch, root));
  if (Array.isArray(s.allOf) && !(s.allOf as Schema[]).every((branch) => matches(value, branch, root))) return false;
  if ("const" in s) return JSON.stringify(value) === JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value));
  const types = s.type === undefined ? undefined : Array.isArray(s.type) ? s.type as string[] : [s.type as string];
  if (types && !types.some((t) => isType(value, t))) return false;
  if (typeof value === "number" && !numberFits(value, s)) return false;
  if (typeof value === "string" && !stringFits(value, s)) return false;
  if (Array.isArray(value)) {
    if (typeof s.minItems === "number" && value.length < s.minItems) return false;
    if (typeof s.maxItems === "number" && value.length > s.maxItems) return false;
    if (s.items && typeof s.items === "object" && !value.every((v) => matches(v, s.items as Schema, root))) {
      return false;
    }
  } else if (value && typeof value === "object" && !objectFits(value as Record<string, unknown>, s, root)) {
    return false;
  }
  return true;
}
