// What a mapping change will do, as the preview computed it on the server: counts of work items changing status
// category, workflow step and type, and of flow metrics changing, each with a few examples (before → after).
import { formatNumber } from "../format.ts";
import type { Effect } from "./types.ts";

const METRIC_LABELS: Record<string, string> = {
  work_first_committed_at: "first committed",
  work_first_started_at: "first started",
  work_last_started_at: "last started",
  work_first_completed_at: "first completed",
  work_last_completed_at: "last completed",
  total_work_starts: "work starts",
  total_completions: "completions",
  total_backlog_returns: "backlog returns",
  total_work_time_seconds: "work time (s)",
  total_waiting_time_seconds: "waiting time (s)",
  total_cycle_time_seconds: "cycle time (s)",
  total_lead_time_seconds: "lead time (s)",
  rework_indicator: "rework",
  direct_completion: "direct completion",
  flow_through_unmapped: "passes an unmapped status",
};

const shown = (v: string | null) => v ?? "—";

export function EffectSummary(props: { effect: Effect }) {
  const { effect } = props;
  const rows: Array<[string, number, Array<{ key: string; text: string }>]> = [
    [
      "work items change status category",
      effect.categories.count,
      effect.categories.examples.map((e) => ({
        key: e.key,
        text: `${shown(e.before)} → ${shown(e.after)}`,
      })),
    ],
    [
      "work items change workflow step",
      effect.steps.count,
      effect.steps.examples.map((e) => ({
        key: e.key,
        text: `${shown(e.before)} → ${shown(e.after)}`,
      })),
    ],
    [
      "work items change type",
      effect.workItems.count,
      effect.workItems.examples.map((e) => ({
        key: e.key,
        text: `${shown(e.before)} → ${shown(e.after)}`,
      })),
    ],
    [
      `work items' flow metrics change (${formatNumber(effect.flowMetrics.metrics)} values)`,
      effect.flowMetrics.count,
      effect.flowMetrics.examples.map((e) => ({
        key: e.key,
        text: `${METRIC_LABELS[e.metric] ?? e.metric}: ${shown(e.before)} → ${shown(e.after)}`,
      })),
    ],
  ];
  return (
    <div id="effect" class="space-y-2 text-sm">
      <ul class="space-y-2">
        {rows.map(([label, count, examples]) => (
          <li key={label}>
            <span class="font-semibold tabular-nums" data-count={label}>{formatNumber(count)}</span> {label}
            {examples.length > 0 && (
              <ul class="ml-4 mt-1 list-disc text-muted">
                {examples.map((e, i) => (
                  <li key={i}>
                    <span class="font-mono">{e.key}</span> {e.text}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      {effect.unmappedAfter > 0 && (
        <p class="text-muted">
          {formatNumber(effect.unmappedAfter)} of these work items still pass a status with no workflow step.
        </p>
      )}
    </div>
  );
}
