// The Qdrant OpenAPI (the part Sluice calls: tests/fixtures/recorded/qdrant/openapi.json, cut from Qdrant's own
// spec) as request and response validators for the double, so the double accepts only what a real Qdrant's schema
// accepts and answers only what it declares. OpenAPI 3.0's `nullable` is rewritten to JSON Schema `null` types.
import { Ajv, type ValidateFunction } from "ajv";

const SPEC_URL = new URL("../../fixtures/recorded/qdrant/openapi.json", import.meta.url);

type Json = unknown;

/** OpenAPI 3.0 → JSON Schema: `{nullable: true}` alone means null; `type` + `nullable` adds "null". */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== "nullable" && k !== "example") out[k] = toJsonSchema(v);
  const n = node as Record<string, unknown>;
  if (n.nullable === true) {
    if (typeof n.type === "string") out.type = [n.type, "null"];
    else if (!n.type && !n.$ref && !n.anyOf && !n.oneOf && !n.allOf) out.type = "null";
  }
  return out;
}

export interface SpecOperation {
  method: string;
  /** The path template, e.g. /collections/{collection_name}/points. */
  path: string;
  operationId: string;
  request?: ValidateFunction;
  response?: ValidateFunction;
}

let cached: SpecOperation[] | undefined;

export function specOperations(): SpecOperation[] {
  if (cached) return cached;
  const spec = JSON.parse(Deno.readTextFileSync(SPEC_URL)) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, unknown> };
  };
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
  ajv.addSchema({ $id: "qdrant", components: toJsonSchema(spec.components) }, "qdrant");
  const compile = (schema: unknown) =>
    ajv.compile(
      toJsonSchema(JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"qdrant#/components'))) as object,
    );
  const ops: SpecOperation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const body = (op.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content
        ?.["application/json"]?.schema;
      const ok = (op.responses as Record<string, { content?: Record<string, { schema?: unknown }> }>)["200"]
        ?.content?.["application/json"]?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId),
        request: body ? compile(body) : undefined,
        response: ok ? compile(ok) : undefined,
      });
    }
  }
  return cached = ops;
}

/** Finds the operation of a request and its path parameters. */
export function matchOperation(method: string, pathname: string) {
  for (const op of specOperations()) {
    if (op.method !== method) continue;
    const names: string[] = [];
    const pattern = new RegExp(
      "^" + op.path.replace(/\{([^}]+)\}/g, (_m, name) => {
        names.push(name);
        return "([^/]+)";
      }) + "/?$",
    );
    const m = pattern.exec(pathname);
    if (m) return { op, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return undefined;
}

export function describeErrors(v: ValidateFunction): string {
  return (v.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || "(body)"} ${e.message}`).join("; ");
}
