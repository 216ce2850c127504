// The vector store and the embedder, server-rendered (no JavaScript): health from a real round trip made for this
// page load (reload the page to check again), version, latency, and the embedder's model — marked lexical when it is
// the offline one, with what that means for search.
import type { Overview } from "./types.ts";

const STORE_LABEL = {
  qdrant: "Qdrant",
  pgvector: "pgvector (in the database)",
  exact: "Database table (exact search)",
};

export function StoreCard(props: { store: Overview["store"]; embedder: Overview["embedder"] }) {
  const h = props.store.health;
  const e = props.embedder;
  return (
    <section class="card grid gap-4 px-5 py-4 sm:grid-cols-2" id="store" aria-label="Store and embedder">
      <div class="space-y-1">
        <h3 class="text-sm font-semibold">{STORE_LABEL[props.store.kind]}</h3>
        <p class="flex flex-wrap items-center gap-2 text-sm">
          <span class={`badge ${h.ok ? "tone-finished" : "tone-failed"}`} data-health={h.ok ? "ok" : "down"}>
            <span class="status-dot" aria-hidden="true" />
            {h.ok ? "Reachable" : "Unreachable"}
          </span>
          {h.version && <span data-version>{h.version}</span>}
          <span class="text-muted tabular-nums" data-latency>{h.latencyMs} ms</span>
          <a class="btn btn-sm" href="/qdrant">Check again</a>
        </p>
        <p class="text-xs text-muted break-words" data-detail>{h.detail}</p>
      </div>
      <div class="space-y-1" id="embedder">
        <h3 class="text-sm font-semibold">Embedder</h3>
        <p class="flex flex-wrap items-center gap-2 text-sm">
          <code class="text-xs">{e.model}</code>
          <span class={`badge ${e.kind === "lexical" ? "tone-limited" : "tone-finished"}`}>{e.kind}</span>
          {e.dimensions !== null && <span class="text-muted tabular-nums">{e.dimensions} dimensions</span>}
        </p>
        {e.kind === "lexical" && (
          <p class="text-xs text-muted">
            Offline feature hashing: results share words with the query, not meaning. Set EMBEDDINGS_URL for a semantic
            model.
          </p>
        )}
      </div>
    </section>
  );
}
