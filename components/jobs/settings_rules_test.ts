import { assertEquals } from "../../tests/support/assert.ts";
import { checkSettings } from "./settings_rules.ts";

Deno.test("settings rules: whole minutes ≥ 1 and retry shorter than the schedule", () => {
  assertEquals(checkSettings({ schedule: "240", retry: "15" }), {
    ok: true,
    value: { scheduleIntervalMinutes: 240, retryIntervalMinutes: 15 },
  });
  assertEquals(checkSettings({ schedule: "", retry: "1.5" }), {
    ok: false,
    errors: { scheduleIntervalMinutes: "required", retryIntervalMinutes: "must be whole minutes" },
  });
  assertEquals(checkSettings({ schedule: "0", retry: "x" }), {
    ok: false,
    errors: {
      scheduleIntervalMinutes: "must be at least 1 minute",
      retryIntervalMinutes: "must be a number of minutes",
    },
  });
  assertEquals(checkSettings({ schedule: "60", retry: "60" }), {
    ok: false,
    errors: { retryIntervalMinutes: "must be shorter than the schedule interval" },
  });
});
