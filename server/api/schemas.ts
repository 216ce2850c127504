// Schemas every route shares: ids (positive 32-bit integers, the range of the database's id columns), paging, and
// the one error body. Path and query values arrive as strings; `idText`/`intText` turn them into numbers strictly
// (no "1.5", no "1e3", no leading "+").
import { z } from "zod";

export const MAX_INT4 = 2_147_483_647;

/** An id inside a JSON body. */
export const id = z.number({ error: "must be a whole number" }).int("must be a whole number")
  .min(1, "must be at least 1").max(MAX_INT4, `must be at most ${MAX_INT4}`);

/** A whole number written in a path or query string, within [min, max]. */
export function intText(min: number, max: number) {
  return z.string().regex(/^\d{1,10}$/, "must be a whole number").transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .meta({ description: `a whole number from ${min} to ${max}` });
}

/** An id written in a path or query string. */
export const idText = intText(1, MAX_INT4);

/** `/:id` routes. */
export const idParams = z.object({ id: idText });

/** Offset paging for list routes: `?limit=&offset=`, bounded. */
export function pageQuery(defaultLimit = 50, maxLimit = 200) {
  return {
    limit: intText(1, maxLimit).prefault(String(defaultLimit)),
    offset: intText(0, MAX_INT4).prefault("0"),
  };
}

export const errorBody = z.object({
  error: z.looseObject({
    code: z.string().meta({ description: "stable, machine-readable reason" }),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional()
      .meta({ description: "each invalid value: `params.`/`query.` prefix for path and query, body path otherwise" }),
  }).meta({ description: "some codes carry extra keys (e.g. `integrationId`, `jobs`)" }),
}).meta({ id: "Error" });

/** An error answer for the OpenAPI document and the contract check. */
export function errorResponse(description: string) {
  return { description, schema: errorBody };
}

/** The error responses most routes can give, for the OpenAPI document. */
export const commonErrors = {
  400: { description: "a value is invalid; `fields` names each one", schema: errorBody },
  401: { description: "not signed in", schema: errorBody },
  403: { description: "the caller's role may not do this", schema: errorBody },
  404: { description: "no such resource in the caller's tenant", schema: errorBody },
} as const;
