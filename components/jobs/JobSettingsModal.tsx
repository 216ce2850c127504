// Schedule and retry intervals of a job, with presets, a readable echo and per-field messages from the client
// checks (settings_rules.ts) or from the server's 400 field errors.
import { useEffect, useState } from "preact/hooks";
import { apiCall, fieldMap } from "../api.ts";
import { Modal } from "../ui/Modal.tsx";
import { formatInterval } from "../format.ts";
import { describeMinutes } from "../format_details.ts";
import { checkSettings, RETRY_PRESETS, SCHEDULE_PRESETS, type SettingsErrors } from "./settings_rules.ts";
import { reviveCard } from "./job_view.ts";
import type { JobCardData } from "./types.ts";

export interface JobSettingsModalProps {
  open: boolean;
  card: JobCardData;
  onClose: () => void;
  onSaved: (card: JobCardData) => void;
}

export function JobSettingsModal(props: JobSettingsModalProps) {
  const [schedule, setSchedule] = useState(String(props.card.scheduleIntervalMinutes));
  const [retry, setRetry] = useState(String(props.card.retryIntervalMinutes));
  const [errors, setErrors] = useState<SettingsErrors & { form?: string }>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!props.open) return;
    setSchedule(String(props.card.scheduleIntervalMinutes));
    setRetry(String(props.card.retryIntervalMinutes));
    setErrors({});
  }, [props.open]);

  const save = async (e: Event) => {
    e.preventDefault();
    const checked = checkSettings({ schedule, retry });
    if (!checked.ok) return setErrors(checked.errors);
    setBusy(true);
    const res = await apiCall<unknown>(`/app/etl/jobs/${props.card.id}/settings`, { body: checked.value });
    setBusy(false);
    if (res.ok) {
      props.onSaved(reviveCard(res.data));
      return props.onClose();
    }
    const fields = fieldMap(res.error.fields);
    setErrors({
      scheduleIntervalMinutes: fields.scheduleIntervalMinutes,
      retryIntervalMinutes: fields.retryIntervalMinutes,
      form: fields.scheduleIntervalMinutes || fields.retryIntervalMinutes ? undefined : res.error.message,
    });
  };

  const s = Number(schedule);
  const r = Number(retry);
  return (
    <Modal
      open={props.open}
      title={`${props.card.name.toUpperCase()} settings`}
      onClose={props.onClose}
      id="job-settings"
      footer={
        <>
          <button type="button" class="btn" onClick={props.onClose} disabled={busy}>Cancel</button>
          <button type="submit" form="job-settings-form" class="btn btn-primary" disabled={busy}>
            {busy ? "Saving…" : "Save"}
          </button>
        </>
      }
    >
      <form id="job-settings-form" class="space-y-5" onSubmit={save} noValidate>
        {errors.form && <p role="alert" class="field-error">{errors.form}</p>}
        <MinutesField
          id="schedule-minutes"
          label="Schedule interval (minutes)"
          value={schedule}
          onInput={setSchedule}
          presets={SCHEDULE_PRESETS}
          error={errors.scheduleIntervalMinutes}
        />
        <MinutesField
          id="retry-minutes"
          label="Retry after a failure (minutes)"
          value={retry}
          onInput={setRetry}
          presets={RETRY_PRESETS}
          error={errors.retryIntervalMinutes}
        />
        {s >= 1 && r >= 1 && Number.isInteger(s) && Number.isInteger(r) && (
          <p class="rounded-lg bg-sunken px-3 py-2 text-sm text-muted" data-summary>
            Runs every {describeMinutes(s)}; after a failure it retries after {describeMinutes(r)}.
          </p>
        )}
      </form>
    </Modal>
  );
}

function MinutesField(props: {
  id: string;
  label: string;
  value: string;
  presets: number[];
  error?: string;
  onInput: (v: string) => void;
}) {
  const n = Number(props.value);
  return (
    <div>
      <label for={props.id} class="mb-1 block text-sm font-medium">{props.label}</label>
      <div class="flex items-center gap-3">
        <input
          id={props.id}
          type="number"
          min={1}
          step={1}
          class="input max-w-40"
          value={props.value}
          aria-invalid={props.error ? "true" : undefined}
          aria-describedby={props.error ? `${props.id}-error` : undefined}
          onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
        />
        <span class="text-sm text-muted">{Number.isInteger(n) && n >= 1 ? `= ${describeMinutes(n)}` : ""}</span>
      </div>
      <div class="mt-2 flex flex-wrap gap-1.5">
        {props.presets.map((p) => (
          <button
            key={p}
            type="button"
            class="btn h-7 px-2.5 text-xs"
            aria-pressed={String(p) === props.value.trim()}
            onClick={() => props.onInput(String(p))}
          >
            {formatInterval(p)}
          </button>
        ))}
      </div>
      {props.error && <p id={`${props.id}-error`} class="field-error" role="alert">{props.error}</p>}
    </div>
  );
}
