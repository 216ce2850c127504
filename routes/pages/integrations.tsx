// /integrations: every integration of the tenant, rendered complete on the server (logos resolved, providers
// summarized); the IntegrationsPanel island holds the actions and loads the dialogs on demand.
import type { Queryable } from "../../db/port.ts";
import { listIntegrations } from "../../db/integrations.ts";
import { providerSpec } from "../../server/providers/index.ts";
import { providerSummaries } from "../app/etl/providers.ts";
import { resolveLogos } from "../../server/logos/store.ts";
import { providerTitle } from "../../components/jobs/providers.ts";
import type { IntegrationRowData, ProviderSummary } from "../../components/integrations/types.ts";
import type { Role } from "../../components/jobs/types.ts";
import IntegrationsPanel from "../../islands/IntegrationsPanel.tsx";

export async function integrationsData(db: Queryable, tenantId: number, jobTypes: string[] | null) {
  const views = await listIntegrations(db, tenantId);
  const logos = await resolveLogos(db, tenantId, views);
  const rows: IntegrationRowData[] = views.map((v, i) => ({
    id: v.id,
    name: v.name,
    provider: v.provider,
    providerTitle: providerSpec(v.provider).display?.title ?? providerTitle(v.provider),
    baseUrl: v.baseUrl,
    active: v.active,
    hasCredentials: v.hasCredentials,
    settings: v.settings,
    logo: logos[i],
    logoFilename: v.logoFilename,
    logoId: v.logoId,
    lastTest: v.lastTest,
    jobs: v.jobs.map((j) => ({ id: j.id, name: j.name, active: j.active, status: j.status })),
    lastSuccessAt: v.lastSuccessAt,
    testable: typeof providerSpec(v.provider).testConnection === "function",
    hasConnector: jobTypes ? jobTypes.includes(v.provider) : null,
  }));
  return { rows, providers: await providerSummaries(jobTypes) };
}

export function IntegrationsPage(props: { rows: IntegrationRowData[]; providers: ProviderSummary[]; role: Role }) {
  return (
    <div class="mx-auto max-w-6xl">
      <IntegrationsPanel initial={props.rows} providers={props.providers} role={props.role} />
    </div>
  );
}
