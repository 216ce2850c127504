// Semantic search on the Qdrant page: a query and an optional kind, results with score, kind and a link to the
// record in its source (or a note saying why there is none). Lexical results are labelled as such.
import { useState } from "preact/hooks";
import { apiCall } from "../api.ts";
import type { KindRow, SearchHit } from "./types.ts";

export function SearchBox(props: { lexical: boolean; kinds: KindRow[] }) {
  const [q, setQ] = useState("");
  const [kind, setKind] = useState("");
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const params = new URLSearchParams({ q, ...(kind ? { kind } : {}) });
    const res = await apiCall<{ results: SearchHit[] }>(`/app/etl/search?${params}`);
    setBusy(false);
    if (!res.ok) {
      setError(res.error.fields?.[0]?.message ? `Query ${res.error.fields[0].message}` : res.error.message);
      return setHits(null);
    }
    setError(null);
    setHits(res.data.results);
  };

  return (
    <section class="card space-y-3 px-5 py-4" aria-label="Search" id="search">
      <form class="grid gap-2 sm:flex" onSubmit={submit} role="search">
        <label class="sr-only" for="search-q">Search records</label>
        <input
          id="search-q"
          class="input min-w-0 sm:flex-1"
          type="search"
          placeholder="Search work items and pull requests"
          value={q}
          maxLength={500}
          required
          onInput={(e) => setQ((e.target as HTMLInputElement).value)}
        />
        <label class="sr-only" for="search-kind">Kind</label>
        <select
          id="search-kind"
          class="input sm:w-auto"
          value={kind}
          onChange={(e) => setKind((e.target as HTMLSelectElement).value)}
        >
          <option value="">All kinds</option>
          {props.kinds.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}
        </select>
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Searching…" : "Search"}</button>
      </form>
      {props.lexical && (
        <p class="text-xs text-muted" id="lexical-note">
          Lexical matching: scores count shared words, not meaning.
        </p>
      )}
      {error && <p class="text-sm" style={{ color: "var(--tone-failed-fg)" }} role="alert">{error}</p>}
      {hits && hits.length === 0 && <p class="text-sm text-muted" id="no-results">No matching records.</p>}
      {hits && hits.length > 0 && (
        <ol class="divide-y divide-line text-sm" id="results">
          {hits.map((h) => (
            <li key={`${h.kind}-${h.recordId}`} class="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2" data-hit>
              <span class="badge tone-idle">{h.label}</span>
              {h.url
                ? (
                  <a
                    class="order-last min-w-0 basis-full break-words underline sm:order-none sm:flex-1 sm:basis-0"
                    href={h.url}
                    target="_blank"
                    rel="noopener"
                  >
                    {h.title}
                  </a>
                )
                : (
                  <span class="order-last min-w-0 basis-full break-words sm:order-none sm:flex-1 sm:basis-0">
                    {h.title} <span class="text-xs text-muted">(no link: the source's address is not configured)</span>
                  </span>
                )}
              <span class="ml-auto tabular-nums text-muted" title="cosine similarity">
                {props.lexical ? "lexical " : ""}score {h.score.toFixed(3)}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
