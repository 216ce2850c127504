// The Qdrant page (/qdrant): rendered complete from the same overview as GET /app/etl/qdrant; the QdrantPanel
// island keeps task progress live and holds the actions. Without a running vector store it says so.
import QdrantPanel from "../../islands/QdrantPanel.tsx";
import { StoreCard } from "../../components/qdrant/StoreCard.tsx";
import type { VectorOverview } from "../app/etl/qdrant.ts";
import type { Role } from "../../server/auth/jwt.ts";

export function QdrantPage(props: { overview: VectorOverview | null; role: Role }) {
  return (
    <div class="mx-auto max-w-5xl">
      {props.overview
        ? (
          <div class="space-y-5">
            <div>
              <h2 class="text-xl font-semibold">Vector store</h2>
              <p class="text-sm text-muted">Work items and pull requests, embedded for semantic search.</p>
            </div>
            <StoreCard store={props.overview.store} embedder={props.overview.embedder} />
            <QdrantPanel initial={props.overview} role={props.role} />
          </div>
        )
        : (
          <div class="space-y-2" id="qdrant">
            <h2 class="text-xl font-semibold">Vector store</h2>
            <p class="card px-5 py-4 text-sm text-muted" id="vectors-unavailable">
              The vector store is not running in this instance (its engine services are not started), so there is
              nothing to show.
            </p>
          </div>
        )}
    </div>
  );
}
