// Normalisation of Jira field values into the flat columns of work_items (study §13 rule 12). Jira returns the same
// logical value in many shapes (option objects, user objects, arrays of either, ADF documents, numeric strings),
// so every mapped field goes through one of these functions and the result is deterministic: the same raw value
// always yields the same text, which keeps re-runs from rewriting unchanged rows.
import { adfToText, isAdfDocument } from "./adf.ts";
import { jiraTime } from "./history_time.ts";

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The human label of one object value: option → value (with its cascading child), user → displayName, … */
function objectLabel(value: Obj): string | null {
  if (isAdfDocument(value)) return adfToText(value);
  for (const key of ["displayName", "name", "value", "title", "key"]) {
    const v = value[key];
    if (typeof v === "string" && v !== "") {
      const child = value.child;
      if (key === "value" && isObject(child)) {
        const sub = objectLabel(child);
        return sub ? `${v} / ${sub}` : v;
      }
      return v;
    }
    if (typeof v === "number") return String(v);
  }
  if (value.id !== undefined && value.id !== null) return String(value.id);
  return null;
}

function scalarText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value === "" ? null : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (isObject(value)) return objectLabel(value);
  return null;
}

/** Generic custom_field_NN slot: objects → their label, lists → ", "-joined labels, scalars → text. */
export function customFieldText(value: unknown): string | null {
  if (Array.isArray(value)) {
    const parts = value.map(scalarText).filter((p): p is string => p !== null && p !== "");
    return parts.length ? parts.join(", ") : null;
  }
  return scalarText(value);
}

/** Team field: Atlassian team object → name (older plug-ins use value/title); a plain string is kept. */
export function teamText(value: unknown): string | null {
  if (Array.isArray(value)) return customFieldText(value);
  return scalarText(value);
}

/** Story points: numbers and numeric strings → number, anything else (including "", NaN) → null. */
export function storyPoints(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * Development field: Jira fills it with a summary such as "{pullrequest={…state=MERGED…}, json=…}" when any dev
 * information exists and "{}" when none does. Empty containers and empty-looking strings mean "no development".
 */
export function hasDevelopment(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (typeof value === "string") {
    const t = value.trim();
    return !(t === "" || t === "{}" || t === "[]" || t === '""' || t === "''");
  }
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

/** Names of a list of named objects (components, fix versions) or plain strings (labels), de-duplicated. */
export function nameList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const v of value) {
    const text = typeof v === "string" ? v : isObject(v) ? objectLabel(v) : null;
    if (text && !out.includes(text)) out.push(text);
  }
  return out;
}

/** Jira timestamps ("2021-03-28T16:06:08.713+0800", or epoch ms) → ISO-8601 UTC, null when absent/invalid. */
export function isoTime(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  const ms = jiraTime(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
