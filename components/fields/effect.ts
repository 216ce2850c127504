// What a saved custom-field mapping change needs before the loaded work items show it. The server says so when it
// can (the mappings PUT answers `{effect, backfillFields}`); otherwise it is worked out here from the change: a
// field that was mapped before is already in the stored raw pages (extraction requests the mapped fields), so moving
// it only needs a re-transform; a field mapped for the first time was never requested, so it needs a back-fill.

export interface FieldRef {
  id: number;
  name: string;
  externalId: string;
}

export interface SlotData {
  slot: string;
  label: string;
  help?: string;
  special: boolean;
  field: FieldRef | null;
}

export interface ChangeEffect {
  effect: "none" | "retransform" | "backfill";
  /** Jira field ids to back-fill. */
  backfillFields: string[];
  title: string;
  text: string;
}

type Mapping = Record<string, FieldRef | null>;

function describe(effect: ChangeEffect["effect"], fields: string[], names: Map<string, string>): ChangeEffect {
  const list = fields.map((f) => (names.has(f) ? `${names.get(f)} (${f})` : f)).join(", ");
  if (effect === "backfill") {
    return {
      effect,
      backfillFields: fields,
      title: "Needs a back-fill",
      text: `Newly mapped: ${list}. Jira was not asked for ${
        fields.length === 1 ? "this field" : "these fields"
      } before; a back-fill is a short run that asks for ${fields.length === 1 ? "it" : "them"} only.`,
    };
  }
  if (effect === "retransform") {
    return {
      effect,
      backfillFields: [],
      title: "Needs a re-transform",
      text:
        "The fields are already in the stored pages: a re-transform rebuilds the work items from them without calling Jira.",
    };
  }
  return { effect, backfillFields: [], title: "Nothing else to do", text: "No loaded data depends on this change." };
}

/** The effect of going from `before` to `after`, preferring what the server answered. */
export function changeEffect(
  slots: SlotData[],
  before: Mapping,
  after: Mapping,
  server: { effect?: ChangeEffect["effect"]; backfillFields?: string[] } = {},
): ChangeEffect {
  const names = new Map<string, string>();
  for (const m of [before, after]) for (const f of Object.values(m)) if (f) names.set(f.externalId, f.name);
  if (server.effect) return describe(server.effect, server.backfillFields ?? [], names);
  const had = new Set(Object.values(before).filter((f): f is FieldRef => !!f).map((f) => f.id));
  const changed = slots.filter((s) => (before[s.slot]?.id ?? null) !== (after[s.slot]?.id ?? null));
  if (!changed.length) return describe("none", [], names);
  const fresh = [...new Set(changed.map((s) => after[s.slot]).filter((f): f is FieldRef => !!f && !had.has(f.id)))];
  if (fresh.length) return describe("backfill", fresh.map((f) => f.externalId), names);
  return describe("retransform", [], names);
}
