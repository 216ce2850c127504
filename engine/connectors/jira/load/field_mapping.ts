// The custom-field mapping of an integration (one custom_fields_mappings row, study §1.4/§2.9): four special slots
// (team, sprints, development, story points) and twenty generic ones feeding work_items.custom_field_01..20, each
// resolved to the Jira field id it names. Read once per batch by the loaders and once per run by extraction
// (to request only the mapped fields).
import type { Queryable } from "../../../../db/port.ts";

export const SPECIAL_SLOTS = ["team", "sprints", "development", "storyPoints"] as const;
export type SpecialSlot = typeof SPECIAL_SLOTS[number];
export const GENERIC_SLOTS = Array.from({ length: 20 }, (_, i) => `custom_field_${String(i + 1).padStart(2, "0")}`);

/** API slot name → custom_fields_mappings column. */
export const SLOT_COLUMNS: Record<string, string> = {
  team: "team_field_id",
  sprints: "sprints_field_id",
  development: "development_field_id",
  storyPoints: "story_points_field_id",
  ...Object.fromEntries(GENERIC_SLOTS.map((s) => [s, `${s}_id`])),
};

export interface FieldMapping {
  team: string | null;
  sprints: string | null;
  development: string | null;
  storyPoints: string | null;
  /** [work_items column, Jira field id] for every mapped generic slot. */
  generic: Array<[string, string]>;
}

const SLOTS = Object.entries(SLOT_COLUMNS).map(([slot, col]) => `('${slot}', m.${col})`).join(", ");

/** (slot, external_id) of every mapped, active field of the integration ($1 tenant, $2 integration). */
export const FIELD_SLOTS_SQL = `SELECT s.slot, cf.external_id FROM custom_fields_mappings m
       CROSS JOIN LATERAL (VALUES ${SLOTS}) AS s(slot, field_id)
       JOIN custom_fields cf ON cf.id = s.field_id AND cf.active
      WHERE m.tenant_id = $1 AND m.integration_id = $2`;

/** The mapping from FIELD_SLOTS_SQL's (slot, external_id) pairs. */
export function fieldMappingOf(pairs: Iterable<[string, string]>): FieldMapping {
  const bySlot = new Map(pairs);
  return {
    team: bySlot.get("team") ?? null,
    sprints: bySlot.get("sprints") ?? null,
    development: bySlot.get("development") ?? null,
    storyPoints: bySlot.get("storyPoints") ?? null,
    generic: GENERIC_SLOTS.filter((s) => bySlot.has(s)).map((s) => [s, bySlot.get(s)!]),
  };
}

export async function loadFieldMapping(db: Queryable, tenantId: number, integrationId: number): Promise<FieldMapping> {
  const rows = await db.query<{ slot: string; external_id: string }>(FIELD_SLOTS_SQL, [tenantId, integrationId]);
  return fieldMappingOf(rows.map((r) => [r.slot, r.external_id]));
}

/** Jira field ids to request in search: the system fields the loader reads plus every mapped custom field. */
export function searchFields(mapping: FieldMapping): string[] {
  const system = [
    "summary",
    "description",
    "issuetype",
    "status",
    "priority",
    "resolution",
    "resolutiondate",
    "assignee",
    "reporter",
    "parent",
    "labels",
    "components",
    "created",
    "updated",
    "project",
    "issuelinks",
  ];
  const custom = [
    mapping.team,
    mapping.sprints,
    mapping.development,
    mapping.storyPoints,
    ...mapping.generic.map((g) => g[1]),
  ];
  return [...new Set([...system, ...custom.filter((f): f is string => !!f)])];
}

/** Changelog fields the loaders use (≤ 10 for bulkfetch): status transitions, sprint moves, story point edits. */
export function changelogFields(mapping: FieldMapping): string[] {
  return ["status", mapping.sprints, mapping.storyPoints].filter((f): f is string => !!f);
}
