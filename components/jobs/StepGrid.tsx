// One tile per step with a progress bar per stage (extract / transform / embed) of the current (or last) run.
// Extract counts records against the source's estimate when it gave one ("9,000/12,713"), otherwise the records so
// far; transform and embed count batches. A step that found nothing new in a finished run says "No changes".
import { formatNumber } from "../format.ts";
import type { StageCell, StepRow } from "./job_view.ts";

const STAGE_LABEL = { extract: "Extract", transform: "Transform", embed: "Embed" };

function cellText(cell: StageCell): { text: string; title: string } {
  const batches = `${formatNumber(cell.done)} of ${formatNumber(cell.expected)} batches`;
  if (cell.stage === "extract") {
    if (cell.expectedRecords !== null) {
      return {
        text: `${formatNumber(cell.records)}/${formatNumber(cell.expectedRecords)}`,
        title: `${formatNumber(cell.records)} of about ${formatNumber(cell.expectedRecords)} records (${batches})`,
      };
    }
    if (cell.expected > 0) {
      return { text: formatNumber(cell.records), title: `${formatNumber(cell.records)} records (${batches})` };
    }
    return { text: "—", title: "not started" };
  }
  if (cell.expected > 0) {
    return {
      text: `${formatNumber(cell.done)}/${formatNumber(cell.expected)}`,
      title: `${batches}, ${formatNumber(cell.records)} rows`,
    };
  }
  return { text: "—", title: "nothing to do yet" };
}

export function StepGrid(props: { rows: StepRow[] }) {
  return (
    <div class="step-grid" data-step-grid>
      {props.rows.map((row) => (
        <div key={row.key} class="step-tile" data-step={row.key} data-finished={row.finished}>
          <p title={row.name}>{row.name}</p>
          {row.noChanges ? <p class="step-note" data-no-changes>No changes</p> : (
            <div>
              {row.cells.map((cell) => {
                const { text, title } = cellText(cell);
                return (
                  <div key={cell.stage} data-stage={cell.stage}>
                    <div class="stage-label">
                      <span>{STAGE_LABEL[cell.stage]}</span>
                      <span class="tabular-nums" title={title}>{text}</span>
                    </div>
                    <div
                      class="bar"
                      data-state={cell.state}
                      role="progressbar"
                      aria-label={`${row.name} ${STAGE_LABEL[cell.stage]}`}
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={cell.percent ?? 0}
                      aria-valuetext={title}
                    >
                      <span style={{ width: `${cell.percent ?? 0}%` }} />
                    </div>
                  </div>
                );
              })}
            </div>
          )}
        </div>
      ))}
    </div>
  );
}
