// Queues (admin): the pipeline's stage queues of this instance, rendered complete from the same figures as
// GET /app/etl/queues; the QueuesPanel island keeps them live over the WebSocket and holds the actions.
import QueuesPanel from "../../islands/QueuesPanel.tsx";
import type { QueuesView } from "../../server/live/queue_monitor.ts";

export interface RawDataFigures {
  pages: number;
  bytes: number;
  retentionDays: number;
}

export function QueuesPage(props: { view: QueuesView | null; raw: RawDataFigures }) {
  return (
    <div class="mx-auto max-w-6xl">
      {props.view ? <QueuesPanel initial={props.view} raw={props.raw} /> : (
        <div class="space-y-2" id="queues">
          <h2 class="text-xl font-semibold">Queues</h2>
          <p class="card px-5 py-4 text-sm text-muted" id="queue-unavailable">
            The queue is not connected in this instance, so there are no stage figures to show.
          </p>
        </div>
      )}
    </div>
  );
}
