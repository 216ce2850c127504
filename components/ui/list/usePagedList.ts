// State of a server-paged, searchable, filterable list in an island: starts from the page the server rendered,
// fetches `endpoint + ?q=&limit=&offset=&filters` when the operator searches (debounced), filters or pages, drops
// answers to superseded requests, and mirrors the state into the page URL (history.replaceState), so a reload or a
// shared link shows the same page — except for a list inside a dialog (`mirrorUrl: false`), which is not the page's.
import { useEffect, useRef, useState } from "preact/hooks";
import { apiCall } from "../../api.ts";
import { type ListParams, type Page, toSearch } from "./list_query.ts";

export interface PagedList<T> {
  params: ListParams;
  page: Page<T>;
  loading: boolean;
  error: string | null;
  setQuery(q: string): void;
  setFilter(key: string, value: string): void;
  goTo(offset: number): void;
  /** Fetches the current page again (after a change made on it). */
  reload(): void;
}

export function usePagedList<T>(
  endpoint: string,
  initial: { params: ListParams; page: Page<T> },
  options: { debounceMs?: number; defaultLimit?: number; extra?: Record<string, string>; mirrorUrl?: boolean } = {},
): PagedList<T> {
  const [params, setParams] = useState(initial.params);
  const [page, setPage] = useState(initial.page);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [nonce, setNonce] = useState(0);
  const seq = useRef(0);
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const search = toSearch(params, options.defaultLimit);
    if (options.mirrorUrl !== false) history.replaceState(history.state, "", location.pathname + search);
    const mine = ++seq.current;
    const timer = setTimeout(async () => {
      setLoading(true);
      const extra = new URLSearchParams(options.extra ?? {});
      const query = new URLSearchParams(search.slice(1));
      for (const [k, v] of extra) query.set(k, v);
      if (!query.has("limit")) query.set("limit", String(params.limit));
      const res = await apiCall<Page<T>>(`${endpoint}?${query}`);
      if (mine !== seq.current) return;
      setLoading(false);
      if (res.ok) {
        setPage(res.data);
        setError(null);
      } else setError(res.error.message);
    }, options.debounceMs ?? 250);
    return () => clearTimeout(timer);
  }, [params, nonce]);

  return {
    params,
    page,
    loading,
    error,
    setQuery: (q) => setParams((p) => ({ ...p, q, offset: 0 })),
    setFilter: (key, value) => setParams((p) => ({ ...p, filters: { ...p.filters, [key]: value }, offset: 0 })),
    goTo: (offset) => setParams((p) => ({ ...p, offset: Math.max(0, offset) })),
    reload: () => setNonce((n) => n + 1),
  };
}
