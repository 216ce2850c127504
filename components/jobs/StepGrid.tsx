// One tile per step with a progress bar per stage (extract / transform / embed) of the current run.
import { formatNumber } from "../format.ts";
import type { StepRow } from "./job_view.ts";

const STAGE_LABEL = { extract: "Extract", transform: "Transform", embed: "Embed" };

export function StepGrid(props: { rows: StepRow[] }) {
  return (
    <div class="step-grid" data-step-grid>
      {props.rows.map((row) => (
        <div key={row.key} class="step-tile" data-step={row.key}>
          <p title={row.name}>{row.name}</p>
          <div>
            {row.cells.map((cell) => (
              <div key={cell.stage} data-stage={cell.stage}>
                <div class="stage-label">
                  <span>{STAGE_LABEL[cell.stage]}</span>
                  <span class="tabular-nums" title={`${formatNumber(cell.records)} records`}>
                    {cell.expected > 0 ? `${formatNumber(cell.done)}/${formatNumber(cell.expected)}` : "—"}
                  </span>
                </div>
                <div
                  class="bar"
                  data-state={cell.state}
                  role="progressbar"
                  aria-label={`${row.name} ${STAGE_LABEL[cell.stage]}`}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={cell.percent ?? 0}
                >
                  <span style={{ width: `${cell.percent ?? 0}%` }} />
                </div>
              </div>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
