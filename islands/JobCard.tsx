// One job on the home page. It renders only from its `job` signal: actions (run, toggle, settings) write the server's
// answer back into it, and live progress can be pushed into the same signal from outside (components/jobs/live.ts).
// Role-aware: viewers get no action buttons, users can run, admins can also toggle and change settings.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Signal } from "@preact/signals";
import { apiCall } from "../components/api.ts";
import { showToast } from "../components/ui/toasts.ts";
import { useNow } from "../components/ui/clock.ts";
import {
  excerpt,
  formatCountdown,
  formatInterval,
  formatRate,
  formatRelative,
  formatSpan,
} from "../components/format.ts";
import {
  actionsFor,
  displayStatus,
  reviveCard,
  runAvailability,
  runTotals,
  statusText,
  stepRows,
} from "../components/jobs/job_view.ts";
import { InfoTip } from "../components/ui/Reason.tsx";
import { onDemand, withChunk } from "../components/ui/on_demand.ts";
import { RateTracker } from "../components/jobs/progress.ts";
import { StatusBadge } from "../components/jobs/StatusBadge.tsx";
import { StepGrid } from "../components/jobs/StepGrid.tsx";
import type { JobCardData, Role } from "../components/jobs/types.ts";

type CardModals = typeof import("../components/jobs/card_on_demand.tsx");
type ModalName = "settings" | "details" | "activate-both";
/** The on-demand chunk (dialogs, on/off), fetched once for all cards. */
const loadModals = onDemand<CardModals>(() => import("../components/jobs/card_on_demand.tsx"));

export interface JobCardProps {
  job: Signal<JobCardData>;
  /** The integration logo, server-rendered (a slot): it never changes. */
  logo: ComponentChildren;
  role: Role;
  /** Server-rendered icons (slots), so no icon code ships with the card. */
  runIcon?: ComponentChildren;
  settingsIcon?: ComponentChildren;
  detailsIcon?: ComponentChildren;
}

export default function JobCard({ job, logo, role, runIcon, settingsIcon, detailsIcon }: JobCardProps) {
  const card = job.value;
  const now = useNow();
  const status = displayStatus(card);
  const can = actionsFor(role);
  const run = runAvailability(card);
  const title = card.name.toUpperCase();
  const [modal, setModalName] = useState<ModalName | null>(null);
  const [modals, setModals] = useState<CardModals | null>(null);
  const [busy, setBusy] = useState<"run" | "toggle" | null>(null);
  const setModal = async (name: ModalName | null) => {
    if (!name) return setModalName(null);
    await withChunk(loadModals, (chunk) => {
      setModals(chunk);
      setModalName(name);
    });
  };

  // records/s and ETA: one sample per new version of the card while it runs (ETA only once the source estimated)
  const tracker = useRef<RateTracker>();
  tracker.current ??= new RateTracker();
  useEffect(() => {
    if (card.status === "RUNNING" && card.currentRun) {
      tracker.current!.add(card.currentRun.id, { at: Date.now(), ...runTotals(card) });
    } else tracker.current!.reset();
  }, [card]);
  const rate = tracker.current.estimate();

  const runNow = async () => {
    const before = job.value.status;
    setBusy("run");
    job.value = { ...job.value, status: "RUNNING" }; // optimistic
    const res = await apiCall<{ runId: number }>(`/app/etl/jobs/${card.id}/run`, { method: "POST" });
    setBusy(null);
    if (!res.ok) {
      job.value = { ...job.value, status: before };
      showToast("error", `${title} did not start: ${res.error.message}`);
      return;
    }
    showToast("success", `${title} started (run ${res.data.runId})`);
    const fresh = await apiCall<unknown>(`/app/etl/jobs/${card.id}`);
    if (fresh.ok) job.value = reviveCard(fresh.data);
  };

  // On/off lives in the on-demand chunk: its 409 path needs the "Activate both?" dialog anyway.
  const toggle = async (active: boolean, activateIntegration = false) => {
    setBusy("toggle");
    try {
      const chunk = await loadModals();
      setModals(chunk);
      const outcome = await chunk.toggleJob(job, active, activateIntegration);
      setModalName(outcome === "needs-integration" ? "activate-both" : null);
    } catch {
      showToast("error", `${title}: could not reach the server`);
    } finally {
      setBusy(null);
    }
  };

  const prefetch = () => void loadModals().catch(() => {});
  const compact = status === "inactive";
  return (
    <article class="card job-card" data-job-name={card.name} data-status={status}>
      <div class="job-head">
        {logo}
        <div class="job-info">
          <div class="job-title">
            <h2>{title}</h2>
            <StatusBadge status={status} text={statusText(card)} resumeAt={card.resumeAt ?? card.nextRunAt} />
          </div>
          <p class="job-meta">
            <span>Interval: {formatInterval(card.scheduleIntervalMinutes)}</span>
            <span>Last run: {formatRelative(card.lastRunFinishedAt ?? card.lastRunStartedAt, now)}</span>
            {card.active && card.nextRunAt && status !== "running" && status !== "blocked" && (
              <span>Next run: {formatCountdown(card.nextRunAt, now)}</span>
            )}
            {card.retryCount > 0 && <span>Retries: {card.retryCount}</span>}
          </p>
        </div>
        <div class="job-actions" onPointerEnter={prefetch} onFocusIn={prefetch}>
          {can.run && (
            <button
              type="button"
              class="btn btn-primary"
              disabled={!run.allowed || busy !== null}
              aria-describedby={run.allowed ? undefined : `why-run-${card.id}`}
              data-reason={run.allowed ? undefined : run.reason}
              onClick={runNow}
            >
              {runIcon} Run now
            </button>
          )}
          {can.run && !run.allowed && (
            <InfoTip id={`why-run-${card.id}`} text={run.reason} label={`Why ${title} cannot start now`} />
          )}
          {can.configure && (
            <button
              type="button"
              class="icon-btn tip"
              data-tip="Schedule and retry settings"
              aria-label={`${title} settings`}
              onClick={() => setModal("settings")}
            >
              {settingsIcon}
            </button>
          )}
          <button
            type="button"
            class="icon-btn tip"
            data-tip="Details and run history"
            aria-label={`${title} details`}
            onClick={() => setModal("details")}
          >
            {detailsIcon}
          </button>
          {can.configure && (
            <button
              type="button"
              role="switch"
              class="switch tip"
              data-tip={card.active ? "Turn off" : "Turn on"}
              aria-checked={card.active}
              aria-label={`${title} on/off`}
              disabled={busy !== null}
              onClick={() => toggle(!card.active)}
            />
          )}
        </div>
      </div>

      {card.error && status !== "running" && (
        <p class="job-note tone-failed" title={card.error}>{excerpt(card.error)}</p>
      )}

      {status === "running" && (
        <p class="job-meta job-live">
          <span>
            Records/s: <b>{formatRate(rate.recordsPerSecond)}</b>
          </span>
          {rate.etaMs !== null && (
            <span data-eta>
              ETA: <b>{formatSpan(rate.etaMs)}</b>
            </span>
          )}
          {card.currentRun && <span>Started {formatRelative(card.currentRun.startedAt, now)}</span>}
        </p>
      )}

      {!compact && card.currentRun && <StepGrid rows={stepRows(card)} />}

      {modals && can.configure && (
        <modals.JobSettingsModal
          open={modal === "settings"}
          card={card}
          onClose={() => setModal(null)}
          onSaved={(saved) => {
            job.value = saved;
            showToast("success", `${title} settings saved`);
          }}
        />
      )}
      {modals && (
        <modals.JobDetailsModal
          open={modal === "details"}
          jobId={card.id}
          title={title}
          canLink={can.configure}
          onClose={() => setModal(null)}
        />
      )}
      {modals && can.configure && (
        <modals.ActivateBothModal
          open={modal === "activate-both"}
          integration={card.integration.name}
          job={title}
          busy={busy === "toggle"}
          onConfirm={() => toggle(true, true)}
          onCancel={() => setModal(null)}
        />
      )}
    </article>
  );
}
