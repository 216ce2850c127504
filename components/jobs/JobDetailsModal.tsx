// Job details: status and error, the provider's own figures (rows loaded for this integration, from
// GET /app/etl/jobs/:id/details), the last run's requests/rows/duration, timing, and the run history chart.
import { useEffect, useState } from "preact/hooks";
import { apiCall } from "../api.ts";
import { Modal } from "../ui/Modal.tsx";
import { formatDate, formatInterval, formatNumber } from "../format.ts";
import { formatDuration } from "../format_details.ts";
import { displayStatus, reviveCard, statusText } from "./job_view.ts";
import { StatusBadge } from "./StatusBadge.tsx";
import { RunHistoryChart } from "./RunHistoryChart.tsx";
import { IdentityReview } from "./IdentityReview.tsx";
import type { JobDetailsData, RateBudget, RunSummaryData } from "./types.ts";

const PROVIDER_TITLE: Record<string, string> = {
  jira: "Jira data",
  github: "GitHub data",
  fabric: "Microsoft Fabric",
  ad: "Microsoft Entra ID (AD)",
};

function reviveRun(r: RunSummaryData): RunSummaryData {
  return { ...r, startedAt: new Date(r.startedAt), finishedAt: r.finishedAt ? new Date(r.finishedAt) : null };
}

export function reviveDetails(raw: JobDetailsData): JobDetailsData {
  return {
    ...raw,
    job: reviveCard(raw.job),
    lastRun: raw.lastRun ? reviveRun(raw.lastRun) : null,
    runs: raw.runs.map(reviveRun),
  };
}

export function JobDetailsModal(
  props: { open: boolean; jobId: number; title: string; onClose: () => void; canLink?: boolean },
) {
  const [details, setDetails] = useState<JobDetailsData | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!props.open) return;
    let live = true;
    setError(null);
    apiCall<JobDetailsData>(`/app/etl/jobs/${props.jobId}/details`).then((res) => {
      if (!live) return;
      if (res.ok) setDetails(reviveDetails(res.data));
      else setError(res.error.message);
    });
    return () => {
      live = false;
    };
  }, [props.open, props.jobId]);

  return (
    <Modal
      open={props.open}
      title={`${props.title} details`}
      onClose={props.onClose}
      id="job-details"
      width="max-w-3xl"
    >
      {error && <p role="alert" class="field-error">Could not load the details: {error}</p>}
      {!error && !details && <p class="py-8 text-center text-sm text-muted">Loading…</p>}
      {details && <DetailsBody d={details} canLink={props.canLink ?? false} />}
    </Modal>
  );
}

function DetailsBody({ d, canLink }: { d: JobDetailsData; canLink: boolean }) {
  const job = d.job;
  return (
    <div class="space-y-6 text-sm">
      <Section title="Status">
        <div class="flex flex-wrap items-center gap-3">
          <StatusBadge status={displayStatus(job)} text={statusText(job)} resumeAt={job.resumeAt} />
          <span class="text-muted">Retries: {job.retryCount}</span>
          <span class="text-muted">Steps: {job.steps.map((s) => s.name).join(" → ")}</span>
        </div>
        {job.error && (
          <pre class="mt-3 max-h-40 overflow-auto whitespace-pre-wrap rounded-lg bg-sunken p-3 text-xs tone-failed">
            {job.error}
          </pre>
        )}
      </Section>

      <Section title={PROVIDER_TITLE[d.integration.provider] ?? d.integration.name} testId="provider-section">
        <dl class="mb-3 grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-2">
          <Row label="Integration" value={`${d.integration.name} (${d.integration.active ? "active" : "inactive"})`} />
          <Row label="Base URL" value={d.integration.baseUrl ?? "—"} />
          <Row label="Credentials" value={d.integration.hasCredentials ? "stored (encrypted)" : "not set"} />
          {d.integration.scope.map((s) => <Row key={s.label} label={s.label} value={s.value} />)}
        </dl>
        {d.notConfigured && (
          <p class="mb-3 rounded-lg bg-sunken px-3 py-2 text-muted" data-not-configured>{d.notConfigured}</p>
        )}
        {d.figures.length > 0 && (
          <div class="grid grid-cols-2 gap-2 sm:grid-cols-4" data-figures>
            {[...d.figures, { key: "vectors", label: "Vectors", value: d.vectors }].map((f) => (
              <div key={f.key} class="rounded-lg border border-line bg-sunken px-3 py-2" data-figure={f.key}>
                <p class="text-xs text-muted">{f.label}</p>
                <p class="text-lg font-semibold tabular-nums">{formatNumber(f.value)}</p>
              </div>
            ))}
          </div>
        )}
        {(d.rateBudgets ?? []).length > 0 && <RateBudgets budgets={d.rateBudgets!} />}
      </Section>

      {d.integration.provider === "ad" && (
        <Section title="Identities to review" testId="identity-review">
          <IdentityReview canLink={canLink} />
        </Section>
      )}

      <Section title="Latest run" testId="last-run">
        {d.lastRun
          ? (
            <dl class="grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-2">
              <Row label="Status" value={`${d.lastRun.status} (${d.lastRun.trigger})`} />
              <Row label="Started" value={formatDate(d.lastRun.startedAt)} />
              <Row label="Duration" value={formatDuration(d.lastRun.durationMs)} />
              <Row label="API requests" value={formatNumber(d.lastRun.requestsMade)} />
              <Row label="Rows written" value={formatNumber(d.lastRun.rowsWritten)} />
              <Row label="Records loaded" value={formatNumber(d.lastRun.records)} />
            </dl>
          )
          : <p class="text-muted">This job has not run yet.</p>}
        {(d.missingSprintReports ?? []).length > 0 && (
          <p class="mt-2 rounded-lg bg-sunken px-3 py-2 text-muted" data-missing-sprint-reports>
            Sprint reports Jira answered 404 (board deleted or not a scrum board): {d.missingSprintReports!.map((m) =>
              `board ${m.boardId} (${formatNumber(m.sprints)} sprints)`
            ).join(", ")}
          </p>
        )}
      </Section>

      <Section title="Timing">
        <dl class="grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-2">
          <Row label="Schedule" value={`every ${formatInterval(job.scheduleIntervalMinutes)}`} />
          <Row label="Retry after failure" value={formatInterval(job.retryIntervalMinutes)} />
          <Row label="Next run" value={job.active ? formatDate(job.nextRunAt) : "off"} />
          <Row label="Last success" value={formatDate(job.lastSuccessAt)} />
          <Row label="Synced up to" value={formatDate(job.watermark)} />
          <Row label="Last finished" value={formatDate(job.lastRunFinishedAt)} />
        </dl>
      </Section>

      <Section title={`Run history (last ${d.runs.length})`}>
        <RunHistoryChart runs={d.runs} now={Date.now()} />
      </Section>
    </div>
  );
}

/** What the source said is left of its budget, per resource, and when it refills. */
function RateBudgets({ budgets }: { budgets: RateBudget[] }) {
  return (
    <dl class="mt-3 grid grid-cols-1 gap-y-1" data-rate-budgets>
      {budgets.map((b) => (
        <Row
          key={b.resource}
          label={`Rate budget (${b.resource})`}
          value={b.unlimited || b.limit === null
            ? "no limit reported (unlimited)"
            : `${formatNumber(b.remaining ?? 0)} of ${formatNumber(b.limit)} left${
              b.resetAt ? `, refills ${formatDate(new Date(b.resetAt))}` : ""
            }${b.lastCost ? ` · last query ${b.lastCost} pt` : ""}`}
        />
      ))}
    </dl>
  );
}

function Section(props: { title: string; testId?: string; children: preact.ComponentChildren }) {
  return (
    <section data-section={props.testId}>
      <h3 class="mb-2 text-xs font-semibold uppercase tracking-wider text-muted">{props.title}</h3>
      {props.children}
    </section>
  );
}

function Row(props: { label: string; value: string }) {
  return (
    <div class="flex justify-between gap-3 border-b border-line/60 py-1">
      <dt class="text-muted">{props.label}</dt>
      <dd class="truncate text-right font-medium" title={props.value}>{props.value}</dd>
    </div>
  );
}
