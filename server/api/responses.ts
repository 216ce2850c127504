// Every response a declared route can give: the ones it declares plus the errors the input layer and the auth
// middleware give on its behalf (a bad query → 400, a refused role → 403, a path id that names nothing → 404, an
// oversized body → 413, …). The OpenAPI document and the response contract check both read this, so a route
// documents exactly the statuses it can answer with.
import { errorBody } from "./schemas.ts";
import type { ResponseSpec, RouteDoc } from "./route.ts";

const implicit: Record<number, string> = {
  400: "a value is invalid (an undeclared or repeated query parameter too); `fields` names each one",
  401: "not signed in, or the session was revoked",
  403: "the caller's role may not do this, a one-time password must be changed first, or a cross-site request",
  404: "no such resource in the caller's tenant (a path value that cannot name anything included)",
  413: "the body is larger than this route (or the API as a whole) accepts",
  415: "the body is not JSON",
};

function error(status: number): ResponseSpec {
  return { description: implicit[status], schema: errorBody };
}

export function responsesOf(doc: RouteDoc): Record<number, ResponseSpec> {
  const { spec } = doc;
  // every route refuses undeclared query parameters, and the app-wide body limit applies even where none is read
  const out: Record<number, ResponseSpec> = { 400: error(400), 413: error(413) };
  if ((spec.security ?? "session") !== "none") {
    out[401] = error(401);
    out[403] = error(403);
  }
  if (spec.roles) out[403] = error(403);
  if (spec.params) out[404] = error(404);
  if (spec.body) {
    out[415] = { ...error(415), description: spec.form ? "the body is neither JSON nor a form" : implicit[415] };
  }
  return { ...out, ...spec.responses };
}
