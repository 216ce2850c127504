// The shapes of GET /app/etl/qdrant and /app/etl/search as the browser sees them. Type-only imports of the server's
// declarations: erased from the browser bundle, and they cannot drift from what the API answers.
import type { VectorOverview } from "../../routes/app/etl/qdrant.ts";

export type Overview = VectorOverview;
export type KindRow = VectorOverview["kinds"][number];
export type Task = VectorOverview["tasks"][number];

export interface SearchHit {
  kind: string;
  label: string;
  recordId: number;
  score: number;
  title: string;
  url: string | null;
}
