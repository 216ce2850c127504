// Run history as inline SVG (no chart library): one bar per run for its duration (coloured by outcome) and a line
// for the records it loaded, on its own scale. Oldest run on the left.
import { formatDate, formatNumber } from "../format.ts";
import { axisTimes, formatDuration } from "../format_details.ts";
import type { RunSummaryData } from "./types.ts";

const W = 640;
const H = 200;
const PAD = { left: 56, right: 56, top: 14, bottom: 28 };

const BAR_COLOR: Record<string, string> = {
  FINISHED: "var(--color-3)",
  FAILED: "var(--tone-failed-fg)",
  RATE_LIMITED: "var(--color-5)",
  RUNNING: "var(--color-1)",
  FENCED: "var(--text-muted)",
};

export function chartPoints(runs: RunSummaryData[], now: number) {
  const ordered = [...runs].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const durations = ordered.map((r) => r.durationMs ?? (r.finishedAt ? 0 : now - r.startedAt.getTime()));
  return {
    ordered,
    durations,
    maxDuration: Math.max(1, ...durations),
    maxRecords: Math.max(1, ...ordered.map((r) => r.records)),
  };
}

export function RunHistoryChart(props: { runs: RunSummaryData[]; now: number }) {
  if (!props.runs.length) {
    return <p class="rounded-lg bg-sunken px-3 py-6 text-center text-sm text-muted" data-chart-empty>No runs yet.</p>;
  }
  const { ordered, durations, maxDuration, maxRecords } = chartPoints(props.runs, props.now);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / ordered.length;
  const barW = Math.max(3, Math.min(28, slot * 0.6));
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const yDur = (ms: number) => PAD.top + plotH - (ms / maxDuration) * plotH;
  const yRec = (n: number) => PAD.top + plotH - (n / maxRecords) * plotH;
  const line = ordered.map((r, i) => `${x(i).toFixed(1)},${yRec(r.records).toFixed(1)}`).join(" ");
  const [firstLabel, lastLabel] = axisTimes(ordered[0].startedAt, ordered.at(-1)!.startedAt);
  return (
    <figure>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        class="h-auto w-full"
        role="img"
        aria-label={`Duration and records of the last ${ordered.length} runs`}
        data-run-chart
      >
        <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} stroke="var(--border)" />
        <line
          x1={PAD.left}
          x2={W - PAD.right}
          y1={PAD.top}
          y2={PAD.top}
          stroke="var(--border)"
          stroke-dasharray="3 4"
        />
        <text x={PAD.left - 6} y={PAD.top + 4} text-anchor="end" font-size="11" fill="var(--text-muted)">
          {formatDuration(maxDuration)}
        </text>
        <text x={PAD.left - 6} y={PAD.top + plotH} text-anchor="end" font-size="11" fill="var(--text-muted)">0</text>
        <text x={W - PAD.right + 6} y={PAD.top + 4} font-size="11" fill="var(--color-2)">
          {formatNumber(maxRecords)}
        </text>
        {ordered.map((r, i) => (
          <rect
            key={r.id}
            x={x(i) - barW / 2}
            y={yDur(durations[i])}
            width={barW}
            height={Math.max(1, PAD.top + plotH - yDur(durations[i]))}
            rx={2}
            fill={BAR_COLOR[r.status] ?? "var(--text-muted)"}
            opacity={0.85}
            data-run={r.id}
          >
            <title>
              {`Run ${r.id} · ${r.status} · ${formatDate(r.startedAt)} · ${formatDuration(durations[i])} · ${
                formatNumber(r.records)
              } records`}
            </title>
          </rect>
        ))}
        {ordered.length > 1 && <polyline points={line} fill="none" stroke="var(--color-2)" stroke-width={2} />}
        {ordered.map((r, i) => <circle key={r.id} cx={x(i)} cy={yRec(r.records)} r={3} fill="var(--color-2)" />)}
        <text x={PAD.left} y={H - 8} font-size="11" fill="var(--text-muted)" data-axis="first">{firstLabel}</text>
        {ordered.length > 1 && (
          <text x={W - PAD.right} y={H - 8} text-anchor="end" font-size="11" fill="var(--text-muted)" data-axis="last">
            {lastLabel}
          </text>
        )}
      </svg>
      <figcaption class="mt-1 flex gap-4 text-xs text-muted">
        <span class="flex items-center gap-1">
          <span class="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: "var(--color-3)" }} />duration
        </span>
        <span class="flex items-center gap-1">
          <span class="inline-block h-0.5 w-3" style={{ background: "var(--color-2)" }} />records loaded
        </span>
      </figcaption>
    </figure>
  );
}
