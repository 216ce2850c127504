// Process-wide observation of source API requests, for metrics: every SourceHttpClient reports each request it
// sends here, and whoever wants counts (the server's Prometheus metrics) subscribes. The engine imports nothing
// from the server; the server subscribes to this. Observers must be cheap and never throw into the client.
export interface SourceRequestObservation {
  /** Integration provider the client talks to ("jira", "github", …; "unknown" when the client was not told). */
  provider: string;
  /** Paced endpoint label, e.g. "GET /rest/api/3/search/jql". */
  endpoint: string;
  status?: number;
  outcome: "ok" | "retry" | "throttled" | "failed";
  /** The source refused the request for its rate limit (429, or GitHub's 403 with no budget left). */
  rateLimited: boolean;
  durationMs: number;
}

type Observer = (observation: SourceRequestObservation) => void;

const observers = new Set<Observer>();

/** Subscribes to every source request of this process; returns the unsubscribe function. */
export function observeSourceRequests(observer: Observer): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

export function reportSourceRequest(observation: SourceRequestObservation): void {
  for (const observer of observers) {
    try {
      observer(observation);
    } catch {
      // a metrics fault must never fail a sync
    }
  }
}
