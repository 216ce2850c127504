// The response contract: every answer of a declared route has a declared status, and a JSON body matches the
// schema declared for that status — every key declared, none missing, none extra. Test apps run this on every
// response (tests/support/app.ts), so each API test is also a contract test; production does not pay for it.
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { declaredRoutes, matchedRoute, type RouteDoc } from "./route.ts";
import type { AppEnv } from "../context.ts";
import { responsesOf } from "./responses.ts";
import { errorBody } from "../http_errors.ts";

export interface ContractViolation {
  method: string;
  url: string;
  route: string;
  status: number;
  problem: string;
}

/** The first place two JSON values differ, as a path ("" when they are equal). */
function difference(expected: unknown, actual: unknown, path: string): string | undefined {
  if (Object.is(expected, actual)) return undefined;
  if (typeof expected !== "object" || typeof actual !== "object" || !expected || !actual) {
    return `${path || "(body)"}: changed by the schema (a transform or default?)`;
  }
  if (Array.isArray(expected) !== Array.isArray(actual)) return `${path || "(body)"}: array/object mismatch`;
  const a = expected as Record<string, unknown>;
  const b = actual as Record<string, unknown>;
  for (const key of Object.keys(a)) {
    const here = path ? `${path}.${key}` : key;
    if (!(key in b)) return `${here}: sent but not declared`;
    const inner = difference(a[key], b[key], here);
    if (inner) return inner;
  }
  for (const key of Object.keys(b)) if (!(key in a)) return `${path ? `${path}.${key}` : key}: declared default added`;
  return undefined;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
}

/** Why a response breaks its route's contract, or undefined when it keeps it. */
export async function contractProblem(doc: RouteDoc, res: Response): Promise<string | undefined> {
  if (res.status === 101) return undefined; // a WebSocket upgrade has no body to check
  const declared = responsesOf(doc)[res.status];
  if (!declared) return `status ${res.status} is not declared`;
  const type = res.headers.get("content-type") ?? "";
  const isJson = type.includes("json");
  if (!declared.schema) {
    if (isJson) return `a JSON body is sent for ${res.status} but none is declared`;
    if (declared.contentType && !type.startsWith(declared.contentType)) {
      return `content-type ${type || "(none)"} instead of ${declared.contentType}`;
    }
    return undefined;
  }
  if (!isJson) return `content-type ${type || "(none)"} instead of the declared JSON body`;
  let body: unknown;
  try {
    body = await res.clone().json();
  } catch {
    return "the body is not valid JSON";
  }
  const parsed = declared.schema.safeParse(body);
  if (!parsed.success) return describeIssues(parsed.error);
  return difference(body, parsed.data, "");
}

/**
 * Middleware (installed first) that checks each response of a declared route against its contract. A violation is
 * reported and the response replaced by a 500 naming it, so no test can pass over it.
 */
export function contractCheck(report: (violation: ContractViolation) => void): MiddlewareHandler {
  return async (c: Context, next) => {
    await next();
    const doc = matchedRoute(c);
    if (!doc) return;
    const problem = await contractProblem(doc, c.res);
    if (!problem) return;
    const violation = {
      method: c.req.method,
      url: c.req.url,
      route: `${doc.method} ${doc.path}`,
      status: c.res.status,
      problem,
    };
    report(violation);
    c.res = undefined;
    c.res = Response.json(
      errorBody("contract_violation", `${violation.route} answered ${violation.status}: ${problem}`),
      { status: 500 },
    );
  };
}

/**
 * Routes an app serves under the given prefixes that are not declared (and so not documented, validated or
 * checked): a route added the old way (`app.get(...)`) shows up here. Middleware (`use`, registered for every
 * method) is not a route.
 */
export function undeclaredRoutes(app: Hono<AppEnv>, prefixes: string[]): string[] {
  const declared = new Set(declaredRoutes().map((r) => `${r.method.toUpperCase()} ${r.path}`));
  return app.routes
    .filter((r) => r.method !== "ALL" && prefixes.some((p) => r.path === p || r.path.startsWith(`${p}/`)))
    .map((r) => `${r.method} ${r.path}`)
    .filter((key) => !declared.has(key));
}
