// One way to declare an API route: method, path, role, and zod schemas for the path, query and body it accepts and
// the bodies it answers with. The same declaration validates every request (a bad value is a 4xx naming the field,
// before the handler runs) and feeds the OpenAPI document (server/api/openapi.ts), so the shapes exist once.
import { type Context, Hono } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../context.ts";
import type { Role } from "../auth/jwt.ts";
import { ApiError, parseJson, zodFields } from "../http_errors.ts";

export type Method = "get" | "post" | "put" | "patch" | "delete";

export interface ResponseSpec {
  description: string;
  /** Body schema; omitted for bodies that are not JSON (or documented elsewhere). */
  schema?: z.ZodType;
}

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
  /** Roles allowed; omitted = every signed-in role. */
  roles?: Role[];
  params?: P;
  query?: Q;
  body?: B;
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

/** Every route declared so far (apps built in tests declare the same routes again; each is kept once). */
export function declaredRoutes(): RouteDoc[] {
  return [...registry.values()];
}

function validate<S extends z.ZodType>(schema: S, value: unknown, where: "query" | "params") {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = zodFields(parsed.error).map((f) => ({ ...f, field: `${where}.${f.field}` }));
  // a path value that cannot name anything (an id out of range, a stray string) is simply not found
  if (where === "params") throw new ApiError(404, "not_found", fields.map((f) => f.field).join(", ") + " not found");
  throw new ApiError(400, "validation_failed", fields.map((f) => `${f.field}: ${f.message}`).join("; "), fields);
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
      app.on(spec.method.toUpperCase(), spec.path, async (c) => {
        if (spec.roles && !spec.roles.includes(c.get("auth")?.role)) {
          throw new ApiError(403, "forbidden", `requires role ${spec.roles.join(" or ")}`);
        }
        const input = {
          params: spec.params ? validate(spec.params, c.req.param(), "params") : undefined,
          query: spec.query ? validate(spec.query, c.req.query(), "query") : undefined,
          body: spec.body ? await parseJson(c, spec.body) : undefined,
        } as RouteInput<P, Q, B>;
        return await handler(c, input);
      });
    },
  };
}
