// The state of a server-paged list page and its URL form: `?q=&limit=&offset=&<filter>=…`. The page URL carries it
// (reloading or sharing the link shows the same page) and the list API takes the same names, so the state maps
// onto the request one to one (server side: server/api/list_query.ts).

export interface ListParams {
  q: string;
  limit: number;
  offset: number;
  filters: Record<string, string>;
}

/** One page of a list as list APIs answer it. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export const DEFAULT_LIMIT = 25;

/** Query string of the params (defaults and empty values left out). */
export function toSearch(p: ListParams, defaultLimit = DEFAULT_LIMIT): string {
  const s = new URLSearchParams();
  if (p.q.trim()) s.set("q", p.q.trim());
  if (p.limit !== defaultLimit) s.set("limit", String(p.limit));
  if (p.offset > 0) s.set("offset", String(p.offset));
  for (const [k, v] of Object.entries(p.filters)) if (v !== "") s.set(k, v);
  const text = s.toString();
  return text ? `?${text}` : "";
}

function whole(text: string | null, fallback: number, min: number, max: number): number {
  if (text === null || !/^\d{1,10}$/.test(text)) return fallback;
  return Math.min(max, Math.max(min, Number(text)));
}

/** Params from a query string; unknown names are ignored, bad numbers fall back to the defaults. */
export function fromSearch(
  search: string | URLSearchParams,
  filterKeys: readonly string[],
  defaultLimit = DEFAULT_LIMIT,
  maxLimit = 200,
): ListParams {
  const s = typeof search === "string" ? new URLSearchParams(search) : search;
  const filters: Record<string, string> = {};
  for (const k of filterKeys) filters[k] = s.get(k) ?? "";
  return {
    q: (s.get("q") ?? "").slice(0, 200),
    limit: whole(s.get("limit"), defaultLimit, 1, maxLimit),
    offset: whole(s.get("offset"), 0, 0, 2_147_483_647),
    filters,
  };
}

/** "26–50 of 312", "No results". */
export function rangeText(page: { total: number; offset: number; items: unknown[] }): string {
  if (page.total === 0) return "No results";
  const from = page.offset + 1;
  const to = page.offset + page.items.length;
  return `${from.toLocaleString("en-US")}–${to.toLocaleString("en-US")} of ${page.total.toLocaleString("en-US")}`;
}
