// Display formatting shared by server-rendered components and islands (pure functions, no DOM, no server code).

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Schedule intervals: 45 → "45m", 60 → "1h", 90 → "1h 30m", 1440 → "1d", 2160 → "1d 12h". */
export function formatInterval(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return "—";
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`].filter(Boolean);
  return parts.slice(0, 2).join(" ");
}

/** "Just now", "5m ago", "3h ago", "2d ago", then a date. */
export function formatRelative(date: Date | null, now: number): string {
  if (!date) return "Never";
  const ago = now - date.getTime();
  if (ago < MIN) return "Just now";
  if (ago < HOUR) return `${Math.floor(ago / MIN)}m ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)}h ago`;
  if (ago < 7 * DAY) return `${Math.floor(ago / DAY)}d ago`;
  return formatDate(date);
}

/** Countdown to a moment: "1h 5m", "4m 03s", "12s", "Starting now…", "Overdue by 3m". */
export function formatCountdown(target: Date, now: number): string {
  const left = target.getTime() - now;
  if (left <= 0) {
    const late = -left;
    return late < 5_000 ? "Starting now…" : `Overdue by ${formatSpan(late)}`;
  }
  return formatSpan(left);
}

/** A positive span in the two largest units: "2d 3h", "1h 5m", "4m 03s", "12s". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "—" : Math.round(n).toLocaleString("en-US");
}

/** Records per second: "1,234/s", "12.5/s", "0.40/s"; unknown → "—". */
export function formatRate(perSecond: number | null): string {
  if (perSecond === null || !Number.isFinite(perSecond) || perSecond < 0) return "—";
  if (perSecond >= 100) return `${formatNumber(perSecond)}/s`;
  return `${perSecond.toFixed(perSecond >= 10 ? 1 : 2)}/s`;
}

/** Stable, locale-independent date/time in UTC so server and browser render the same text. */
export function formatDate(date: Date | null): string {
  if (!date) return "—";
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "HH:MM UTC" for near moments (rate-limit resume time). */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}

/** Initials for the avatar: "jane.doe@x" → "JD", "admin@x" → "AD". */
export function initials(email: string): string {
  const local = email.split("@")[0] ?? "";
  const words = local.split(/[._\-+\s]+/).filter(Boolean);
  const letters = words.length >= 2 ? words[0][0] + words[1][0] : local.slice(0, 2);
  return (letters || "?").toUpperCase();
}

/** First line of an error, cut to `max` characters. */
export function excerpt(text: string | null, max = 160): string {
  if (!text) return "";
  const line = text.split("\n")[0].trim();
  return line.length > max ? line.slice(0, max - 1) + "…" : line;
}
