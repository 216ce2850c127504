// The OpenAPI 3.1 document, built from the route declarations (server/api/route.ts) with zod's own JSON Schema
// output — the schemas that validate requests are the ones documented, so the two cannot drift. Request parts use
// zod's input side (a query "limit" is the string the client sends), responses the output side. Schemas with an id
// (`.meta({ id })`) become shared components; everything else is inlined.
import { z } from "zod";
import { declaredRoutes, type Method, operationIdOf, registryVersion, type RouteDoc } from "./route.ts";
import { responsesOf } from "./responses.ts";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from "../auth/middleware.ts";

export type JsonSchema = Record<string, unknown>;

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<
    { name: string; in: "path" | "query"; required: boolean; description?: string; schema: JsonSchema }
  >;
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  "x-roles"?: string[];
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string }>;
  security: Array<Record<string, string[]>>;
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { securitySchemes: Record<string, JsonSchema>; schemas: Record<string, JsonSchema> };
}

const SESSION_SECURITY: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { cookieAuth: [] }];

/** Collects shared schemas while operations are converted; `$defs` of each conversion are hoisted here. */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
    delete out.$schema;
    const defs = (out.$defs ?? {}) as Record<string, JsonSchema>;
    delete out.$defs;
    const names = new Map<string, string>();
    for (const [name, def] of Object.entries(defs)) {
      const text = JSON.stringify(def);
      // the same id converted for input and output can differ (defaults, optional keys): keep both
      const key = this.schemas[name] && JSON.stringify(this.schemas[name]) !== text ? `${name}_${io}` : name;
      names.set(name, key);
      this.schemas[key] = def;
    }
    for (const def of [out, ...names.values()].map((k) => (typeof k === "string" ? this.schemas[k] : k))) {
      rewriteRefs(def, names);
    }
    return out;
  }
}

/** `#/$defs/X` → `#/components/schemas/<name of X>`, in place, without recursion limits of our own input. */
function rewriteRefs(root: unknown, names: Map<string, string>) {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== "object") continue;
    const record = node as Record<string, unknown>;
    if (typeof record.$ref === "string" && record.$ref.startsWith("#/$defs/")) {
      const name = record.$ref.slice("#/$defs/".length);
      record.$ref = `#/components/schemas/${names.get(name) ?? name}`;
    }
    stack.push(...Object.values(record));
  }
}

function parameters(components: Components, schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const json = components.convert(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

function security(doc: RouteDoc): Operation["security"] {
  const kind = doc.spec.security ?? "session";
  if (kind === "none") return [];
  if (kind === "metrics") return [{ metricsToken: [] }, ...SESSION_SECURITY];
  return undefined; // the document's default
}

function operation(components: Components, doc: RouteDoc): Operation {
  const { spec } = doc;
  const roles = spec.roles ? `Roles: ${spec.roles.join(", ")}.` : "";
  const description = [spec.description, roles].filter(Boolean).join("\n\n");
  const op: Operation = {
    operationId: spec.operationId ?? operationIdOf(doc.method, doc.path),
    summary: spec.summary,
    ...(description ? { description } : {}),
    tags: [doc.tag],
    responses: {},
  };
  const sec = security(doc);
  if (sec) op.security = sec;
  if (spec.roles) op["x-roles"] = spec.roles;
  const params = [...parameters(components, spec.params, "path"), ...parameters(components, spec.query, "query")];
  if (params.length) op.parameters = params;
  if (spec.body) {
    const schema = components.convert(spec.body, "input");
    op.requestBody = {
      required: true,
      content: {
        "application/json": { schema },
        ...(spec.form ? { "application/x-www-form-urlencoded": { schema } } : {}),
      },
    };
  }
  for (const [status, response] of Object.entries(responsesOf(doc))) {
    const content = response.schema
      ? { "application/json": { schema: components.convert(response.schema, "output") } }
      : response.contentType
      ? { [response.contentType]: { schema: {} } }
      : undefined;
    op.responses[status] = { description: response.description, ...(content ? { content } : {}) };
  }
  return op;
}

/** "/app/etl/jobs/:id" → "/app/etl/jobs/{id}" */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

export function buildOpenApi(routes: RouteDoc[], version: string): OpenApiDocument {
  const components = new Components();
  const paths: OpenApiDocument["paths"] = {};
  const tags: string[] = [];
  const ordered = [...routes].sort((a, b) => a.path.localeCompare(b.path));
  for (const doc of ordered) {
    if (!tags.includes(doc.tag)) tags.push(doc.tag);
    (paths[openApiPath(doc.path)] ??= {})[doc.method] = operation(components, doc);
  }
  const ids = Object.values(paths).flatMap((p) => Object.values(p).map((o) => o!.operationId));
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new Error(`two routes share the operationId ${duplicate}`);
  return {
    openapi: "3.1.0",
    info: {
      title: "Sluice API",
      version,
      description: "The /app/etl API, sign-in, health and metrics. Errors share one body: " +
        "`{ error: { code, message, fields? } }`; `fields` names each invalid value. Tenant and role come from the " +
        "session token only.",
    },
    tags: tags.map((name) => ({ name })),
    security: SESSION_SECURITY,
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "token from POST /auth/login" },
        cookieAuth: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: `the browser's session cookie (${SECURE_SESSION_COOKIE} over https)`,
        },
        metricsToken: { type: "http", scheme: "bearer", description: "the METRICS_TOKEN configured for scrapers" },
      },
      schemas: components.schemas,
    },
  };
}

let cached: { version: number; doc: OpenApiDocument } | undefined;

/** The document for every route declared in this process, rebuilt only when a route was declared since. */
export function openApiDocument(version: string): OpenApiDocument {
  if (cached?.version !== registryVersion()) {
    cached = { version: registryVersion(), doc: buildOpenApi(declaredRoutes(), version) };
  }
  return cached.doc;
}
