// Form fields derived from a zod object schema, so a create/edit modal is declared once as the same schema that
// validates it. Labels come from `.meta({ title })` (or `.describe()`, or the key itself), help text from
// `.meta({ description })`, the widget from the field type: string → text (or `.meta({ widget: "textarea" })`),
// number → number, boolean → checkbox, enum → select. `overrides` adds what the schema cannot know (options loaded
// at run time, e.g. a select of hierarchy ids for a number field).
import type { z } from "zod";

export type FieldKind = "text" | "textarea" | "number" | "checkbox" | "select";

export interface FieldOption {
  value: string;
  label: string;
}

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  help?: string;
  options?: FieldOption[];
  /** select whose values are numbers (the DOM gives strings) */
  numeric?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  defaultValue?: unknown;
}

export type RawValues = Record<string, string | boolean>;

// deno-lint-ignore no-explicit-any
type AnyField = any;

/** The field inside optional/nullable/default wrappers, whether it may be left empty, and its default. */
function unwrap(field: AnyField): { inner: AnyField; optional: boolean; defaultValue?: unknown; meta: AnyField } {
  let inner = field;
  let optional = false;
  let defaultValue: unknown;
  let meta = field.meta?.() ?? {};
  for (let i = 0; i < 8; i++) {
    const type = inner.def?.type;
    if (type === "optional" || type === "nullable") optional = true;
    else if (type === "default") {
      optional = true;
      defaultValue = inner.def.defaultValue;
    } else break;
    inner = inner.def.innerType;
    meta = { ...(inner.meta?.() ?? {}), ...meta };
  }
  return { inner, optional, defaultValue, meta };
}

export function humanize(key: string): string {
  const words = key.replace(/_/g, " ").replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function fieldsFromSchema(
  schema: z.ZodObject,
  overrides: Record<string, Partial<FieldSpec>> = {},
): FieldSpec[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const { inner, optional, defaultValue, meta } = unwrap(field);
    const type: string = inner.def?.type;
    const spec: FieldSpec = {
      name,
      label: meta.title ?? meta.description ?? humanize(name),
      kind: "text",
      required: !optional,
      help: meta.title ? meta.description : undefined,
      defaultValue,
    };
    if (type === "number") {
      spec.kind = "number";
      if (Number.isFinite(inner.minValue)) spec.min = inner.minValue;
      if (Number.isFinite(inner.maxValue)) spec.max = inner.maxValue;
    } else if (type === "boolean") {
      spec.kind = "checkbox";
      spec.required = false;
    } else if (type === "enum") {
      spec.kind = "select";
      spec.options = (inner.options as Array<string | number>).map((o) => ({ value: String(o), label: String(o) }));
    } else if (type === "string") {
      spec.kind = meta.widget === "textarea" ? "textarea" : "text";
      if (Number.isFinite(inner.maxLength)) spec.maxLength = inner.maxLength;
    }
    const extra = overrides[name] ?? {};
    if (extra.options && spec.kind === "number") spec.numeric = true;
    if (extra.options) spec.kind = "select";
    return { ...spec, ...extra };
  });
}

/** Raw form state for a create form (schema defaults) or an edit form (the record's values). */
export function initialValues(fields: FieldSpec[], record: Record<string, unknown> = {}): RawValues {
  const out: RawValues = {};
  for (const f of fields) {
    const v = record[f.name] ?? f.defaultValue;
    out[f.name] = f.kind === "checkbox" ? Boolean(v) : v === undefined || v === null ? "" : String(v);
  }
  return out;
}

/** Form strings → the typed object the schema expects (empty optional fields are left out). */
export function toInput(fields: FieldSpec[], raw: RawValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = raw[f.name];
    if (f.kind === "checkbox") {
      out[f.name] = Boolean(v);
      continue;
    }
    const text = typeof v === "string" ? v.trim() : "";
    if (text === "") {
      if (f.required) out[f.name] = f.kind === "number" || f.numeric ? undefined : "";
      continue;
    }
    out[f.name] = f.kind === "number" || f.numeric ? Number(text) : text;
  }
  return out;
}

export type Validation<T> = { ok: true; data: T } | { ok: false; errors: Record<string, string> };

/** Validates raw form values with the schema; errors keyed by field, first message each. */
export function validateForm<S extends z.ZodObject>(
  schema: S,
  fields: FieldSpec[],
  raw: RawValues,
): Validation<z.infer<S>> {
  const parsed = schema.safeParse(toInput(fields, raw));
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : "(form)";
    errors[key] ??= friendly(issue);
  }
  return { ok: false, errors };
}

/** zod's generic messages in words an operator understands (custom messages from the schema are kept). */
function friendly(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    const expected = String((issue as { expected?: string }).expected);
    if (/received (undefined|NaN)/.test(issue.message) || issue.message.includes("received nan")) {
      return expected === "number" || expected === "int" ? "enter a number" : "required";
    }
    if (expected === "int") return "must be a whole number";
  }
  if (
    issue.code === "too_small" && (issue as { origin?: string }).origin === "string" &&
    issue.message.startsWith("Too small")
  ) {
    return "required";
  }
  return issue.message;
}
