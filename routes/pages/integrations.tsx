// /integrations: every integration of the tenant, rendered complete on the server (logos resolved, providers
// summarized); the IntegrationsPanel island holds the actions and loads the dialogs on demand.
import type { Queryable } from "../../db/port.ts";
import { listIntegrations } from "../../db/integrations.ts";
import { PROVIDER_NAMES, providerSpec } from "../../server/providers/index.ts";
import { resolveLogos } from "../../server/logos/store.ts";
import { providerTitle } from "../../components/jobs/providers.ts";
import type { IntegrationRowData, ProviderSummary } from "../../components/integrations/types.ts";
import type { Role } from "../../components/jobs/types.ts";
import IntegrationsPanel from "../../islands/IntegrationsPanel.tsx";
import { integrationLogo } from "./logo_luminance.ts";

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
  const providers: ProviderSummary[] = await Promise.all(PROVIDER_NAMES.map(async (name) => {
    const spec = providerSpec(name);
    const logoFile = spec.display?.logo ?? null;
    return {
      name,
      title: spec.display?.title ?? providerTitle(name),
      description: spec.display?.description ?? "",
      logo: await integrationLogo(logoFile),
      logoFile,
      hasConnector: jobTypes ? jobTypes.includes(name) : null,
      testable: typeof spec.testConnection === "function",
    };
  }));
  return { rows, providers };
}

export function IntegrationsPage(props: { rows: IntegrationRowData[]; providers: ProviderSummary[]; role: Role }) {
  return (
    <div class="mx-auto max-w-6xl">
      <IntegrationsPanel initial={props.rows} providers={props.providers} role={props.role} />
    </div>
  );
}
