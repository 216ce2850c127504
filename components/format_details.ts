// Formatting used only by dialogs (settings, details), kept apart from format.ts so it is not in the home page's
// first-load JavaScript (islands load the dialogs on demand).
import { formatDate, formatSpan } from "./format.ts";

const MIN = 60_000;

/** "= 4 hours" style echo for the settings modal. */
export function describeMinutes(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return "";
  if (minutes % 1440 === 0) return plural(minutes / 1440, "day");
  if (minutes % 60 === 0) return plural(minutes / 60, "hour");
  if (minutes > 60) return `${plural(Math.floor(minutes / 60), "hour")} ${plural(minutes % 60, "minute")}`;
  return plural(minutes, "minute");
}

/**
 * Labels for the first and last point of a time axis, distinct whenever the moments differ: dates and minutes
 * ("2026-03-01 08:05 UTC"), with seconds when both fall in the same minute ("08:05:12 UTC" / "08:05:47 UTC").
 */
export function axisTimes(first: Date, last: Date): [string, string] {
  const a = first.toISOString();
  const b = last.toISOString();
  if (a.slice(0, 16) !== b.slice(0, 16)) return [formatDate(first), formatDate(last)];
  const seconds = (iso: string) => `${iso.slice(11, 19)} UTC`;
  return [seconds(a), seconds(b)];
}

export function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** Run durations: "850 ms", "12.4 s", "3m 04s", "1h 2m". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < MIN) return `${(ms / 1000).toFixed(1)} s`;
  return formatSpan(ms);
}
