// Query and answer shapes of a server-paged list route, matching the list pages' URL state
// (components/ui/list/list_query.ts): `?q=&limit=&offset=` plus the route's own filters, answered with
// `{items, total, limit, offset}`. Declare with apiRouter: `query: listQuery({ provider: z.enum([...]).optional() })`.
import { z } from "zod";
import { pageQuery } from "./schemas.ts";

/** `q` (trimmed, ≤ 200 characters, empty = none), limit/offset, and the given filters. */
export function listQuery<F extends z.ZodRawShape>(filters: F, defaultLimit = 25, maxLimit = 200) {
  return z.object({
    q: z.string().trim().max(200, "at most 200 characters").optional(),
    ...pageQuery(defaultLimit, maxLimit),
    ...filters,
  }).strict();
}

/** The answer body of a list route with items of `item`. */
export function pageBody<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().min(0),
    limit: z.number().int().min(1),
    offset: z.number().int().min(0),
  });
}

/** `%`/`_`/`\` escaped for a LIKE pattern, wrapped for "contains". */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
