// The shapes of GET /app/etl/qdrant and /app/etl/search as the browser sees them (islands import nothing
// server-side; routes/app/etl/qdrant.ts declares the authoritative zod schemas).
export interface Health {
  ok: boolean;
  latencyMs: number;
  version: string | null;
  detail: string;
}

export interface KindRow {
  kind: string;
  label: string;
  collection: string;
  collectionExists: boolean;
  rows: number;
  vectors: number;
  bridge: number;
  current: number;
  pending: number;
  failed: number;
  orphanedRows: number;
  orphanedPoints: number;
  otherModel: number;
  explanation: string[];
}

export interface Task {
  tenantId: number;
  kind: string;
  task: "reembed" | "orphans";
  state: "running" | "finished" | "failed";
  done: number;
  total: number;
  changed: number;
  error?: string;
  at: string;
}

export interface Overview {
  store: { kind: "pgvector" | "qdrant" | "exact"; health: Health };
  embedder: { model: string; kind: "lexical" | "semantic"; dimensions: number | null };
  kinds: KindRow[];
  tasks: Task[];
}

export interface SearchHit {
  kind: string;
  label: string;
  recordId: number;
  score: number;
  title: string;
  url: string | null;
}
