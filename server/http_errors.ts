// One error shape for every API response: { error: { code, message, fields? } }. Validation errors name each
// field path and reason; unexpected errors become a 500 with no internals. Request bodies are read through
// parseJson, which bounds them (size, nesting, NUL) before any parsing (server/api/body_bounds.ts).
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { log } from "../lib/log.ts";
import { BodyBoundError, findNul, jsonDepth, MAX_JSON_DEPTH, readBounded } from "./api/body_bounds.ts";

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

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const FORM_TYPE = /^(?:application\/x-www-form-urlencoded|multipart\/form-data)\s*(?:;|$)/i;

/** Default body limit of a route (a route may set its own); the app-wide limits in app.ts are a backstop. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

export interface BodyOptions {
  /** Largest body accepted, in bytes (default DEFAULT_BODY_LIMIT). */
  maxBytes?: number;
  /** Also accept an HTML form post (urlencoded or multipart); its fields are validated like JSON ones. */
  form?: boolean;
}

function bodyError(status: 400 | 413 | 415, code: string, message: string, field = "(body)"): ApiError {
  return new ApiError(status, code, `${field}: ${message}`, [{ field, message }]);
}

/** True when the request carries an HTML form body (the login page posts one). */
export function isFormPost(c: Context): boolean {
  return FORM_TYPE.test(c.req.header("content-type") ?? "");
}

/** The body as a plain value: {} when empty, a form's fields, or parsed JSON — bounded before parsing. */
async function readBody(c: Context, options: BodyOptions): Promise<unknown> {
  const limit = options.maxBytes ?? DEFAULT_BODY_LIMIT;
  const type = c.req.header("content-type") ?? "";
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readBounded(c.req.raw, limit);
  } catch (e) {
    if (e instanceof BodyBoundError) throw bodyError(413, "payload_too_large", `larger than ${limit} bytes`);
    throw bodyError(400, "invalid_body", "could not be read");
  }
  if (bytes.byteLength === 0) return {};
  if (options.form && FORM_TYPE.test(type)) {
    try {
      return Object.fromEntries(await new Response(bytes, { headers: { "content-type": type } }).formData());
    } catch {
      throw bodyError(400, "invalid_form", "not a valid form body");
    }
  }
  if (!JSON_TYPE.test(type)) {
    throw bodyError(
      415,
      "unsupported_media_type",
      `must be sent as application/json${options.form ? " or a form" : ""}`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw bodyError(400, "invalid_json", "not valid UTF-8");
  }
  if (text.trim() === "") return {};
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw bodyError(400, "too_deep", `nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw bodyError(400, "invalid_json", "not valid JSON");
  }
}

/**
 * Reads and validates a request body: bounded in size while it is read and in nesting before it is parsed, free of
 * NUL characters, then checked with the zod schema. Every failure is a 4xx naming the field: 413 over the size
 * limit, 415 for a body that is neither JSON nor (where allowed) a form, 400 otherwise.
 */
export async function parseJson<S extends z.ZodType>(
  c: Context,
  schema: S,
  options: BodyOptions = {},
): Promise<z.infer<S>> {
  const body = await readBody(c, options);
  const nul = findNul(body);
  if (nul !== undefined) throw bodyError(400, "validation_failed", "must not contain NUL characters", nul);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = zodFields(parsed.error);
    throw new ApiError(400, "validation_failed", fields.map((f) => `${f.field}: ${f.message}`).join("; "), fields);
  }
  return parsed.data;
}

export function errorBody(code: string, message: string, fields?: FieldError[], extra?: Record<string, unknown>) {
  return { error: { code, message, ...(fields ? { fields } : {}), ...(extra ?? {}) } };
}

/**
 * SQLSTATEs that mean the request carried a value the database refused — input that validation should have
 * caught. They answer 4xx (the client's value is at fault) but are logged as errors: each is a validation gap.
 */
const CLIENT_SQLSTATES: Array<[RegExp, 400 | 409, string, string]> = [
  [/^22/, 400, "invalid_input", "a value is malformed or out of range"],
  [/^23505$/, 409, "conflict", "a value conflicts with an existing one"],
  [/^23503$/, 409, "conflict", "a referenced item does not exist or is still in use"],
  [/^23/, 400, "invalid_input", "a value breaks a rule of the data model"],
  [/^54/, 400, "invalid_input", "a value is too large"],
];

function clientDatabaseError(err: Error) {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  const hit = CLIENT_SQLSTATES.find(([pattern]) => pattern.test(code));
  return hit && { sqlstate: code, status: hit[1], code: hit[2], message: hit[3] };
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
  const client = clientDatabaseError(err);
  if (client) {
    log.error("input reached the database unvalidated", {
      path: c.req.path,
      method: c.req.method,
      sqlstate: client.sqlstate,
      error: err,
    });
    return c.json(errorBody(client.code, `${client.message} (${client.sqlstate})`), client.status);
  }
  log.error("unhandled error", { path: c.req.path, method: c.req.method, error: err });
  return c.json(errorBody("internal_error", "internal error"), 500);
}

function codeFor(status: number) {
  return status === 401 ? "unauthorized" : status === 403 ? "forbidden" : status === 404 ? "not_found" : "error";
}
