// One error shape for every API response: { error: { code, message, fields? } }. Validation errors name each
// field path and reason; unexpected errors become a 500 with no internals.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { log } from "../lib/log.ts";

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(status, { message });
  }
}

export function zodFields(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message }));
}

/** Parses a JSON body with a zod schema, or throws a 400 naming every bad field. */
export async function parseJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    const text = await c.req.text();
    body = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "request body is not valid JSON", [
      { field: "(body)", message: "not valid JSON" },
    ]);
  }
  const nul = findNul(body);
  if (nul !== undefined) {
    throw new ApiError(400, "validation_failed", `${nul}: must not contain NUL characters`, [
      { field: nul, message: "must not contain NUL characters" },
    ]);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = zodFields(parsed.error);
    throw new ApiError(400, "validation_failed", fields.map((f) => `${f.field}: ${f.message}`).join("; "), fields);
  }
  return parsed.data;
}

/** PostgreSQL text cannot hold U+0000; find the first string (or key) that has one, by field path. */
function findNul(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path || "(body)" : undefined;
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const here = path ? `${path}.${k}` : k;
      if (k.includes("\u0000")) return here;
      const found = findNul(v, here);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const MAX_INT4 = 2_147_483_647;

/** Parses a positive integer path parameter, or 404s (an id that cannot exist is simply not found). */
export function idParam(c: Context, name = "id"): number {
  const raw = c.req.param(name) ?? "";
  const n = Number(raw);
  if (!/^\d{1,10}$/.test(raw) || n > MAX_INT4 || n <= 0) {
    throw new ApiError(404, "not_found", `no such ${name}`);
  }
  return n;
}

export function errorBody(code: string, message: string, fields?: FieldError[], extra?: Record<string, unknown>) {
  return { error: { code, message, ...(fields ? { fields } : {}), ...(extra ?? {}) } };
}

export function onError(err: Error, c: Context) {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message, err.fields, err.extra), err.status);
  }
  if (err instanceof HTTPException) {
    // Hono's own (and middleware) exceptions pass through with their status and headers
    const res = err.getResponse();
    if (res.headers.get("content-type")?.includes("json")) return res;
    return c.json(errorBody(codeFor(err.status), err.message || res.statusText), err.status);
  }
  log.error("unhandled error", { path: c.req.path, method: c.req.method, error: err });
  return c.json(errorBody("internal_error", "internal error"), 500);
}

function codeFor(status: number) {
  return status === 401 ? "unauthorized" : status === 403 ? "forbidden" : status === 404 ? "not_found" : "error";
}
