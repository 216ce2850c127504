// Status pill of a job card: a coloured dot (a spinning ring while running) and the label. Rate limited shows when
// it resumes; blocked says why ("Blocked: integration off"). Drawn with CSS, no icons (it renders in the island).
import type { DisplayStatus } from "./job_view.ts";
import { formatTime } from "../format.ts";

const TONE: Record<DisplayStatus, string> = {
  inactive: "tone-idle",
  blocked: "tone-limited",
  ready: "tone-ready",
  running: "tone-running",
  finished: "tone-finished",
  failed: "tone-failed",
  rate_limited: "tone-limited",
};

export function StatusBadge(props: { status: DisplayStatus; text: string; resumeAt?: Date | null }) {
  const { status } = props;
  return (
    <span class={`badge ${TONE[status]}`} data-status={status}>
      <span class={status === "running" ? "status-spinner" : "status-dot"} aria-hidden="true" />
      {props.text}
      {status === "rate_limited" && props.resumeAt && (
        <span class="font-normal">· resumes {formatTime(props.resumeAt)}</span>
      )}
    </span>
  );
}
