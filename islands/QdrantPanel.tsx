// The Qdrant page: the vector store's health (a real round trip: latency, version), the embedder (labelled lexical
// when it matches words rather than meaning), per record kind the rows in the database vs vectors in the store vs
// bridge rows with the difference explained, and the actions — re-embed, remove orphans (users and admins),
// recreate the collection (admins, after a confirmation that says what is lost; its dialog is loaded on demand).
// Task progress arrives over the same WebSocket as the job cards (topic vectors); a search box queries
// /app/etl/search. The store and embedder card around it is server-rendered (components/qdrant/StoreCard.tsx).
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { apiCall } from "../components/api.ts";
import { showToast } from "../components/ui/toasts.ts";
import { formatNumber } from "../components/format.ts";
import { keepConnected, LiveBadge, type LiveState, liveUrl } from "../components/live_socket.tsx";
import { ReasonNote } from "../components/ui/Reason.tsx";
import type { Role } from "../components/jobs/types.ts";
import { SearchBox } from "../components/qdrant/SearchBox.tsx";
import type { KindRow, Overview, Task } from "../components/qdrant/types.ts";

type RecreateProps = { kind: KindRow; onClose: () => void; onDone: () => void };
let recreateChunk: Promise<typeof import("../components/qdrant/RecreateModal.tsx")> | undefined;

/** The recreate dialog, fetched the first time an admin opens it (it is most of this page's code otherwise). */
function RecreateOnDemand(props: RecreateProps) {
  const [Dialog, setDialog] = useState<ComponentType<RecreateProps> | null>(null);
  useEffect(() => {
    recreateChunk ??= import("../components/qdrant/RecreateModal.tsx");
    recreateChunk.then((m) => setDialog(() => m.RecreateModal), () => {
      recreateChunk = undefined;
      showToast("error", "The dialog could not be loaded; check the connection and try again");
      props.onClose();
    });
  }, []);
  return Dialog ? <Dialog {...props} /> : null;
}

export default function QdrantPanel(props: { initial: Overview; role: Role }) {
  const [data, setData] = useState(props.initial);
  const [tasks, setTasks] = useState<Record<string, Task>>(
    Object.fromEntries(props.initial.tasks.map((t) => [t.kind, t])),
  );
  const [live, setLive] = useState<LiveState>("connecting");
  const [recreate, setRecreate] = useState<KindRow | null>(null);
  const canRun = props.role !== "viewer";
  const admin = props.role === "admin";

  const refresh = async () => {
    const res = await apiCall<Overview>("/app/etl/qdrant");
    if (res.ok) setData(res.data);
  };

  useEffect(() => {
    const onFrame = (frame: unknown) => {
      const f = frame as { type: string; tasks?: Task[]; progress?: Task };
      if (f.type === "vectors" && f.tasks) setTasks(Object.fromEntries(f.tasks.map((t) => [t.kind, t])));
      if (f.type === "vector" && f.progress) {
        const p = f.progress;
        setTasks((all) => ({ ...all, [p.kind]: p }));
        if (p.state !== "running") refresh();
      }
    };
    return keepConnected(liveUrl("/app/etl/ws?topics=vectors"), onFrame, setLive);
  }, []);

  const start = async (kind: string, task: "reembed" | "orphans") => {
    const res = await apiCall<{ task: Task }>(`/app/etl/qdrant/kinds/${kind}/${task}`, { method: "POST", body: {} });
    if (!res.ok) return showToast("error", res.error.message);
    setTasks((all) => ({ ...all, [kind]: res.data.task }));
  };

  return (
    <div class="space-y-5" id="qdrant">
      <SearchBox lexical={data.embedder.kind === "lexical"} kinds={data.kinds} />

      <section class="space-y-3" aria-label="Record kinds">
        <div class="flex flex-wrap items-center justify-between gap-3">
          <h3 class="text-base font-semibold">Records and vectors</h3>
          <LiveBadge state={live} />
        </div>
        {!canRun && (
          <ReasonNote
            id="viewer-reason"
            text="Viewers see the figures; re-embedding and clean-up need the user role."
          />
        )}
        {data.kinds.length === 0 && (
          <p class="card px-5 py-4 text-sm text-muted" id="no-figures">
            No figures while the store is unreachable.
          </p>
        )}
        {data.kinds.map((k) => {
          const t = tasks[k.kind];
          const running = t?.state === "running";
          return (
            <article class="card space-y-3 px-5 py-4" key={k.kind} data-kind={k.kind}>
              <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h4 class="font-semibold">{k.label}</h4>
                <code class="break-all text-xs text-muted" title="collection">{k.collection}</code>
              </div>
              <dl class="grid grid-cols-3 gap-2 text-sm">
                {([["In the database", k.rows, "rows"], ["In the store", k.vectors, "vectors"], [
                  "Bridge rows",
                  k.current,
                  "bridge",
                ]] as const).map(([label, n, key]) => (
                  <div key={key}>
                    <dt class="text-xs text-muted">{label}</dt>
                    <dd class="text-lg font-semibold tabular-nums" data-figure={key}>{formatNumber(n)}</dd>
                  </div>
                ))}
              </dl>
              {k.explanation.length === 0
                ? <p class="text-sm text-muted" data-explanation>In step: every active record has its vector.</p>
                : (
                  <ul class="list-disc space-y-0.5 pl-5 text-sm" data-explanation>
                    {k.explanation.map((line) => <li key={line}>{line}</li>)}
                  </ul>
                )}
              {t && (
                <div class="space-y-1" data-task={t.state}>
                  <p class="text-xs text-muted">
                    {t.task === "reembed" ? "Re-embedding" : "Removing orphans"}: {t.state}
                    {t.total > 0 && ` — ${formatNumber(t.done)} of ${formatNumber(t.total)}`}
                    {t.error && ` (${t.error})`}
                  </p>
                  {running && (
                    <progress
                      class="h-1.5 w-full"
                      max={Math.max(1, t.total)}
                      value={t.done}
                      aria-label={`${k.label} progress`}
                    />
                  )}
                </div>
              )}
              {canRun && (
                <div class="flex flex-wrap gap-2">
                  <button type="button" class="btn" disabled={running} onClick={() => start(k.kind, "reembed")}>
                    Re-embed
                  </button>
                  <button type="button" class="btn" disabled={running} onClick={() => start(k.kind, "orphans")}>
                    Remove orphans
                  </button>
                  {admin && (
                    <button
                      type="button"
                      class={`btn ${k.collectionExists ? "btn-danger" : ""}`}
                      disabled={running}
                      onClick={() => setRecreate(k)}
                    >
                      {k.collectionExists ? "Recreate collection" : "Create collection"}
                    </button>
                  )}
                </div>
              )}
            </article>
          );
        })}
      </section>
      {recreate && <RecreateOnDemand kind={recreate} onClose={() => setRecreate(null)} onDone={refresh} />}
    </div>
  );
}
