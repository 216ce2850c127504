// The Hierarchies page: an integration's work item type levels, highest first, with how many types and work items
// each holds. Admins reorder by pointer (Move up/down) or keyboard (Alt+Arrow Up/Down on a focused row; the level
// numbers stay in place, the levels swap them), create and edit levels in forms generated from the schemas the page
// sends, and delete a level: when types use it, the dependency dialog lists them and asks where they move before the
// level goes (reassign, then delete, through the API).
import { useState } from "preact/hooks";
import { apiCall, type FieldError } from "../components/api.ts";
import { showToast } from "../components/ui/toasts.ts";
import type { Dependent, ReassignTarget } from "../components/ui/DependencyModal.tsx";
import type { JsonSchema } from "../components/ui/form/schema.ts";

// whole counts with grouping, as components/format.ts writes them; imported from there, the formatters would be used
// by enough islands to move into the common chunk every page loads (pushing the custom-fields page over budget)
const formatNumber = (n: number) => n.toLocaleString("en-US");

export interface LevelRow {
  id: number;
  integrationId: number;
  number: number;
  name: string;
  description: string | null;
  types: number;
  workItems: number;
}

interface Props {
  integrationId: number;
  levels: LevelRow[];
  admin: boolean;
  forms: { create: JsonSchema; edit: JsonSchema };
}

type Dialogs = typeof import("../components/vocab/dialogs.ts");
type Form = { kind: "create" } | { kind: "edit"; level: LevelRow };

interface Removal {
  level: LevelRow;
  dependents: Dependent[];
  targets: ReassignTarget[];
}

// the dialog is fetched when first needed (kept out of the page's first load); a failed fetch is said in a toast
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

export default function HierarchiesPanel(props: Props) {
  const [levels, setLevels] = useState(props.levels);
  const [removal, setRemoval] = useState<Removal | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [chunk, setChunk] = useState<Dialogs | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = async () => {
    const res = await apiCall<{ items: LevelRow[] }>(
      `/app/etl/hierarchies?integrationId=${props.integrationId}&limit=200`,
    );
    if (res.ok) setLevels(res.data.items);
  };

  const move = async (index: number, by: -1 | 1) => {
    const to = index + by;
    if (!props.admin || to < 0 || to >= levels.length) return;
    const ids = levels.map((l) => l.id);
    [ids[index], ids[to]] = [ids[to], ids[index]];
    const res = await apiCall<LevelRow[]>("/app/etl/hierarchies/order", {
      method: "PUT",
      body: { integrationId: props.integrationId, ids },
    });
    if (!res.ok) return showToast("error", res.error.message);
    setLevels(res.data);
    // keep the moved level focused so Alt+Arrow can go on
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`tr[data-level="${ids[to]}"]`)?.focus());
  };

  const askRemove = async (level: LevelRow) => {
    const res = await apiCall<
      {
        types: Array<{ name: string; workItems: number }>;
        targets: Array<{ id: number; number: number; name: string }>;
      }
    >(
      `/app/etl/hierarchies/${level.id}/dependents`,
    );
    if (!res.ok) return showToast("error", res.error.message);
    const loaded = await dialogs();
    if (!loaded) return;
    setChunk(loaded);
    setRemoval({
      level,
      dependents: res.data.types.map((t) => ({ label: t.name, detail: `${formatNumber(t.workItems)} work items` })),
      targets: res.data.targets.map((t) => ({ id: t.id, label: `${t.number} · ${t.name}` })),
    });
  };

  const remove = async (targetId: number | null) => {
    if (!removal) return;
    setBusy(true);
    if (targetId !== null) {
      const moved = await apiCall(`/app/etl/hierarchies/${removal.level.id}/reassign`, { body: { targetId } });
      if (!moved.ok) {
        setBusy(false);
        return showToast("error", moved.error.message);
      }
    }
    const res = await apiCall(`/app/etl/hierarchies/${removal.level.id}`, { method: "DELETE" });
    setBusy(false);
    if (!res.ok) return showToast("error", res.error.message);
    showToast("success", `Level “${removal.level.name}” deleted`);
    setRemoval(null);
    await reload();
  };

  const openForm = async (next: Form) => {
    const loaded = await dialogs();
    if (!loaded) return;
    setChunk(loaded);
    setForm(next);
  };

  const save = async (payload: Record<string, unknown>): Promise<void | string | FieldError[]> => {
    const res = form?.kind === "edit"
      ? await apiCall<LevelRow>(`/app/etl/hierarchies/${form.level.id}`, { method: "PATCH", body: payload })
      : await apiCall<LevelRow>("/app/etl/hierarchies", {
        body: { ...payload, integrationId: props.integrationId },
      });
    if (!res.ok) return res.error.fields?.length ? res.error.fields : res.error.message;
    showToast("success", `Level “${res.data.name}” saved`);
    await reload();
  };

  const formProps = { open: true, id: "level-form", onSubmit: save, onClose: () => setForm(null) };

  return (
    <div class="space-y-3">
      {props.admin && (
        <div class="flex justify-end">
          <button type="button" class="btn btn-primary" id="new-level" onClick={() => openForm({ kind: "create" })}>
            New level
          </button>
        </div>
      )}
      <div class="card overflow-x-auto">
        <table class="w-full text-sm" aria-label="Hierarchy levels" id="levels">
          <thead class="text-xs text-muted">
            <tr class="border-b border-line">
              <th scope="col" class="px-3 py-2 text-left font-medium">Level</th>
              <th scope="col" class="px-3 py-2 text-left font-medium">Name</th>
              <th scope="col" class="hidden px-3 py-2 text-left font-medium md:table-cell">Description</th>
              <th scope="col" class="px-3 py-2 text-right font-medium">Types</th>
              <th scope="col" class="px-3 py-2 text-right font-medium">Work items</th>
              {props.admin && <th scope="col" class="px-3 py-2 text-right font-medium">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {levels.map((l, i) => (
              <tr
                key={l.id}
                data-level={l.id}
                tabIndex={0}
                class="list-row border-b border-line last:border-0"
                aria-keyshortcuts={props.admin ? "Alt+ArrowUp Alt+ArrowDown" : undefined}
                onKeyDown={(e) => {
                  if (!e.altKey || e.target !== e.currentTarget) return;
                  if (e.key === "ArrowUp") move(i, -1);
                  else if (e.key === "ArrowDown") move(i, 1);
                  else return;
                  e.preventDefault();
                }}
              >
                <td class="px-3 py-2 tabular-nums">{l.number}</td>
                <td class="px-3 py-2 font-medium">{l.name}</td>
                <td class="hidden px-3 py-2 text-muted md:table-cell">{l.description}</td>
                <td class="px-3 py-2 text-right tabular-nums">{formatNumber(l.types)}</td>
                <td class="px-3 py-2 text-right tabular-nums">{formatNumber(l.workItems)}</td>
                {props.admin && (
                  <td class="whitespace-nowrap px-3 py-2 text-right">
                    <button
                      type="button"
                      class="btn"
                      disabled={i === 0}
                      onClick={() => move(i, -1)}
                      aria-label={`Move ${l.name} up`}
                    >
                      ↑
                    </button>{" "}
                    <button
                      type="button"
                      class="btn"
                      disabled={i === levels.length - 1}
                      onClick={() => move(i, 1)}
                      aria-label={`Move ${l.name} down`}
                    >
                      ↓
                    </button>{" "}
                    <button
                      type="button"
                      class="btn"
                      onClick={() => openForm({ kind: "edit", level: l })}
                      aria-label={`Edit ${l.name}`}
                    >
                      Edit
                    </button>{" "}
                    <button type="button" class="btn" onClick={() => askRemove(l)} aria-label={`Delete ${l.name}`}>
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {levels.length === 0 && <p class="px-4 py-6 text-center text-sm text-muted">This integration has no levels.</p>}
      </div>
      {props.admin && (
        <p class="text-xs text-muted">
          Reorder with the arrows, or focus a row and press Alt+↑ / Alt+↓.
        </p>
      )}
      {chunk && form?.kind === "create" && (
        <chunk.CreateModal {...formProps} title="New hierarchy level" schema={props.forms.create} />
      )}
      {chunk && form?.kind === "edit" && (
        <chunk.EditModal
          {...formProps}
          title={`Edit level “${form.level.name}”`}
          schema={props.forms.edit}
          record={{ name: form.level.name, description: form.level.description ?? "" }}
        />
      )}
      {chunk && removal && (
        <chunk.DependencyModal
          open
          id="remove-level"
          title="Delete hierarchy level"
          subject={`hierarchy level “${removal.level.name}”`}
          dependents={removal.dependents}
          targets={removal.targets}
          message={removal.dependents.length
            ? "These work item types are on this level. Choose the level they move to; then the level is deleted."
            : undefined}
          actionLabel="Delete level"
          busy={busy}
          onConfirm={remove}
          onCancel={() => setRemoval(null)}
        />
      )}
    </div>
  );
}
