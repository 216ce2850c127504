// /hierarchies, /workflows and /wits: one integration's levels, workflow steps (with the commitment point) and
// normalized work item types, each with its counts. The integration comes from ?integrationId= (links above the
// table; the first integration with a vocabulary otherwise). Levels, steps and types are edited in one island
// (islands/VocabularyEditor.tsx).
import type { Queryable } from "../../../db/port.ts";
import type { IntegrationOption } from "../../../components/vocab/types.ts";
import { integrationLevels } from "../../app/etl/vocab/hierarchies.ts";
import { stepsOf } from "../../app/etl/vocab/workflows.ts";
import { integrationTypes } from "../../app/etl/vocab/wits.ts";
import { vocabularyIntegrations } from "./statuses.tsx";
import { levelForms, stepForms, typeForms } from "./forms.ts";
import VocabularyEditor from "../../../islands/VocabularyEditor.tsx";

export type VocabularyPage = "hierarchies" | "workflows" | "wits";

async function pageData(db: Queryable, tenantId: number, kind: VocabularyPage, integrationId: number) {
  if (kind === "hierarchies") {
    return { kind, rows: await integrationLevels(db, tenantId, integrationId), forms: levelForms() };
  }
  if (kind === "workflows") return { kind, rows: await stepsOf(db, tenantId, integrationId), forms: stepForms() };
  const levels = await integrationLevels(db, tenantId, integrationId);
  return { kind, rows: await integrationTypes(db, tenantId, integrationId), forms: typeForms(levels) };
}

export async function vocabularyPageData(
  db: Queryable,
  tenantId: number,
  kind: VocabularyPage,
  search: URLSearchParams,
) {
  const integrations = await vocabularyIntegrations(db, tenantId);
  const asked = Number(search.get("integrationId"));
  const current = integrations.find((i) => i.id === asked) ?? integrations[0];
  return { integrations, current, data: current ? await pageData(db, tenantId, kind, current.id) : null };
}

export const VOCABULARY_TITLES: Record<VocabularyPage, string> = {
  hierarchies: "Hierarchies",
  workflows: "Workflows",
  wits: "Work item types",
};

function IntegrationLinks(props: { kind: VocabularyPage; integrations: IntegrationOption[]; current: number }) {
  if (props.integrations.length < 2) return null;
  return (
    <nav aria-label="Integration" class="flex flex-wrap gap-2 text-sm">
      {props.integrations.map((i) => (
        <a
          key={i.id}
          href={`/${props.kind}?integrationId=${i.id}`}
          class={`btn ${i.id === props.current ? "btn-primary" : ""}`}
          aria-current={i.id === props.current ? "page" : undefined}
        >
          {i.name}
        </a>
      ))}
    </nav>
  );
}

export function VocabularyPageView(
  props: Awaited<ReturnType<typeof vocabularyPageData>> & { kind: VocabularyPage; admin: boolean },
) {
  const { current, data } = props;
  return (
    <div class="mx-auto max-w-6xl space-y-4">
      <div class="flex flex-wrap items-baseline justify-between gap-2">
        <h2 class="text-xl font-semibold">{VOCABULARY_TITLES[props.kind]}</h2>
        {current && <p class="text-sm text-muted">{current.name}</p>}
      </div>
      {current && <IntegrationLinks kind={props.kind} integrations={props.integrations} current={current.id} />}
      {!current || !data
        ? (
          <p class="card px-5 py-4 text-sm text-muted" id="no-vocabulary">
            No integration has a work item vocabulary yet. Create a Jira integration under{" "}
            <a href="/integrations" class="underline underline-offset-2">Integrations</a>: it starts with the default
            one.
          </p>
        )
        : (
          <VocabularyEditor
            kind={data.kind}
            integrationId={current.id}
            rows={data.rows}
            admin={props.admin}
            forms={data.forms}
          />
        )}
      {data?.kind === "workflows" && (
        <p class="text-xs text-muted">
          Lead time starts at the commitment point; statuses map to steps on the{" "}
          <a href="/statuses" class="underline underline-offset-2">Statuses</a> page.
        </p>
      )}
    </div>
  );
}
