// Client-side checks of the job timing settings. The server validates again (and also caps the schedule at 30 days);
// its field errors are shown the same way, so the two lists of messages read alike.

export const SCHEDULE_PRESETS = [60, 240, 360, 720, 1440];
export const RETRY_PRESETS = [5, 15, 30, 60];

export interface SettingsInput {
  schedule: string;
  retry: string;
}

export type SettingsErrors = Partial<Record<"scheduleIntervalMinutes" | "retryIntervalMinutes", string>>;

function minutes(text: string): number | string {
  const t = text.trim();
  if (t === "") return "required";
  const n = Number(t);
  if (!Number.isFinite(n)) return "must be a number of minutes";
  if (!Number.isInteger(n)) return "must be whole minutes";
  if (n < 1) return "must be at least 1 minute";
  return n;
}

export function checkSettings(input: SettingsInput):
  | { ok: true; value: { scheduleIntervalMinutes: number; retryIntervalMinutes: number } }
  | { ok: false; errors: SettingsErrors } {
  const schedule = minutes(input.schedule);
  const retry = minutes(input.retry);
  const errors: SettingsErrors = {};
  if (typeof schedule === "string") errors.scheduleIntervalMinutes = schedule;
  if (typeof retry === "string") errors.retryIntervalMinutes = retry;
  if (typeof schedule === "number" && typeof retry === "number" && retry >= schedule) {
    errors.retryIntervalMinutes = "must be shorter than the schedule interval";
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { scheduleIntervalMinutes: schedule as number, retryIntervalMinutes: retry as number } };
}
