// Browser-side JSON calls to the Sluice API (same origin, session cookie). Every failure comes back as one shape —
// the server's { error: { code, message, fields? } } or a synthetic one for network errors — so islands can show
// the server's own message and per-field errors without guessing.

export interface FieldError {
  field: string;
  message: string;
}

export interface ApiFailure {
  status: number;
  code: string;
  message: string;
  fields?: FieldError[];
  [extra: string]: unknown;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; error: ApiFailure };

export async function apiCall<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<ApiResult<T>> {
  const json = init.body !== undefined;
  try {
    const res = await fetch(path, {
      method: init.method ?? (json ? "POST" : "GET"),
      headers: json
        ? { accept: "application/json", "content-type": "application/json" }
        : { accept: "application/json" },
      body: json ? JSON.stringify(init.body) : undefined,
    });
    // an empty or non-JSON body (e.g. a proxy error page) reads as null
    const body = await res.json().catch(() => null);
    if (res.ok) return { ok: true, status: res.status, data: body as T };
    const error = body?.error;
    return {
      ok: false,
      error: typeof error?.message === "string"
        ? { ...error, status: res.status }
        : { status: res.status, code: "http_error", message: `request failed (HTTP ${res.status})` },
    };
  } catch {
    return { ok: false, error: { status: 0, code: "network_error", message: "could not reach the server" } };
  }
}

/** Field errors as a map (first message per field). */
export function fieldMap(fields: FieldError[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields ?? []) out[f.field] ??= f.message;
  return out;
}
