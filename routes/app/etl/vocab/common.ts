// What the vocabulary routes (hierarchies, wits, workflows, statuses) share: request pieces, the tenant check of an
// integration named in a body or query, the 409 that lists dependents, and ordering by a list of ids.
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../../server/context.ts";
import type { Queryable } from "../../../../db/port.ts";
import { ApiError } from "../../../../server/http_errors.ts";
import { errorResponse, id } from "../../../../server/api/schemas.ts";

export const name = z.string({ error: "must be text" }).trim().min(1, "must not be empty")
  .max(100, "must be at most 100 characters");
export const description = z.string({ error: "must be text" }).trim().max(500, "must be at most 500 characters")
  .nullable();
/** Source names (types or statuses) mapped in one call. */
export const sourceNames = z.array(name, { error: "must be a list of names" }).min(1, "must name at least one")
  .max(500, "must name at most 500");
export const reassignBody = z.object({ targetId: id }).strict();
export const orderBody = z.object({
  integrationId: id,
  ids: z.array(id, { error: "must be a list of ids" }).min(1, "must list at least one").max(500, "at most 500"),
}).strict();

export const inUse = errorResponse("other records use it: `dependents` lists them; reassign them first");
export const notFound = errorResponse("no such record in the caller's tenant");

export const tenantOf = (c: Context<AppEnv>) => c.get("auth").tenantId;
export const dbOf = (c: Context<AppEnv>) => c.get("deps").db;

/** The integration named by a body or query value, in the caller's tenant; otherwise 404 naming the field. */
export async function requireIntegration(db: Queryable, tenantId: number, integrationId: number, field: string) {
  const [row] = await db.query<{ id: number; provider: string }>(
    "SELECT id, provider FROM integrations WHERE tenant_id = $1 AND id = $2",
    [tenantId, integrationId],
  );
  if (!row) {
    throw new ApiError(404, "not_found", `${field}: no such integration`, [
      { field, message: "no such integration" },
    ]);
  }
  return row;
}

export function missing(what: string): never {
  throw new ApiError(404, "not_found", `no such ${what}`);
}

export function invalidField(field: string, message: string): never {
  throw new ApiError(400, "validation_failed", `${field}: ${message}`, [{ field, message }]);
}

/** 409 with the records that depend on the one being deleted. */
export function dependentsConflict(code: string, message: string, dependents: unknown[]): never {
  throw new ApiError(409, code, message, undefined, { dependents });
}

/**
 * Checks that `ids` lists every row of `all` exactly once (a reorder names the whole list, so nothing is left
 * between two positions); 400 naming `ids` otherwise.
 */
export function requireWholeList(ids: readonly number[], all: readonly number[]) {
  const given = new Set(ids);
  if (given.size !== ids.length) invalidField("ids", "lists an id more than once");
  const known = new Set(all);
  const stray = ids.filter((i) => !known.has(i));
  if (stray.length) invalidField("ids", `not in this list: ${stray.join(", ")}`);
  const left = all.filter((i) => !given.has(i));
  if (left.length) invalidField("ids", `must list every entry; missing ${left.join(", ")}`);
}

/** A reassignment target: another row of the same integration. */
export function requireTarget<T extends { id: number; integrationId: number }>(
  subject: T,
  target: T | undefined,
): T {
  if (!target) invalidField("targetId", "no such entry in the caller's tenant");
  if (target.id === subject.id) invalidField("targetId", "must be another entry than the one being removed");
  if (target.integrationId !== subject.integrationId) invalidField("targetId", "must belong to the same integration");
  return target;
}

/** The next page of a list query. */
export interface Paging {
  limit: number;
  offset: number;
}

export function page<T>(items: T[], total: number, paging: Paging) {
  return { items, total, limit: paging.limit, offset: paging.offset };
}
