import { assertEquals } from "../tests/support/assert.ts";
import { axisTimes, describeMinutes, formatDuration } from "./format_details.ts";
import {
  excerpt,
  formatCountdown,
  formatDate,
  formatInterval,
  formatRate,
  formatRelative,
  initials,
} from "./format.ts";

Deno.test("format: intervals read in the largest units", () => {
  assertEquals([45, 60, 90, 240, 1440, 2160].map(formatInterval), ["45m", "1h", "1h 30m", "4h", "1d", "1d 12h"]);
  assertEquals(formatInterval(0), "—");
  assertEquals([1, 60, 90, 120, 1440].map(describeMinutes), [
    "1 minute",
    "1 hour",
    "1 hour 30 minutes",
    "2 hours",
    "1 day",
  ]);
});

Deno.test("format: relative times, countdowns and durations", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  const at = (ms: number) => new Date(now + ms);
  assertEquals(formatRelative(null, now), "Never");
  assertEquals(formatRelative(at(-20_000), now), "Just now");
  assertEquals(formatRelative(at(-5 * 60_000), now), "5m ago");
  assertEquals(formatRelative(at(-3 * 3_600_000), now), "3h ago");
  assertEquals(formatRelative(at(-2 * 86_400_000), now), "2d ago");
  assertEquals(formatRelative(at(-30 * 86_400_000), now), "2026-01-30 12:00 UTC");
  assertEquals(formatCountdown(at(3_900_000), now), "1h 5m");
  assertEquals(formatCountdown(at(243_000), now), "4m 03s");
  assertEquals(formatCountdown(at(12_400), now), "12s");
  assertEquals(formatCountdown(at(-2_000), now), "Starting now…");
  assertEquals(formatCountdown(at(-180_000), now), "Overdue by 3m 00s");
  assertEquals([850, 12_400, 184_000, 3_720_000].map(formatDuration), ["850 ms", "12.4 s", "3m 04s", "1h 2m"]);
  assertEquals(formatDuration(null), "—");
  assertEquals(formatDate(new Date("2026-03-01T08:05:00Z")), "2026-03-01 08:05 UTC");
});

Deno.test("format: run-history axis labels differ even when runs start in the same minute", () => {
  const at = (iso: string) => new Date(iso);
  assertEquals(axisTimes(at("2026-03-01T08:05:12Z"), at("2026-03-01T08:05:47Z")), ["08:05:12 UTC", "08:05:47 UTC"]);
  assertEquals(axisTimes(at("2026-03-01T08:05:12Z"), at("2026-03-01T09:00:00Z")), [
    "2026-03-01 08:05 UTC",
    "2026-03-01 09:00 UTC",
  ]);
});

Deno.test("format: rates, initials and error excerpts", () => {
  assertEquals([null, 0.4, 12.5, 1234.4].map(formatRate), ["—", "0.40/s", "12.5/s", "1,234/s"]);
  assertEquals(initials("jane.doe@acme.test"), "JD");
  assertEquals(initials("admin@acme.test"), "AD");
  assertEquals(excerpt("first line\nsecond"), "first line");
  assertEquals(excerpt("x".repeat(200), 10), "xxxxxxxxx…");
  assertEquals(excerpt(null), "");
});
