// The custom-fields page of a Jira integration: discover the fields (from the projects' create screens), map them to
// the special slots (sprints, story points, team, development) and the twenty generic ones with searchable selects,
// and see what a saved change needs — nothing, a re-transform from the stored pages, or a back-fill of the newly
// mapped fields — with the button that starts it. Below, the discovered fields as a server-paged, searchable list.
import { useState } from "preact/hooks";
import { apiCall } from "../components/api.ts";
import { showToast } from "../components/ui/toasts.ts";
import { Combobox, type ComboOption } from "../components/ui/Combobox.tsx";
import { ReasonNote } from "../components/ui/Reason.tsx";
import { PagedTable } from "../components/ui/list/PagedTable.tsx";
import { usePagedList } from "../components/ui/list/usePagedList.ts";
import type { ListParams, Page } from "../components/ui/list/list_query.ts";
import { type ChangeEffect, changeEffect, type FieldRef, type SlotData } from "../components/fields/effect.ts";
import type { Role } from "../components/jobs/types.ts";

export interface CatalogueField {
  id: number;
  externalId: string;
  name: string;
  fieldType: string;
  projects: string[];
  slot: string | null;
}

const option = (f: FieldRef): ComboOption => ({ value: String(f.id), label: f.name, hint: f.externalId });

export default function CustomFieldsPanel(props: {
  integration: { id: number; name: string };
  role: Role;
  slots: SlotData[];
  list: { params: ListParams; page: Page<CatalogueField> };
  /** Why discovery cannot run now (no credentials, no project keys), or null. */
  discoverBlocked: string | null;
}) {
  const { id } = props.integration;
  const admin = props.role === "admin";
  const endpoint = `/app/etl/integrations/${id}/custom-fields`;
  const list = usePagedList<CatalogueField>(endpoint, props.list);
  const [saved, setSaved] = useState<Record<string, FieldRef | null>>(
    Object.fromEntries(props.slots.map((s) => [s.slot, s.field])),
  );
  const [draft, setDraft] = useState(saved);
  const [busy, setBusy] = useState<string | null>(null);
  const [effect, setEffect] = useState<ChangeEffect | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const dirty = props.slots.some((s) => (draft[s.slot]?.id ?? null) !== (saved[s.slot]?.id ?? null));

  const search = async (q: string): Promise<ComboOption[]> => {
    const res = await apiCall<Page<CatalogueField>>(`${endpoint}?limit=20&q=${encodeURIComponent(q)}`);
    return res.ok ? res.data.items.map((f) => ({ ...option(f), hint: `${f.externalId} · ${f.fieldType}` })) : [];
  };

  const discover = async () => {
    setBusy("discover");
    const res = await apiCall<{ fields: number; written: number; autoMapped: Record<string, string> }>(
      `/app/etl/integrations/${id}/custom-fields/sync`,
      { method: "POST" },
    );
    setBusy(null);
    if (!res.ok) return showToast("error", `Discovery failed: ${res.error.message}`);
    const auto = Object.keys(res.data.autoMapped ?? {});
    showToast("success", `${res.data.fields} fields discovered${auto.length ? `; mapped ${auto.join(", ")}` : ""}`);
    // discovery may fill empty special slots: show the page as the server has it now
    location.reload();
  };

  const save = async () => {
    setBusy("save");
    const mappings = Object.fromEntries(props.slots.map((s) => [s.slot, draft[s.slot]?.id ?? null]));
    const res = await apiCall<{ effect?: ChangeEffect["effect"]; backfillFields?: string[] }>(
      `/app/etl/custom-fields/mappings?integrationId=${id}`,
      { method: "PUT", body: { mappings } },
    );
    setBusy(null);
    if (!res.ok) {
      const placed: Record<string, string> = {};
      for (const f of res.error.fields ?? []) placed[f.field.replace(/^mappings\./, "")] = f.message;
      setErrors(placed);
      return showToast("error", `Mapping not saved: ${res.error.message}`);
    }
    setErrors({});
    setEffect(changeEffect(props.slots, saved, draft, res.data));
    setSaved(draft);
    list.reload();
    showToast("success", "Mapping saved");
  };

  const start = async (kind: "retransform" | "backfill") => {
    setBusy(kind);
    const res = kind === "retransform"
      ? await apiCall<{ runId: number }>(`/app/etl/integrations/${id}/retransform`, { method: "POST" })
      : await apiCall<{ runId: number }>(`/app/etl/integrations/${id}/custom-fields/backfill`, {
        body: { fields: effect?.backfillFields ?? [] },
      });
    setBusy(null);
    if (res.ok) {
      setEffect(null);
      return showToast(
        "success",
        `${kind === "retransform" ? "Re-transform" : "Back-fill"} started (run ${res.data.runId}); follow it on Home`,
      );
    }
    const missing = res.error.status === 404 || res.error.status === 405;
    showToast(
      "error",
      missing
        ? "Back-fill is not available in this version: the field fills in as issues change, or on a full sync"
        : `Not started: ${res.error.message}`,
    );
  };

  const special = props.slots.filter((s) => s.special);
  const generic = props.slots.filter((s) => !s.special);
  const slotRow = (s: SlotData) => (
    <div key={s.slot} data-slot={s.slot}>
      <label for={`slot-${s.slot}`} class="mb-1 block text-sm font-medium">{s.label}</label>
      <Combobox
        id={`slot-${s.slot}`}
        value={draft[s.slot] ? option(draft[s.slot]!) : null}
        search={search}
        disabled={!admin}
        describedBy={s.help ? `slot-${s.slot}-help` : undefined}
        onChange={(o) =>
          setDraft((d) => ({
            ...d,
            [s.slot]: o ? { id: Number(o.value), name: o.label, externalId: o.hint ?? "" } : null,
          }))}
      />
      {s.help && <p id={`slot-${s.slot}-help`} class="mt-1 text-xs text-muted">{s.help}</p>}
      {errors[s.slot] && <p class="field-error">{errors[s.slot]}</p>}
    </div>
  );

  return (
    <div class="space-y-6" id="custom-fields">
      <section class="card space-y-3 p-5">
        <div class="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h2 class="text-base font-semibold">Discover fields</h2>
            <p class="text-sm text-muted">Reads the custom fields the integration's projects use from Jira.</p>
          </div>
          <button
            type="button"
            class="btn btn-primary"
            id="discover"
            disabled={!admin || !!props.discoverBlocked || busy !== null}
            aria-describedby={!admin || props.discoverBlocked ? "discover-why" : undefined}
            onClick={discover}
          >
            {busy === "discover" ? "Discovering…" : "Discover fields"}
          </button>
        </div>
        {(!admin || props.discoverBlocked) && (
          <ReasonNote
            id="discover-why"
            text={!admin ? "Only administrators change mappings." : props.discoverBlocked!}
          />
        )}
      </section>

      <section class="card space-y-4 p-5" aria-labelledby="mapping-title">
        <div class="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h2 id="mapping-title" class="text-base font-semibold">Mapping</h2>
            <p class="text-sm text-muted">Which Jira field fills each work item column.</p>
          </div>
          <div class="flex gap-2">
            <button type="button" class="btn" disabled={!dirty || busy !== null} onClick={() => setDraft(saved)}>
              Undo changes
            </button>
            <button
              type="button"
              class="btn btn-primary"
              id="save-mapping"
              disabled={!admin || !dirty || busy !== null}
              onClick={save}
            >
              {busy === "save" ? "Saving…" : "Save mapping"}
            </button>
          </div>
        </div>
        {effect && <EffectPanel effect={effect} busy={busy} onStart={start} />}
        <div class="slot-grid">{special.map(slotRow)}</div>
        <h3 class="text-sm font-semibold text-muted">Custom fields 01–20</h3>
        <div class="slot-grid">{generic.map(slotRow)}</div>
      </section>

      <section class="space-y-3" aria-labelledby="catalogue-title">
        <h2 id="catalogue-title" class="text-base font-semibold">Discovered fields</h2>
        <PagedTable
          id="fields"
          label="Discovered custom fields"
          list={list}
          rowKey={(f) => f.id}
          searchLabel="Search by name or id"
          filters={[{
            key: "mapped",
            label: "Mapped",
            options: [{ value: "yes", label: "Mapped" }, { value: "no", label: "Not mapped" }],
          }]}
          empty={props.list.page.total === 0 && !list.params.q
            ? "No fields discovered yet: use “Discover fields” above."
            : "No field matches."}
          columns={[
            { key: "name", label: "Name", render: (f) => f.name },
            { key: "id", label: "Field id", render: (f) => <code class="text-xs">{f.externalId}</code> },
            { key: "type", label: "Type", render: (f) => f.fieldType, class: "hidden sm:table-cell" },
            {
              key: "projects",
              label: "Projects",
              render: (f) => f.projects.length ? f.projects.join(", ") : "—",
              class: "hidden md:table-cell",
            },
            {
              key: "slot",
              label: "Mapped to",
              render: (f) => f.slot ? props.slots.find((s) => s.slot === f.slot)?.label : "—",
            },
          ]}
        />
      </section>
    </div>
  );
}

function EffectPanel(
  props: { effect: ChangeEffect; busy: string | null; onStart: (kind: "retransform" | "backfill") => void },
) {
  const e = props.effect;
  return (
    <div class="rounded-lg border border-line bg-sunken px-4 py-3 text-sm" role="status" data-effect={e.effect}>
      <p class="font-semibold">{e.title}</p>
      <p class="text-muted">{e.text}</p>
      {e.effect !== "none" && (
        <button
          type="button"
          class="btn btn-primary mt-2"
          data-start={e.effect}
          disabled={props.busy !== null}
          onClick={() => props.onStart(e.effect as "retransform" | "backfill")}
        >
          {e.effect === "retransform" ? "Re-transform now" : "Back-fill now"}
        </button>
      )}
    </div>
  );
}
