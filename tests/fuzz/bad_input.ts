// Generators of bad requests for any declared route (fast-check), driven by the route's own declaration: its path
// parameters, its query schema and the JSON Schema of its body. Each generated request is invalid by construction
// where that can be known — a bad path segment, an undeclared / repeated / out-of-range query value, malformed or
// too deep or too large JSON, a wrong content type, or a body with one value that breaks its schema (a NUL
// character breaks every one) — so routes other helpers add are fuzzed without anyone writing a case for them.
import fc from "fast-check";
import { z } from "zod";
import type { RouteDoc } from "../../server/api/route.ts";
import { DEFAULT_BODY_LIMIT } from "../../server/http_errors.ts";
import { MAX_JSON_DEPTH } from "../../server/api/body_bounds.ts";
import { matches, type Schema } from "./json_schema_match.ts";

export interface BadRequest {
  /** What was made bad, for the failure message. */
  kind: string;
  method: string;
  path: string;
  contentType?: string;
  body?: string;
}

const NUL = "x\u0000y";

/** Path segments no declared parameter can accept as an id, a stage or anything that names a thing. */
const BAD_SEGMENTS = [
  "0",
  "-1",
  "2147483648",
  "99999999999999999999",
  "1.5",
  "1e3",
  "+1",
  "abc",
  "%00",
  "%20",
  "%2e%2e",
  "%C3%A9",
  "9".repeat(300),
  "null",
];

/** Query values that break numbers, ids, enums and bounded strings (encoded when the URL is built). */
const BAD_QUERY_VALUES = ["", "1.5", "-1", "2147483648", "99999999999999999999", "\u0000", "abc", "x".repeat(5000)];

/** Values tried against a body schema node; the ones it does not accept become its bad values. */
const VALUE_POOL: unknown[] = [
  NUL,
  "",
  "zzz-not-a-member",
  "a".repeat(10_001),
  0,
  -1,
  1.5,
  2_147_483_648,
  -2_147_483_649,
  1e308,
  true,
  false,
  null,
  [],
  [NUL],
  {},
  { unexpected: 1 },
  "1",
  "true",
];

function bodySchema(route: RouteDoc): Schema | undefined {
  if (!route.spec.body) return undefined;
  return z.toJSONSchema(route.spec.body, { io: "input", unrepresentable: "any" }) as Schema;
}

function resolve(node: Schema, root: Schema): Schema {
  const ref = node.$ref;
  if (typeof ref !== "string") return node;
  return ((root.$defs ?? {}) as Record<string, Schema>)[ref.slice(ref.lastIndexOf("/") + 1)] ?? {};
}

/** Values this schema node refuses (a NUL string always: the input layer refuses it anywhere). */
export function badValues(node: Schema, root: Schema): unknown[] {
  const schema = resolve(node, root);
  const bad = VALUE_POOL.filter((v) => v === NUL || !matches(v, schema, root));
  return bad.length ? bad : [NUL];
}

/** A JSON body with exactly one value made bad (the body itself, or one property), or an undeclared key. */
function invalidBody(schema: Schema): fc.Arbitrary<{ kind: string; value: unknown }> {
  const whole = fc.constantFrom(...badValues(schema, schema)).map((value) => ({ kind: "body: bad value", value }));
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  const options: fc.Arbitrary<{ kind: string; value: unknown }>[] = [whole];
  if (properties.length) {
    options.push(
      fc.constantFrom(...properties).chain(([key, property]) =>
        fc.record({
          bad: fc.constantFrom(...badValues(property, schema)),
          rest: fc.dictionary(fc.constantFrom(...properties.map(([k]) => k)), fc.jsonValue({ maxDepth: 2 }), {
            maxKeys: 3,
          }),
        }).map(({ bad, rest }) => ({ kind: `body.${key}: bad value`, value: { ...rest, [key]: bad } }))
      ),
    );
  }
  if (schema.additionalProperties === false) {
    options.push(
      fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !properties.some(([p]) => p === k) && k !== "__proto__")
        .map((key) => ({ kind: "body: undeclared key", value: { [key]: 1 } })),
    );
  }
  return fc.oneof(...options);
}

/** A JSON body `extra` bytes (at least) over `limit`. */
const oversized = (limit: number, extra: number) => JSON.stringify({ pad: "x".repeat(limit + extra) });

/** The path a body route is sent to: parameters filled, every declared query key given. */
const bodyPath = (route: RouteDoc) => url(route, undefined, queryKeys(route).map((k) => `${k}=1`).join("&"));

/** Raw body texts and content types that no JSON route accepts. */
function brokenBody(limit: number, form: boolean): fc.Arbitrary<{ kind: string; body: string; contentType?: string }> {
  const json = "application/json";
  return fc.oneof(
    fc.constantFrom("{", "[", '{"a":', "nul", "{'a':1}", '{"a":1,}', "{}}", "\ud800").map((body) => ({
      kind: "malformed JSON",
      body,
      contentType: json,
    })),
    fc.integer({ min: MAX_JSON_DEPTH + 1, max: 7000 }).map((n) => ({
      kind: `JSON nested ${n} deep`,
      body: "[".repeat(n) + "]".repeat(n),
      contentType: json,
    })),
    fc.integer({ min: 1, max: 4096 }).map((extra) => ({
      kind: `body ${extra} bytes over the limit`,
      body: oversized(limit, extra),
      contentType: json,
    })),
    fc.constantFrom(...[
      "text/plain",
      "application/xml",
      undefined,
      ...(form ? [] : ["application/x-www-form-urlencoded"]),
    ])
      .map((contentType) => ({ kind: `content-type ${contentType ?? "(none)"}`, body: '{"a":1}', contentType })),
  );
}

function queryKeys(route: RouteDoc): string[] {
  return route.spec.query instanceof z.ZodObject ? Object.keys(route.spec.query.shape) : [];
}

/** The route's path with its parameters filled (with `1`, or one bad segment) and a query string. */
function url(route: RouteDoc, badParam?: { name: string; segment: string }, query = ""): string {
  const path = route.path.replace(
    /:([A-Za-z0-9_]+)/g,
    (_, name) => (badParam && badParam.name === name ? badParam.segment : "1"),
  );
  return path + (query ? `?${query}` : "");
}

/**
 * Requests every body route is sent on every run, whatever the seed: a wrong content type and a body over the
 * limit, so each run reaches 415 and 413 rather than depending on what the random draw picked.
 */
export function fixedBadRequests(route: RouteDoc): BadRequest[] {
  if (!route.spec.body) return [];
  const method = route.method.toUpperCase();
  const path = bodyPath(route);
  const limit = route.spec.bodyLimit ?? DEFAULT_BODY_LIMIT;
  return [
    { kind: "content-type text/plain", method, path, contentType: "text/plain", body: '{"a":1}' },
    {
      kind: "body 1 byte over the limit",
      method,
      path,
      contentType: "application/json",
      body: oversized(limit, 1),
    },
  ];
}

/** Every kind of bad request the route can be sent. */
export function badRequests(route: RouteDoc): fc.Arbitrary<BadRequest> {
  const method = route.method.toUpperCase();
  const params = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  const declared = queryKeys(route);
  const options: fc.Arbitrary<BadRequest>[] = [];
  const validBody = route.spec.body ? { contentType: "application/json", body: "{}" } : {};

  if (params.length) {
    options.push(
      fc.record({ name: fc.constantFrom(...params), segment: fc.constantFrom(...BAD_SEGMENTS) }).map((bad) => ({
        kind: `path ${bad.name}=${bad.segment.slice(0, 20)}`,
        method,
        path: url(route, bad),
        ...validBody,
      })),
    );
  }
  options.push(
    fc.string({ minLength: 1, maxLength: 30 }).filter((k) => !declared.includes(k)).map((key) => ({
      kind: "undeclared query parameter",
      method,
      path: url(route, undefined, new URLSearchParams({ [key]: "1" }).toString()),
      ...validBody,
    })),
  );
  if (declared.length) {
    options.push(
      fc.record({ key: fc.constantFrom(...declared), value: fc.constantFrom(...BAD_QUERY_VALUES) }).map((q) => ({
        kind: `query ${q.key}=${JSON.stringify(q.value.slice(0, 20))}`,
        method,
        path: url(route, undefined, new URLSearchParams({ [q.key]: q.value }).toString()),
        ...validBody,
      })),
      fc.constantFrom(...declared).map((key) => ({
        kind: `query ${key} repeated`,
        method,
        path: url(route, undefined, `${key}=1&${key}=1`),
        ...validBody,
      })),
    );
  }
  const schema = bodySchema(route);
  if (schema) {
    const path = bodyPath(route);
    const limit = route.spec.bodyLimit ?? DEFAULT_BODY_LIMIT;
    options.push(
      invalidBody(schema).map(({ kind, value }) => ({
        kind,
        method,
        path,
        contentType: "application/json",
        body: JSON.stringify(value),
      })),
      brokenBody(limit, route.spec.form === true).map((b) => ({ ...b, method, path })),
    );
  }
  return fc.oneof(...options);
}
