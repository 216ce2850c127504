// PostgreSQL can store neither NUL characters in text nor "\u0000" in jsonb, yet sources return them (a recorded
// Jira summary ends with one; GitHub bodies and commit messages can hold any byte). Pages are cleaned once, at
// extraction, so the raw row, every load and every re-transform
// see the same text. Strings without NUL are returned as is (no copy), so clean pages cost one walk.

/** Removes U+0000 from every string in a JSON-like value; returns the same object when there is none. */
export function stripNul<T>(value: T): T {
  return clean(value, 0) as T;
}

function clean(value: unknown, depth: number): unknown {
  if (typeof value === "string") return value.includes("\0") ? value.replaceAll("\0", "") : value;
  if (value === null || typeof value !== "object" || depth > 200) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const c = clean(v, depth + 1);
      if (c !== v) value[i] = c;
    }
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    const c = clean(v, depth + 1);
    if (c !== v) obj[key] = c;
    if (key.includes("\0")) {
      obj[key.replaceAll("\0", "")] = obj[key];
      delete obj[key];
    }
  }
  return obj;
}
