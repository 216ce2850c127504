// The Hierarchies, Workflows and Work item types pages' lists: an integration's levels (highest first), workflow
// steps (in order) or normalized types, with their counts. Admins reorder by pointer (Move up/down) or keyboard (Alt+Arrow Up/Down on a focused row; the
// numbers stay in place, the rows swap them), create and edit in forms generated from the schemas the page sends,
// and delete: when something uses the row (types on a level, status names on a step), the dependency dialog lists it
// and asks where it moves before the row goes (reassign, then delete, through the API). What differs per list is in
// components/vocab/editor_kinds.tsx. Types have no order; their page also maps unmapped source types in bulk.
import { useState } from "preact/hooks";
import { apiCall, type FieldError } from "../components/api.ts";
import { showToast } from "../components/ui/toasts.ts";
import type { JsonSchema } from "../components/ui/form/schema.ts";
import { UnmappedTypes } from "../components/vocab/UnmappedTypes.tsx";
import { type EditorKind, KINDS, type Removal, type VocabRow } from "../components/vocab/editor_kinds.tsx";
import type { Effect } from "../components/vocab/types.ts";

interface Props {
  kind: EditorKind;
  integrationId: number;
  rows: VocabRow[];
  admin: boolean;
  forms: { create: JsonSchema; edit: JsonSchema };
}

type Dialogs = typeof import("../components/vocab/dialogs.ts");
type Form = { kind: "create" } | { kind: "edit"; row: VocabRow };

// the dialogs are fetched when first needed (kept out of the page's first load); a failed fetch is said in a toast
let dialogChunk: Promise<Dialogs> | null = null;
async function dialogs() {
  try {
    return await (dialogChunk ??= import("../components/vocab/dialogs.ts"));
  } catch {
    dialogChunk = null;
    showToast("error", "Could not load the dialog; check the connection and try again");
    return null;
  }
}

export default function VocabularyEditor(props: Props) {
  const spec = KINDS[props.kind];
  const api = `/app/etl/${props.kind}`;
  const [rows, setRows] = useState(props.rows);
  const [removal, setRemoval] = useState<Removal & { row: VocabRow } | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [chunk, setChunk] = useState<Dialogs | null>(null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<{ row: VocabRow; body: unknown; effect: Effect } | null>(null);
  const movable = spec.movable ? rows.filter(spec.movable) : [];

  const reload = async () => {
    const res = await apiCall<{ items: VocabRow[] }>(`${api}?integrationId=${props.integrationId}&limit=200`);
    if (res.ok) setRows(res.data.items);
  };

  const move = async (row: VocabRow, by: -1 | 1) => {
    const index = movable.indexOf(row);
    const to = index + by;
    if (!props.admin || index < 0 || to < 0 || to >= movable.length) return;
    const ids = movable.map((r) => r.id);
    [ids[index], ids[to]] = [ids[to], ids[index]];
    const res = await apiCall<VocabRow[]>(`${api}/order`, {
      method: "PUT",
      body: { integrationId: props.integrationId, ids },
    });
    if (!res.ok) return showToast("error", res.error.message);
    setRows(res.data);
    // keep the moved row focused so Alt+Arrow can go on
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`tr[data-row="${ids[to]}"]`)?.focus());
  };

  const withDialogs = async (open: () => void) => {
    const loaded = await dialogs();
    if (!loaded) return;
    setChunk(loaded);
    open();
  };

  const askRemove = async (row: VocabRow) => {
    if (spec.localRemoval) return await withDialogs(() => setRemoval({ row, ...spec.localRemoval!(row, rows) }));
    const res = await apiCall<Record<string, unknown>>(`${api}/${row.id}/dependents`);
    if (!res.ok) return showToast("error", res.error.message);
    await withDialogs(() => setRemoval({ row, ...spec.removal!(res.data) }));
  };

  const remove = async (targetId: number | null) => {
    if (!removal) return;
    setBusy(true);
    if (targetId !== null) {
      const moved = await apiCall(`${api}/${removal.row.id}/reassign`, { body: { targetId } });
      if (!moved.ok) {
        setBusy(false);
        return showToast("error", moved.error.message);
      }
    }
    const res = await apiCall(`${api}/${removal.row.id}`, { method: "DELETE" });
    setBusy(false);
    if (!res.ok) return showToast("error", res.error.message);
    showToast("success", `${spec.noun === "level" ? "Level" : "Step"} “${removal.row.name}” deleted`);
    setRemoval(null);
    await reload();
  };

  const save = async (values: Record<string, unknown>): Promise<void | string | FieldError[]> => {
    const payload = spec.body?.(values) ?? values;
    if (props.kind === "workflows" && form?.kind === "edit") return await previewStep(form.row, payload);
    const res = form?.kind === "edit"
      ? await apiCall<VocabRow>(`${api}/${form.row.id}`, { method: "PATCH", body: payload })
      : await apiCall<VocabRow>(api, { body: { ...payload, integrationId: props.integrationId } });
    if (!res.ok) return res.error.fields?.length ? res.error.fields : res.error.message;
    showToast("success", `“${res.data.name}” saved`);
    await reload();
  };

  // a step edit changes flow metrics: its effect is previewed (nothing saved) before Apply saves and re-transforms
  const previewStep = async (row: VocabRow, patch: Record<string, unknown>) => {
    const body = { integrationId: props.integrationId, workflows: [{ id: row.id, ...patch }] };
    const res = await apiCall<Effect>("/app/etl/vocabulary/preview", { body });
    if (!res.ok) {
      const fields = res.error.fields?.map((f) => ({ ...f, field: f.field.replace(/^workflows\.0\./, "") }));
      return fields?.length ? fields : res.error.message;
    }
    setPending({ row, body, effect: res.data });
  };

  const applyStep = async () => {
    if (!pending) return;
    setBusy(true);
    const res = await apiCall<{ runId: number }>("/app/etl/vocabulary/apply", { body: pending.body });
    setBusy(false);
    if (!res.ok) return showToast("error", res.error.message);
    showToast("success", `“${pending.row.name}” saved; re-transform run #${res.data.runId} started`);
    setPending(null);
    await reload();
  };

  const formProps = { open: true, id: `${spec.noun}-form`, onSubmit: save, onClose: () => setForm(null) };
  const th = "px-3 py-2 font-medium";

  return (
    <div class="space-y-3">
      {props.admin && (
        <div class="flex justify-end">
          <button
            type="button"
            class="btn btn-primary"
            id={`new-${spec.noun}`}
            onClick={() => withDialogs(() => setForm({ kind: "create" }))}
          >
            New {spec.noun}
          </button>
        </div>
      )}
      {props.admin && props.kind === "wits" && (
        <UnmappedTypes integrationId={props.integrationId} types={rows} onMapped={reload} />
      )}
      <div class="card overflow-x-auto">
        <table class="w-full text-sm" aria-label={spec.label} id={spec.tableId}>
          <thead class="text-xs text-muted">
            <tr class="border-b border-line">
              {spec.columns.map((c) => (
                <th
                  key={c.head}
                  scope="col"
                  class={`${th} ${c.right ? "text-right" : "text-left"} ${c.wide ? "hidden md:table-cell" : ""}`}
                >
                  {c.head}
                </th>
              ))}
              {props.admin && <th scope="col" class={`${th} text-right`}>Actions</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const at = movable.indexOf(r);
              return (
                <tr
                  key={r.id}
                  data-row={r.id}
                  tabIndex={0}
                  class="list-row border-b border-line last:border-0"
                  aria-keyshortcuts={props.admin && at >= 0 ? "Alt+ArrowUp Alt+ArrowDown" : undefined}
                  onKeyDown={(e) => {
                    if (!e.altKey || e.target !== e.currentTarget) return;
                    if (e.key === "ArrowUp") move(r, -1);
                    else if (e.key === "ArrowDown") move(r, 1);
                    else return;
                    e.preventDefault();
                  }}
                >
                  {spec.columns.map((c, i) => (
                    <td
                      key={c.head}
                      class={`px-3 py-2 ${c.right ? "text-right tabular-nums" : ""} ${i === 1 ? "font-medium" : ""} ${
                        c.wide ? "hidden text-muted md:table-cell" : ""
                      }`}
                    >
                      {c.cell(r)}
                    </td>
                  ))}
                  {props.admin && (
                    <td class="whitespace-nowrap px-3 py-2 text-right">
                      {spec.movable && (
                        <>
                          <button
                            type="button"
                            class="btn"
                            disabled={at <= 0}
                            onClick={() => move(r, -1)}
                            aria-label={`Move ${r.name} up`}
                          >
                            ↑
                          </button>{" "}
                          <button
                            type="button"
                            class="btn"
                            disabled={at < 0 || at === movable.length - 1}
                            onClick={() => move(r, 1)}
                            aria-label={`Move ${r.name} down`}
                          >
                            ↓
                          </button>
                          {" "}
                        </>
                      )}
                      <button
                        type="button"
                        class="btn"
                        onClick={() => withDialogs(() => setForm({ kind: "edit", row: r }))}
                        aria-label={`Edit ${r.name}`}
                      >
                        Edit
                      </button>{" "}
                      <button type="button" class="btn" onClick={() => askRemove(r)} aria-label={`Delete ${r.name}`}>
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
        {rows.length === 0 && <p class="px-4 py-6 text-center text-sm text-muted">Nothing here yet.</p>}
      </div>
      {props.admin && spec.movable && (
        <p class="text-xs text-muted">
          Reorder with the arrows, or focus a row and press Alt+↑ / Alt+↓.
        </p>
      )}
      {chunk && form?.kind === "create" && (
        <chunk.CreateModal {...formProps} title={`New ${spec.noun}`} schema={props.forms.create} />
      )}
      {chunk && form?.kind === "edit" && (
        <chunk.EditModal
          {...formProps}
          title={`Edit ${spec.noun} “${form.row.name}”`}
          schema={props.forms.edit}
          record={spec.record(form.row)}
        />
      )}
      {chunk && pending && (
        <chunk.ChangePreviewModal
          id="step-preview"
          title={`Change step “${pending.row.name}”`}
          effect={pending.effect}
          busy={busy}
          onApply={applyStep}
          onClose={() => setPending(null)}
        />
      )}
      {chunk && removal && (
        <chunk.DependencyModal
          open
          id={`remove-${spec.noun}`}
          title={`Delete ${spec.noun}`}
          subject={`${spec.noun} “${removal.row.name}”`}
          dependents={removal.dependents}
          targets={removal.targets}
          message={removal.message}
          actionLabel={`Delete ${spec.noun}`}
          busy={busy}
          onConfirm={remove}
          onCancel={() => setRemoval(null)}
        />
      )}
    </div>
  );
}
