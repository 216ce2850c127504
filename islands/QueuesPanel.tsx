// The admin Queues page: per pipeline stage the waiting, in-flight and dead-lettered messages, consumers and
// processed/s, each dead letter with its error, attempts and a Requeue action, and start/stop of this instance's
// in-process workers (instance operator only). Rendered complete by the server; live afterwards through ONE
// WebSocket (/app/etl/ws?topics=queues) that pushes fresh figures every ~2 s — the browser never polls.
import { useEffect, useState } from "preact/hooks";
import { apiCall } from "../components/api.ts";
import { showToast } from "../components/ui/toasts.ts";
import { formatDate, formatNumber, formatRate, formatRelative } from "../components/format.ts";
import { keepConnected, LiveBadge, type LiveState, liveUrl } from "../components/live_socket.tsx";
import { ConfirmationModal } from "../components/ui/ConfirmationModal.tsx";

// The shape of GET /app/etl/queues (server/live/queue_monitor.ts QueuesView); islands import nothing server-side.
interface DeadLetterData {
  id: string;
  body: Record<string, unknown>;
  error: string;
  attempts: number;
  /** A Date when server-rendered, an ISO string in socket frames. */
  failedAt: Date | string;
  /** Its run; `obsolete` says why requeuing cannot help any more (null while the run is in progress). */
  run?: { id: number | null; obsolete: string | null };
}

interface StageData {
  stage: string;
  queueName: string;
  deadLettered: number;
  deadLetters: DeadLetterData[];
  depth?: number;
  inFlight?: number;
  consumers?: number;
  missing?: true;
  processedPerSecond?: number | null;
}

interface QueuesData {
  adapter: "rabbitmq" | "db";
  maxAttempts: number;
  operator: boolean;
  workersRunning: boolean;
  stages: StageData[];
}

const STAGE_LABEL: Record<string, string> = { extract: "Extract", transform: "Transform + load", embed: "Embed" };
const ADAPTER_LABEL = { rabbitmq: "RabbitMQ", db: "database queue" };
/** Body fields worth showing to place a dead letter (the rest is in the raw body tooltip). */
const BODY_KEYS = ["jobId", "runId", "step", "kind", "rawIds", "rawId", "page"];
const OBSOLETE_WHY: Record<string, string> = {
  finished: "its run finished",
  failed: "its run failed",
  fenced: "its run was stopped",
  superseded: "a newer run of its job replaced its run",
  missing: "its run no longer exists",
};

/** Raw pages kept for re-transforms (server-rendered once; they change by the hour, not by the second). */
interface RawData {
  pages: number;
  bytes: number;
  retentionDays: number;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export default function QueuesPanel(props: { initial: QueuesData; raw?: RawData }) {
  const [data, setData] = useState(props.initial);
  const [live, setLive] = useState<LiveState>("connecting");
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmStop, setConfirmStop] = useState(false);
  const [confirmPurge, setConfirmPurge] = useState(false);

  useEffect(() => {
    const onFrame = (frame: unknown) => {
      const f = frame as { type: string; queues?: QueuesData };
      if (f.type === "queues" && f.queues) setData(f.queues);
    };
    return keepConnected(liveUrl("/app/etl/ws?topics=queues"), onFrame, setLive);
  }, []);

  const requeue = async (stage: string, letter: DeadLetterData) => {
    setBusy(letter.id);
    const res = await apiCall(`/app/etl/queues/${stage}/dead-letters/${encodeURIComponent(letter.id)}/requeue`, {
      method: "POST",
      body: {},
    });
    setBusy(null);
    if (!res.ok) return showToast("error", `Not requeued: ${res.error.message}`);
    // shown gone at once; the next frame has the server's figures
    setData((d) => ({
      ...d,
      stages: d.stages.map((s) =>
        s.stage === stage
          ? {
            ...s,
            deadLetters: s.deadLetters.filter((l) => l.id !== letter.id),
            deadLettered: Math.max(0, s.deadLettered - 1),
          }
          : s
      ),
    }));
    showToast("success", `Message ${shortId(letter.id)} is back on the ${stage} queue`);
  };

  const workers = async (action: "start" | "stop") => {
    setBusy("workers");
    const res = await apiCall<{ workersRunning: boolean }>("/app/etl/queues/workers", { body: { action } });
    setBusy(null);
    setConfirmStop(false);
    if (!res.ok) {
      return showToast("error", `Workers not ${action === "stop" ? "stopped" : "started"}: ${res.error.message}`);
    }
    setData((d) => ({ ...d, workersRunning: res.data.workersRunning }));
    showToast("success", res.data.workersRunning ? "Workers started" : "Workers stopped");
  };

  const purge = async () => {
    setBusy("purge");
    const res = await apiCall<{ purged: Record<string, number> }>("/app/etl/queues/dead-letters/purge-obsolete", {
      body: {},
    });
    setBusy(null);
    setConfirmPurge(false);
    if (!res.ok) return showToast("error", `Nothing purged: ${res.error.message}`);
    // shown gone at once; the next frame has the server's figures
    setData((d) => ({
      ...d,
      stages: d.stages.map((s) => {
        const kept = s.deadLetters.filter((l) => !l.run?.obsolete);
        return { ...s, deadLetters: kept, deadLettered: Math.max(0, s.deadLettered - (res.data.purged[s.stage] ?? 0)) };
      }),
    }));
    const n = Object.values(res.data.purged).reduce((a, b) => a + b, 0);
    showToast("success", `Purged ${n} obsolete dead letter${n === 1 ? "" : "s"}`);
  };

  const now = Date.now();
  const letters = data.stages.filter((s) => s.deadLetters.length > 0);
  const obsolete = letters.reduce((n, s) => n + s.deadLetters.filter((l) => l.run?.obsolete).length, 0);
  return (
    <div class="space-y-5" id="queues">
      <div class="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 class="text-xl font-semibold">Queues</h2>
          <p class="text-sm text-muted">
            Pipeline stages on the {ADAPTER_LABEL[data.adapter]}. A batch is dead-lettered after {data.maxAttempts}{" "}
            failed attempt{data.maxAttempts === 1 ? "" : "s"}.
          </p>
          {props.raw && (
            <p class="text-sm text-muted" id="raw-data">
              Raw data kept for re-transforms: {formatNumber(props.raw.pages)} page{props.raw.pages === 1 ? "" : "s"},
              {" "}
              {formatBytes(props.raw.bytes)}. Pages older than {props.raw.retentionDays}{" "}
              days whose records all have a newer copy are pruned hourly.
            </p>
          )}
        </div>
        <LiveBadge state={live} />
      </div>

      {data.operator
        ? (
          <section class="card flex flex-wrap items-center gap-3 px-5 py-4" id="workers">
            <div class="mr-auto">
              <h3 class="text-sm font-semibold">Workers of this instance</h3>
              <p class="text-xs text-muted">In-process consumers of the three stages; other instances keep theirs.</p>
            </div>
            <span
              class={`badge ${data.workersRunning ? "tone-finished" : "tone-idle"}`}
              data-workers={data.workersRunning ? "running" : "stopped"}
            >
              <span class={data.workersRunning ? "status-spinner" : "status-dot"} aria-hidden="true" />
              {data.workersRunning ? "Running" : "Stopped"}
            </span>
            <button
              type="button"
              class={`btn ${data.workersRunning ? "" : "btn-primary"}`}
              disabled={busy === "workers"}
              onClick={() => data.workersRunning ? setConfirmStop(true) : workers("start")}
            >
              {data.workersRunning ? "Stop workers" : "Start workers"}
            </button>
          </section>
        )
        : (
          <p class="card px-5 py-4 text-sm text-muted" id="not-operator">
            Queue depths, rates and worker control cover every tenant of this instance, so they are shown to the
            instance operator only. Below are your tenant's dead letters.
          </p>
        )}

      <StageTable data={data} />

      <section class="space-y-3" aria-label="Dead letters">
        <div class="flex flex-wrap items-center justify-between gap-3">
          <h3 class="text-base font-semibold">Dead letters</h3>
          {obsolete > 0 && (
            <button
              type="button"
              class="btn"
              id="purge-obsolete-button"
              onClick={() => setConfirmPurge(true)}
            >
              Purge obsolete ({formatNumber(obsolete)})
            </button>
          )}
        </div>
        {letters.length === 0 && <p class="card px-5 py-4 text-sm text-muted" id="no-dead-letters">None.</p>}
        {letters.map((s) =>
          s.deadLetters.map((letter) => (
            <article class="card px-5 py-4" key={letter.id} data-dead-letter={letter.id} data-stage={s.stage}>
              <div class="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
                <span class="font-semibold">{STAGE_LABEL[s.stage] ?? s.stage}</span>
                <code class="text-xs text-muted" title={letter.id}>{shortId(letter.id)}</code>
                <span class="text-muted" data-attempts={letter.attempts}>
                  {letter.attempts} attempt{letter.attempts === 1 ? "" : "s"}
                </span>
                {letter.run?.obsolete && (
                  <span
                    class="badge tone-idle"
                    data-obsolete={letter.run.obsolete}
                    title={`Requeuing cannot help: ${OBSOLETE_WHY[letter.run.obsolete] ?? letter.run.obsolete}`}
                  >
                    Obsolete: {OBSOLETE_WHY[letter.run.obsolete] ?? letter.run.obsolete}
                  </span>
                )}
                <span class="text-muted" title={formatDate(new Date(letter.failedAt))}>
                  Last failure: {formatRelative(new Date(letter.failedAt), now)}
                </span>
                <button
                  type="button"
                  class="btn ml-auto"
                  disabled={busy === letter.id}
                  onClick={() =>
                    requeue(s.stage, letter)}
                >
                  Requeue
                </button>
              </div>
              <pre
                class="mt-2 max-h-40 overflow-auto whitespace-pre-wrap break-words rounded-lg bg-sunken px-3 py-2 text-xs"
                style={{ color: "var(--tone-failed-fg)" }}
                data-error
              >
                {letter.error}
              </pre>
              <p class="mt-2 truncate text-xs text-muted" title={JSON.stringify(letter.body)}>
                {bodySummary(letter.body)}
              </p>
            </article>
          ))
        )}
      </section>

      <ConfirmationModal
        open={confirmStop}
        title="Stop the workers?"
        confirmLabel="Stop workers"
        tone="danger"
        busy={busy === "workers"}
        onConfirm={() => workers("stop")}
        onCancel={() => setConfirmStop(false)}
        id="stop-workers"
      >
        This instance stops taking messages from the extract, transform and embed queues; batches already running
        finish. Messages wait on the queues until workers run again here or on another instance.
      </ConfirmationModal>
      <ConfirmationModal
        open={confirmPurge}
        title="Purge obsolete dead letters?"
        confirmLabel="Purge"
        tone="danger"
        busy={busy === "purge"}
        onConfirm={purge}
        onCancel={() => setConfirmPurge(false)}
        id="purge-obsolete"
      >
        Deletes your tenant's {formatNumber(obsolete)} dead letter{obsolete === 1 ? "" : "s"}{" "}
        whose run is over or was replaced by a newer run: requeuing could not change anything. Dead letters of runs
        still in progress are kept.
      </ConfirmationModal>
    </div>
  );
}

function StageTable({ data }: { data: QueuesData }) {
  // narrow paddings on phones, and the queue name (also in the stage's tooltip) and consumer count only on wider
  // screens, so the figures fit 390 px without clipping
  const cell = "px-1.5 py-2.5 text-right tabular-nums sm:px-4";
  return (
    <div class="card overflow-x-auto">
      <table class="w-full text-sm" id="stages">
        <thead class="text-xs text-muted">
          <tr class="border-b border-line">
            <th class="px-1.5 py-2.5 text-left font-medium sm:px-4">Stage</th>
            <th class="hidden px-4 py-2.5 text-left font-medium sm:table-cell">Queue</th>
            {data.operator && <th class={`${cell} font-medium`}>Waiting</th>}
            {data.operator && <th class={`${cell} font-medium`}>In flight</th>}
            <th class={`${cell} font-medium`}>{data.operator ? "Dead letters" : "Your dead letters"}</th>
            {data.operator && <th class={`${cell} hidden font-medium sm:table-cell`}>Consumers</th>}
            {data.operator && <th class={`${cell} font-medium`}>Processed</th>}
          </tr>
        </thead>
        <tbody>
          {data.stages.map((s) => (
            <tr key={s.stage} class="border-b border-line last:border-0" data-stage-row={s.stage}>
              <td class="px-1.5 py-2.5 font-medium sm:px-4" title={s.queueName}>
                {STAGE_LABEL[s.stage] ?? s.stage}
                {s.missing && <span class="badge tone-failed ml-2 sm:hidden">missing</span>}
              </td>
              <td class="hidden px-4 py-2.5 sm:table-cell">
                <code class="text-xs text-muted">{s.queueName}</code>
                {s.missing && <span class="badge tone-failed ml-2">missing</span>}
              </td>
              {data.operator && <td class={cell} data-col="depth">{formatNumber(s.depth)}</td>}
              {data.operator && <td class={cell} data-col="inFlight">{formatNumber(s.inFlight)}</td>}
              <td class={`${cell} ${s.deadLettered > 0 ? "font-semibold" : ""}`} data-col="deadLettered">
                {formatNumber(s.deadLettered)}
              </td>
              {data.operator && (
                <td class={`${cell} hidden sm:table-cell`} data-col="consumers">{formatNumber(s.consumers)}</td>
              )}
              {data.operator && (
                <td class={cell} data-col="rate" title="Messages per second acked by this instance's workers">
                  {formatRate(s.processedPerSecond ?? null)}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function shortId(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

function bodySummary(body: Record<string, unknown>): string {
  const parts = BODY_KEYS.filter((k) => k in body).map((k) => `${k} ${JSON.stringify(body[k])}`);
  return parts.length ? parts.join(" · ") : JSON.stringify(body);
}
