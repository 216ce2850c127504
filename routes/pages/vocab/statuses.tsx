// /statuses: the source statuses with their workflow steps, rendered from the URL's ?q=&offset=&integrationId=&mapped=
// as the island would fetch it, with each integration's workflow steps for the mapping picker.
import type { Queryable } from "../../../db/port.ts";
import { fromSearch, type Page } from "../../../components/ui/list/list_query.ts";
import { sourceStatusPage } from "../../app/etl/vocab/statuses.ts";
import type { IntegrationOption, SourceStatusRow, StepRef } from "../../../components/vocab/types.ts";
import StatusesPanel from "../../../islands/StatusesPanel.tsx";
import { VOCABULARY_PROVIDERS } from "../../../db/vocabulary/vocabulary.ts";

const idOf = (text: string) => (/^\d{1,9}$/.test(text) ? Number(text) : undefined);

/** The tenant's integrations that have a vocabulary, each with its workflow steps in order. */
export async function vocabularyIntegrations(db: Queryable, tenantId: number): Promise<IntegrationOption[]> {
  const rows = await db.query<{ id: number; name: string; steps: Array<StepRef & { commitmentPoint: boolean }> }>(
    `SELECT i.id, i.name,
            coalesce((SELECT jsonb_agg(jsonb_build_object('id', w.id, 'name', w.step_name, 'category', w.step_category,
                        'commitmentPoint', w.is_commitment_point) ORDER BY w.step_number NULLS LAST, w.id)
                        FROM workflows w WHERE w.integration_id = i.id AND w.active), '[]'::jsonb) AS steps
       FROM integrations i WHERE i.tenant_id = $1 AND i.provider = ANY($2::text[]) ORDER BY lower(i.name)`,
    [tenantId, [...VOCABULARY_PROVIDERS]],
  );
  return rows;
}

/** Active source statuses with no workflow step (the sidebar's and Home's unmapped count). */
export async function unmappedStatusCount(db: Queryable, tenantId: number): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM statuses s
       LEFT JOIN statuses_mappings m ON m.id = s.status_mapping_id AND m.active
       LEFT JOIN workflows w ON w.id = m.workflow_id AND w.active
      WHERE s.tenant_id = $1 AND s.active AND w.id IS NULL`,
    [tenantId],
  );
  return n;
}

export async function statusesData(db: Queryable, tenantId: number, search: URLSearchParams) {
  const params = fromSearch(search, ["integrationId", "mapped"]);
  const mapped = params.filters.mapped === "true" || params.filters.mapped === "false"
    ? params.filters.mapped
    : undefined;
  if (!mapped) params.filters.mapped = "";
  const integrationId = idOf(params.filters.integrationId);
  if (integrationId === undefined) params.filters.integrationId = "";
  const page = await sourceStatusPage(db, tenantId, {
    q: params.q || undefined,
    limit: params.limit,
    offset: params.offset,
    integrationId,
    mapped,
  });
  return {
    integrations: await vocabularyIntegrations(db, tenantId),
    list: { params, page: page as Page<SourceStatusRow> },
    unmapped: await unmappedStatusCount(db, tenantId),
  };
}

export function StatusesPage(props: Awaited<ReturnType<typeof statusesData>> & { admin: boolean }) {
  return (
    <div class="mx-auto max-w-6xl">
      <StatusesPanel {...props} />
    </div>
  );
}
