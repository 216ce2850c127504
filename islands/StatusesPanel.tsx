// The Statuses page: the source statuses the syncs found, unmapped first, with their workflow step and how many work
// items sit in each (server-paged list: search, integration and mapped filters). Pick one or many, choose a step,
// and Preview shows what mapping them would change — computed on the server, nothing saved; Apply (admins) saves
// the mapping and starts a re-transform from the stored raw pages, whose progress shows on the job card (Home).
import { useState } from "preact/hooks";
import { apiCall } from "../components/api.ts";
import { usePagedList } from "../components/ui/list/usePagedList.ts";
import { PagedTable } from "../components/ui/list/PagedTable.tsx";
import type { ListParams, Page } from "../components/ui/list/list_query.ts";
import { ReasonNote } from "../components/ui/Reason.tsx";
import { formatNumber } from "../components/format.ts";
import { EffectSummary } from "../components/vocab/EffectSummary.tsx";
import type { Effect, IntegrationOption, SourceStatusRow } from "../components/vocab/types.ts";

interface Props {
  integrations: IntegrationOption[];
  list: { params: ListParams; page: Page<SourceStatusRow> };
  unmapped: number;
  admin: boolean;
}

export default function StatusesPanel(props: Props) {
  const list = usePagedList<SourceStatusRow>("/app/etl/statuses", props.list);
  const [selected, setSelected] = useState<Map<number, SourceStatusRow>>(new Map());
  const [stepId, setStepId] = useState("");
  const [effect, setEffect] = useState<Effect | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error?: string; runId?: number } | null>(null);

  const picked = [...selected.values()];
  const integrationIds = [...new Set(picked.map((s) => s.integrationId))];
  const integration = integrationIds.length === 1
    ? props.integrations.find((i) => i.id === integrationIds[0])
    : undefined;
  const blocked = picked.length === 0
    ? "Select one or more statuses in the list."
    : integrationIds.length > 1
    ? "Select statuses of one integration at a time."
    : !stepId
    ? "Choose the workflow step to map them to."
    : null;
  const change = () => ({
    integrationId: integrationIds[0],
    statuses: [{ names: picked.map((s) => s.name), workflowId: stepId === "none" ? null : Number(stepId) }],
  });

  const toggle = (row: SourceStatusRow) => {
    const next = new Map(selected);
    if (next.has(row.id)) next.delete(row.id);
    else next.set(row.id, row);
    setSelected(next);
    setEffect(null);
  };

  const preview = async () => {
    setBusy(true);
    setMessage(null);
    const res = await apiCall<Effect>("/app/etl/vocabulary/preview", { body: change() });
    setBusy(false);
    if (res.ok) setEffect(res.data);
    else setMessage({ error: res.error.message });
  };

  const apply = async () => {
    setBusy(true);
    const res = await apiCall<{ runId: number }>("/app/etl/vocabulary/apply", { body: change() });
    setBusy(false);
    if (!res.ok) return setMessage({ error: res.error.message });
    setMessage({ runId: res.data.runId });
    setEffect(null);
    setSelected(new Map());
    list.reload();
  };

  const integrationName = (id: number) => props.integrations.find((i) => i.id === id)?.name ?? `#${id}`;

  return (
    <div class="space-y-4">
      <div class="flex flex-wrap items-baseline justify-between gap-2">
        <h2 class="text-xl font-semibold">Statuses</h2>
        <p class="text-sm text-muted" id="unmapped-count">
          {props.unmapped
            ? `${formatNumber(props.unmapped)} unmapped: their time and moves count in no flow metric`
            : "Every status has a workflow step"}
        </p>
      </div>
      <PagedTable<SourceStatusRow>
        id="statuses"
        label="Source statuses"
        list={list}
        rowKey={(r) => r.id}
        searchLabel="Search statuses"
        filters={[
          {
            key: "integrationId",
            label: "Integration",
            options: props.integrations.map((i) => ({ value: String(i.id), label: i.name })),
          },
          {
            key: "mapped",
            label: "Mapping",
            options: [{ value: "false", label: "Unmapped" }, { value: "true", label: "Mapped" }],
          },
        ]}
        onActivate={toggle}
        empty="No statuses match. Statuses appear after an integration's first sync."
        columns={[
          {
            key: "pick",
            label: "Select",
            render: (r) => (
              <input
                type="checkbox"
                aria-label={`Select ${r.name}`}
                checked={selected.has(r.id)}
                onChange={() => toggle(r)}
              />
            ),
          },
          { key: "name", label: "Status", render: (r) => <span class="font-medium">{r.name}</span> },
          { key: "source", label: "Source category", render: (r) => r.sourceCategory, class: "hidden md:table-cell" },
          {
            key: "step",
            label: "Workflow step",
            render: (r) =>
              r.step ? `${r.step.name} (${r.step.category})` : <span class="badge tone-failed">Unmapped</span>,
          },
          {
            key: "items",
            label: "Work items",
            render: (r) => formatNumber(r.workItems),
            class: "text-right tabular-nums",
          },
          {
            key: "integration",
            label: "Integration",
            render: (r) => integrationName(r.integrationId),
            class: "hidden lg:table-cell",
          },
        ]}
      />
      <section class="card space-y-3 px-5 py-4" aria-labelledby="map-title">
        <h3 id="map-title" class="font-semibold">
          Map {picked.length ? `${formatNumber(picked.length)} selected` : "selected statuses"}
        </h3>
        <div class="flex flex-wrap items-end gap-2">
          <div>
            <label for="map-step" class="mb-1 block text-xs font-medium text-muted">Workflow step</label>
            <select
              id="map-step"
              class="input"
              value={stepId}
              disabled={!integration}
              onChange={(e) => {
                setStepId((e.currentTarget as HTMLSelectElement).value);
                setEffect(null);
              }}
            >
              <option value="">Choose…</option>
              {integration?.steps.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.name} ({s.category}){s.commitmentPoint ? " · commitment point" : ""}
                </option>
              ))}
              <option value="none">No step (unmap)</option>
            </select>
          </div>
          <button
            type="button"
            class="btn"
            id="preview"
            disabled={!!blocked || busy}
            aria-describedby={blocked ? "map-blocked" : undefined}
            onClick={preview}
          >
            Preview
          </button>
        </div>
        {blocked && <ReasonNote id="map-blocked" text={blocked} />}
        {effect && (
          <div class="space-y-3 border-t border-line pt-3">
            <EffectSummary effect={effect} />
            <div class="flex flex-wrap items-center gap-2">
              <button
                type="button"
                class="btn btn-primary"
                id="apply"
                disabled={!props.admin || busy}
                aria-describedby={props.admin ? undefined : "apply-blocked"}
                onClick={apply}
              >
                Apply and re-transform
              </button>
              <button type="button" class="btn" onClick={() => setEffect(null)}>Cancel</button>
              {!props.admin && <ReasonNote id="apply-blocked" text="Only admins can change mappings." />}
            </div>
          </div>
        )}
        {message?.error && <p role="alert" class="field-error">{message.error}</p>}
        {message?.runId && (
          <p role="status" id="applied" class="text-sm">
            Saved. Re-transform run #{message.runId} started without calling the source —{" "}
            <a href="/" class="underline underline-offset-2">follow it on the job card</a>.
          </p>
        )}
      </section>
    </div>
  );
}
