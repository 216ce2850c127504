import { assertEquals } from "../../tests/support/assert.ts";
import { changeEffect, type SlotData } from "./effect.ts";

const slots: SlotData[] = [
  { slot: "storyPoints", label: "Story points", special: true, field: null },
  { slot: "custom_field_01", label: "Custom field 01", special: false, field: null },
  { slot: "custom_field_02", label: "Custom field 02", special: false, field: null },
];
const sp = { id: 7, name: "Story Points", externalId: "customfield_10016" };
const team = { id: 9, name: "Team", externalId: "customfield_10001" };

Deno.test("mapping effect: unchanged → none; a field mapped for the first time → back-fill of that field", () => {
  assertEquals(changeEffect(slots, { storyPoints: sp }, { storyPoints: sp }).effect, "none");
  const e = changeEffect(slots, { storyPoints: sp }, { storyPoints: sp, custom_field_01: team });
  assertEquals([e.effect, e.backfillFields], ["backfill", ["customfield_10001"]]);
  assertEquals(e.text.includes("Team (customfield_10001)"), true);
});

Deno.test("mapping effect: moving or clearing an already mapped field → re-transform; the server's word wins", () => {
  const moved = changeEffect(slots, { custom_field_01: team }, { custom_field_02: team });
  assertEquals(moved.effect, "retransform");
  assertEquals(changeEffect(slots, { custom_field_01: team }, {}).effect, "retransform");
  const told = changeEffect(slots, {}, { custom_field_01: team }, { effect: "retransform" });
  assertEquals([told.effect, told.backfillFields], ["retransform", []]);
  const backfill = changeEffect(slots, {}, {}, { effect: "backfill", backfillFields: ["customfield_1"] });
  assertEquals(backfill.backfillFields, ["customfield_1"]);
});
