// Custom-field discovery (study §3.12, operator-triggered): the catalogue of fields an integration can map, read
// from the per-project createmeta endpoints (what each project's issue types expose) plus /field for the fields
// createmeta never lists (sprint, development, team). Names and types come from the global /field definition
// when it exists, so the catalogue does not depend on which project was read first (defect §11.1-11). Special
// slots are filled automatically only while empty — an operator's choice is never overwritten (defect §11.1-10).
import type { Db } from "../../../../db/port.ts";
import { insertMany } from "../../../../db/port.ts";
import type { JiraClient } from "../client/client.ts";
import type { JiraField } from "../client/types.ts";
import { conflictClause, type Scope } from "../../common/db_util.ts";
import { loadProjects } from "../load/load_metadata.ts";
import { SLOT_COLUMNS, type SpecialSlot } from "../load/field_mapping.ts";

export interface CatalogueField {
  externalId: string;
  name: string;
  fieldType: string;
  operations: string[];
  /** schema.custom plug-in key (identifies special fields). */
  plugin: string | null;
  /** Projects whose create screens expose the field. */
  projects: string[];
}

export interface Discovery {
  fields: CatalogueField[];
  projectKeys: string[];
  missingProjectKeys: string[];
  projects: number;
}

const SPECIAL_PLUGINS: Record<SpecialSlot, string[]> = {
  sprints: ["com.pyxis.greenhopper.jira:gh-sprint"],
  development: ["com.atlassian.jira.plugins.jira-development-integration-plugin:devsummarycf"],
  team: [
    "com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team",
    "com.atlassian.teams:rm-teams-custom-field-team",
  ],
  storyPoints: ["com.pyxis.greenhopper.jira:jsw-story-points"],
};
const STORY_POINT_NAMES = ["story points", "story point estimate"];

function isSpecial(f: JiraField): boolean {
  const plugin = f.schema?.custom ?? "";
  return Object.values(SPECIAL_PLUGINS).some((list) => list.includes(plugin)) ||
    STORY_POINT_NAMES.includes(String(f.name).toLowerCase());
}

/** Reads projects (with issue types), createmeta per project and /field. */
export async function discoverCustomFields(
  client: JiraClient,
  projectKeys: string[],
  db: Db,
  scope: Omit<Scope, "tx">,
) {
  const { projects, missingKeys } = await client.allProjects(projectKeys);
  await db.transaction((tx) => loadProjects({ ...scope, tx }, projects));
  const byId = new Map<string, CatalogueField>();
  for (const project of projects) {
    const meta = await client.createMeta(project.key);
    for (const type of meta.issueTypes) {
      for (const f of type.fields) {
        if (!f.fieldId.startsWith("customfield_")) continue;
        const entry = byId.get(f.fieldId) ?? {
          externalId: f.fieldId,
          name: f.name,
          fieldType: f.schema?.type ?? "any",
          operations: [],
          plugin: f.schema?.custom ?? null,
          projects: [],
        };
        for (const op of f.operations ?? []) if (!entry.operations.includes(op)) entry.operations.push(op);
        if (!entry.projects.includes(project.key)) entry.projects.push(project.key);
        byId.set(f.fieldId, entry);
      }
    }
  }
  for (const f of await client.fields()) {
    if (!f.custom && !String(f.id).startsWith("customfield_")) continue;
    const known = byId.get(f.id);
    if (known) {
      known.name = f.name;
      known.fieldType = f.schema?.type ?? known.fieldType;
      known.plugin = f.schema?.custom ?? known.plugin;
    } else if (isSpecial(f)) {
      byId.set(f.id, {
        externalId: f.id,
        name: f.name,
        fieldType: f.schema?.type ?? "any",
        operations: [],
        plugin: f.schema?.custom ?? null,
        projects: [],
      });
    }
  }
  const fields = [...byId.values()].sort((a, b) => a.externalId.localeCompare(b.externalId));
  return { fields, projectKeys, missingProjectKeys: missingKeys, projects: projects.length } satisfies Discovery;
}

/** The field a special slot should default to: the matching field most projects expose. */
export function pickSpecial(slot: SpecialSlot, fields: CatalogueField[]): CatalogueField | undefined {
  const candidates = fields.filter((f) =>
    SPECIAL_PLUGINS[slot].includes(f.plugin ?? "") ||
    (slot === "storyPoints" && STORY_POINT_NAMES.includes(f.name.toLowerCase()))
  );
  return candidates.sort((a, b) =>
    (b.projects.length - a.projects.length) || a.externalId.localeCompare(b.externalId)
  )[0];
}

export interface CatalogueResult {
  fields: number;
  written: number;
  autoMapped: Partial<Record<SpecialSlot, string>>;
}

/** Upserts the catalogue and fills empty special slots of the mapping row. */
export async function loadCatalogue(scope: Scope, discovery: Discovery): Promise<CatalogueResult> {
  const rows = discovery.fields.map((f) => ({
    tenant_id: scope.tenantId,
    integration_id: scope.integrationId,
    external_id: f.externalId,
    name: f.name,
    field_type: f.fieldType,
    operations: f.operations,
    projects: f.projects,
    active: true,
  }));
  const written = rows.length
    ? await insertMany(scope.tx, "custom_fields", rows, {
      onConflict: conflictClause("custom_fields", ["tenant_id", "integration_id", "external_id"], [
        "name",
        "field_type",
        "operations",
        "projects",
        "active",
      ]),
      returning: "id",
    })
    : [];
  const ids = new Map(
    (await scope.tx.query<{ id: number; external_id: string }>(
      "SELECT id, external_id FROM custom_fields WHERE tenant_id = $1 AND integration_id = $2",
      [scope.tenantId, scope.integrationId],
    )).map((r) => [r.external_id, Number(r.id)]),
  );
  await scope.tx.query(
    `INSERT INTO custom_fields_mappings (tenant_id, integration_id) VALUES ($1, $2)
     ON CONFLICT (tenant_id, integration_id) DO NOTHING`,
    [scope.tenantId, scope.integrationId],
  );
  const autoMapped: CatalogueResult["autoMapped"] = {};
  for (const slot of ["team", "sprints", "development", "storyPoints"] as SpecialSlot[]) {
    const pick = pickSpecial(slot, discovery.fields);
    if (!pick) continue;
    const column = SLOT_COLUMNS[slot];
    const set = await scope.tx.query(
      `UPDATE custom_fields_mappings SET ${column} = $3, updated_at = now()
        WHERE tenant_id = $1 AND integration_id = $2 AND ${column} IS NULL RETURNING id`,
      [scope.tenantId, scope.integrationId, ids.get(pick.externalId)],
    );
    if (set.length) autoMapped[slot] = pick.externalId;
  }
  return { fields: rows.length, written: written.length, autoMapped };
}
