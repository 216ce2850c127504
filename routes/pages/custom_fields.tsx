// /integrations/:id/fields: a Jira integration's custom fields — the mapping slots with what they hold now, and the
// first page of the discovered fields (rendered from the URL's ?q=&offset=&mapped=, as the island would fetch it).
import type { Queryable } from "../../db/port.ts";
import { getIntegrationConfig } from "../../db/integrations.ts";
import { readMappings } from "../app/etl/custom_fields.ts";
import { GENERIC_SLOTS, SPECIAL_SLOTS } from "../../engine/connectors/jira/load/field_mapping.ts";
import { fromSearch, type Page } from "../../components/ui/list/list_query.ts";
import { cataloguePage } from "../app/etl/field_catalogue.ts";
import type { FieldRef, SlotData } from "../../components/fields/effect.ts";
import type { Role } from "../../components/jobs/types.ts";
import CustomFieldsPanel, { type CatalogueField } from "../../islands/CustomFieldsPanel.tsx";

const SPECIAL: Record<string, { label: string; help: string }> = {
  sprints: { label: "Sprints", help: "The sprints an issue was in (sprint history and reports)." },
  storyPoints: { label: "Story points", help: "The estimate used for velocity." },
  team: { label: "Team", help: "The team an issue belongs to." },
  development: { label: "Development", help: "Jira's development panel (linked branches and pull requests)." },
};
const ORDER = ["sprints", "storyPoints", "team", "development"];

export async function customFieldsData(
  db: Queryable,
  tenantId: number,
  id: number,
  search: URLSearchParams,
) {
  const config = await getIntegrationConfig(db, tenantId, id);
  if (!config || config.provider !== "jira") return null;
  const [{ name }] = await db.query<{ name: string }>("SELECT name FROM integrations WHERE id = $1", [id]);
  const mapped = await readMappings(db, tenantId, id) as Record<string, FieldRef | null>;
  const slots: SlotData[] = [
    ...[...SPECIAL_SLOTS].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)).map((slot) => ({
      slot,
      label: SPECIAL[slot].label,
      help: SPECIAL[slot].help,
      special: true,
      field: mapped[slot] ? { ...mapped[slot]!, id: Number(mapped[slot]!.id) } : null,
    })),
    ...GENERIC_SLOTS.map((slot) => ({
      slot,
      label: `Custom field ${slot.slice(-2)}`,
      special: false,
      field: mapped[slot] ? { ...mapped[slot]!, id: Number(mapped[slot]!.id) } : null,
    })),
  ];
  const params = fromSearch(search, ["mapped"]);
  const mappedFilter = params.filters.mapped === "yes" || params.filters.mapped === "no"
    ? params.filters.mapped
    : undefined;
  const page: Page<CatalogueField> = await cataloguePage(db, tenantId, id, {
    q: params.q || undefined,
    limit: params.limit,
    offset: params.offset,
    mapped: mappedFilter,
  });
  const keys = config.settings as { projectKeys?: unknown[]; projects?: unknown[] };
  const projectKeys = keys.projectKeys ?? keys.projects ?? [];
  const discoverBlocked = !config.hasCredentials
    ? "Add the integration's credentials first (Integrations → Edit)."
    : !config.baseUrl
    ? "Set the integration's Jira site URL first (Integrations → Edit)."
    : !Array.isArray(projectKeys) || projectKeys.length === 0
    ? "List the Jira project keys to read first (Integrations → Edit)."
    : null;
  return { integration: { id, name }, slots, list: { params, page }, discoverBlocked };
}

export function CustomFieldsPage(props: NonNullable<Awaited<ReturnType<typeof customFieldsData>>> & { role: Role }) {
  return (
    <div class="mx-auto max-w-6xl space-y-4">
      <nav aria-label="Breadcrumb" class="text-sm">
        <a href="/integrations" class="underline underline-offset-2">Integrations</a>
        <span class="px-2 text-muted" aria-hidden="true">/</span>
        <span aria-current="page">{props.integration.name}: custom fields</span>
      </nav>
      <CustomFieldsPanel
        integration={props.integration}
        role={props.role}
        slots={props.slots}
        list={props.list}
        discoverBlocked={props.discoverBlocked}
      />
    </div>
  );
}
