// Deactivating (or deleting) something other records depend on: list the dependents with their counts and let the
// operator pick where they move to before confirming. With no dependents it is a plain confirmation.
import { useEffect, useState } from "preact/hooks";
import { Modal } from "./Modal.tsx";
import { formatNumber } from "../format.ts";

export interface Dependent {
  label: string;
  count: number;
}

export interface ReassignTarget {
  id: number;
  label: string;
}

export interface DependencyModalProps {
  open: boolean;
  title: string;
  /** What is being deactivated, e.g. "hierarchy level “Epic”". */
  subject: string;
  dependents: Dependent[];
  targets: ReassignTarget[];
  busy?: boolean;
  actionLabel?: string;
  onConfirm: (targetId: number | null) => void;
  onCancel: () => void;
  id?: string;
}

export function totalDependents(dependents: Dependent[]): number {
  return dependents.reduce((n, d) => n + d.count, 0);
}

export function DependencyModal(props: DependencyModalProps) {
  const [target, setTarget] = useState("");
  const [error, setError] = useState("");
  const total = totalDependents(props.dependents);
  const needsTarget = total > 0;

  useEffect(() => {
    if (props.open) {
      setTarget("");
      setError("");
    }
  }, [props.open]);

  const confirm = () => {
    if (needsTarget && !target) return setError("choose where the dependents move to");
    props.onConfirm(needsTarget ? Number(target) : null);
  };

  return (
    <Modal
      open={props.open}
      title={props.title}
      onClose={props.onCancel}
      id={props.id}
      footer={
        <>
          <button type="button" class="btn" onClick={props.onCancel} disabled={props.busy}>Cancel</button>
          <button type="button" class="btn btn-danger" onClick={confirm} disabled={props.busy} data-confirm>
            {props.busy ? "Working…" : props.actionLabel ?? (needsTarget ? "Reassign and deactivate" : "Deactivate")}
          </button>
        </>
      }
    >
      {needsTarget
        ? (
          <div class="space-y-4 text-sm">
            <p>
              {formatNumber(total)} record{total === 1 ? "" : "s"} depend on {props.subject}:
            </p>
            <ul class="divide-y divide-line rounded-lg border border-line" data-dependents>
              {props.dependents.map((d) => (
                <li key={d.label} class="flex justify-between px-3 py-2">
                  <span>{d.label}</span>
                  <span class="font-semibold tabular-nums">{formatNumber(d.count)}</span>
                </li>
              ))}
            </ul>
            <div>
              <label for="reassign-target" class="mb-1 block font-medium">Move them to</label>
              {props.targets.length
                ? (
                  <select
                    id="reassign-target"
                    class="input"
                    value={target}
                    aria-invalid={error ? "true" : undefined}
                    onChange={(e) => {
                      setTarget((e.currentTarget as HTMLSelectElement).value);
                      setError("");
                    }}
                  >
                    <option value="">Choose…</option>
                    {props.targets.map((t) => <option key={t.id} value={String(t.id)}>{t.label}</option>)}
                  </select>
                )
                : <p class="field-error">No other active target exists; create one first.</p>}
              {error && <p class="field-error">{error}</p>}
            </div>
          </div>
        )
        : <p class="text-sm text-muted">Nothing depends on {props.subject}.</p>}
    </Modal>
  );
}
