// One way to declare an API route: method, path, role, and zod schemas for the path, query and body it accepts and
// the bodies it answers with. The same declaration validates every request (a bad value is a 4xx naming the field,
// before the handler runs) and feeds the OpenAPI document (server/api/openapi.ts) and the response contract check
// (server/api/contract.ts), so the shapes exist once.
//
// Input rules, the same for every route: the role is checked first; a path value that cannot name anything is a
// 404; query parameters the route does not declare, or declared ones given twice, are a 400 naming them (a typo
// never silently changes a result); a path or query value holding U+0000 is a 400 naming it (PostgreSQL text cannot
// hold it); the body is bounded in size and depth and checked for NUL the same way (http_errors.ts).
import { type Context, Hono } from "hono";
import { matchedRoutes } from "hono/route";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import type { Role } from "../auth/jwt.ts";
import { ApiError, type FieldError, parseJson, zodFields } from "../http_errors.ts";

export type Method = "get" | "post" | "put" | "patch" | "delete";

export interface ResponseSpec {
  description: string;
  /** Body schema; omitted for bodies that are not JSON (or documented elsewhere). */
  schema?: z.ZodType;
  /** Media type of a non-JSON body (e.g. "text/plain"), for the document. */
  contentType?: string;
}

/**
 * Who may call: "session" (default) — a signed-in user (cookie or Bearer token, checked by the group's middleware or
 * the handler); "none" — anyone; "metrics" — the METRICS_TOKEN bearer or a signed-in operator.
 */
export type Security = "session" | "none" | "metrics";

export interface RouteSpec<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
> {
  method: Method;
  /** Hono path relative to the router's prefix, e.g. "/:id/test". */
  path: string;
  summary: string;
  description?: string;
  /** Stable OpenAPI operationId; derived from method and path when omitted. */
  operationId?: string;
  /** Roles allowed; omitted = every signed-in role. */
  roles?: Role[];
  security?: Security;
  params?: P;
  query?: Q;
  body?: B;
  /** Largest body accepted, in bytes (default DEFAULT_BODY_LIMIT in http_errors.ts). */
  bodyLimit?: number;
  /** The body may also come as an HTML form post. */
  form?: boolean;
  /** Answers a refused query/body its own way (the login form redirects back with an error code). */
  onInvalidInput?: (c: Context<AppEnv>, error: ApiError) => Response | undefined;
  responses: Record<number, ResponseSpec>;
}

type Out<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
}

/** What the OpenAPI builder reads: every declared route with its full path. */
export interface RouteDoc {
  method: Method;
  /** Full path in Hono syntax ("/app/etl/jobs/:id"). */
  path: string;
  tag: string;
  spec: RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;
}

const registry = new Map<string, RouteDoc>();
let version = 0;

/** Every route declared so far (apps built in tests declare the same routes again; each is kept once). */
export function declaredRoutes(): RouteDoc[] {
  return [...registry.values()];
}

/** Changes whenever a route is declared, so derived documents can be cached. */
export function registryVersion(): number {
  return version;
}

/** The declared route a request was routed to (also when a middleware answered before its handler ran). */
export function matchedRoute(c: Context): RouteDoc | undefined {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const doc = registry.get(`${routes[i].method.toLowerCase()} ${routes[i].path}`);
    if (doc) return doc;
  }
  return undefined;
}

function invalid(fields: FieldError[]): ApiError {
  return new ApiError(400, "validation_failed", fields.map((f) => `${f.field}: ${f.message}`).join("; "), fields);
}

const NUL_MESSAGE = "must not contain NUL characters";

function validateParams<S extends z.ZodType>(schema: S, value: Record<string, string>) {
  // PostgreSQL text cannot hold U+0000: refused here for every route rather than as a database error later
  const nul = Object.keys(value).filter((name) => value[name].includes("\u0000"));
  if (nul.length) throw invalid(nul.map((name) => ({ field: `params.${name}`, message: NUL_MESSAGE })));
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // a path value that cannot name anything (an id out of range, a stray string) is simply not found
  const fields = zodFields(parsed.error).map((f) => `params.${f.field}`);
  throw new ApiError(404, "not_found", `${fields.join(", ")} not found`);
}

/** Parameter names a query schema declares (an object schema's keys; none when there is no schema). */
function declaredKeys(schema: z.ZodType | undefined): Set<string> | undefined {
  if (!schema) return new Set();
  return schema instanceof z.ZodObject ? new Set(Object.keys(schema.shape)) : undefined;
}

const shown = (name: string) => (name.length > 60 ? `${name.slice(0, 60)}…` : name);

/** Validates the query string: undeclared or repeated parameters are refused, declared ones go through the schema. */
export function validateQuery<S extends z.ZodType>(schema: S | undefined, url: string): z.infer<S> | undefined {
  const params = new URL(url).searchParams;
  const known = declaredKeys(schema);
  const values = new Map<string, string>();
  const fields: FieldError[] = [];
  for (const [name, value] of params) {
    if (name.includes("\u0000") || value.includes("\u0000")) {
      // PostgreSQL text cannot hold U+0000: refused for every route before any handler can pass it to a query
      fields.push({ field: `query.${shown(name)}`, message: NUL_MESSAGE });
    } else if (known && !known.has(name)) {
      if (!fields.some((f) => f.field === `query.${shown(name)}`)) {
        fields.push({ field: `query.${shown(name)}`, message: "unknown parameter" });
      }
    } else if (values.has(name)) {
      if (!fields.some((f) => f.field === `query.${name}`)) {
        fields.push({ field: `query.${name}`, message: "given more than once; give it once" });
      }
    } else values.set(name, value);
  }
  if (fields.length) throw invalid(fields);
  if (!schema) return undefined;
  const parsed = schema.safeParse(Object.fromEntries(values));
  if (parsed.success) return parsed.data;
  throw invalid(zodFields(parsed.error).map((f) => ({ ...f, field: `query.${f.field}` })));
}

/** "get /app/etl/jobs/:id/runs" → "getJobsByIdRuns" (prefixes /app/etl and / dropped). */
export function operationIdOf(method: Method, path: string): string {
  const words = path.replace(/^\/app\/etl/, "").split("/").filter(Boolean).map((segment) => {
    const name = segment.startsWith(":") ? `by-${segment.slice(1)}` : segment;
    return name.split(/[^a-zA-Z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("");
  });
  return method + (words.join("") || "Root");
}

/** A group of routes under one prefix and OpenAPI tag; `app` is mounted by the caller at the same prefix. */
export function apiRouter(prefix: string, tag: string) {
  const app = new Hono<AppEnv>();
  return {
    app,
    route<
      P extends z.ZodType | undefined = undefined,
      Q extends z.ZodType | undefined = undefined,
      B extends z.ZodType | undefined = undefined,
    >(
      spec: RouteSpec<P, Q, B>,
      handler: (c: Context<AppEnv>, input: RouteInput<P, Q, B>) => Response | Promise<Response>,
    ) {
      const full = (prefix + (spec.path === "/" ? "" : spec.path)) || "/";
      registry.set(`${spec.method} ${full}`, { method: spec.method, path: full, tag, spec: spec as RouteDoc["spec"] });
      version++;
      app.on(spec.method.toUpperCase(), spec.path, async (c) => {
        if (spec.roles && !spec.roles.includes(c.get("auth")?.role)) {
          throw new ApiError(403, "forbidden", `requires role ${spec.roles.join(" or ")}`);
        }
        const params = spec.params ? validateParams(spec.params, c.req.param()) : undefined;
        let input: RouteInput<P, Q, B>;
        try {
          input = {
            params,
            query: validateQuery(spec.query, c.req.url),
            body: spec.body ? await parseJson(c, spec.body, { maxBytes: spec.bodyLimit, form: spec.form }) : undefined,
          } as RouteInput<P, Q, B>;
        } catch (e) {
          const answer = e instanceof ApiError ? spec.onInvalidInput?.(c, e) : undefined;
          if (answer) return answer;
          throw e;
        }
        return await handler(c, input);
      });
    },
  };
}
