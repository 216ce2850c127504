// Changing something other records depend on (deactivating a hierarchy level, deleting an integration its jobs use):
// the dependents are listed, then either
//  - reassignment: the operator picks where they move to before confirming (`targets`, `onConfirm(targetId)`), or
//  - choices: the ways forward the API allows, each a button (`choices`, `onChoice(key)`), e.g. "Turn the jobs off,
//    then delete" — a choice that is not possible right now is shown disabled with its reason in words.
// With no dependents it is a plain confirmation. Nothing is changed until the operator picks.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Modal } from "./Modal.tsx";
import { formatNumber } from "../format.ts";

export interface Dependent {
  label: string;
  /** How many records (shown right-aligned); omit for a single named dependent. */
  count?: number;
  /** A short state, e.g. "active" or "running". */
  detail?: string;
}

export interface ReassignTarget {
  id: number;
  label: string;
}

export interface DependencyChoice {
  key: string;
  label: string;
  tone?: "primary" | "danger";
  /** Why this choice is not possible now; the button is disabled and the reason shown beside it. */
  unavailable?: string;
}

export interface DependencyModalProps {
  open: boolean;
  title: string;
  /** What is being changed, e.g. "hierarchy level “Epic”". */
  subject: string;
  dependents: Dependent[];
  /** Reassignment targets (reassignment mode). */
  targets?: ReassignTarget[];
  /** The ways forward (choice mode); when given, `targets` is ignored. */
  choices?: DependencyChoice[];
  /** Explanation above the list. */
  message?: ComponentChildren;
  busy?: boolean;
  actionLabel?: string;
  onConfirm?: (targetId: number | null) => void;
  onChoice?: (key: string) => void;
  onCancel: () => void;
  id?: string;
}

export function totalDependents(dependents: Dependent[]): number {
  return dependents.reduce((n, d) => n + (d.count ?? 1), 0);
}

export function DependencyModal(props: DependencyModalProps) {
  const [target, setTarget] = useState("");
  const [error, setError] = useState("");
  const total = totalDependents(props.dependents);
  const choiceMode = props.choices !== undefined;
  const needsTarget = !choiceMode && total > 0;
  const targets = props.targets ?? [];

  useEffect(() => {
    if (props.open) {
      setTarget("");
      setError("");
    }
  }, [props.open]);

  const confirm = () => {
    if (needsTarget && !target) return setError("choose where the dependents move to");
    props.onConfirm?.(needsTarget ? Number(target) : null);
  };

  const footer = choiceMode
    ? (
      <>
        <button type="button" class="btn" onClick={props.onCancel} disabled={props.busy}>Cancel</button>
        {props.choices!.map((c) => (
          <button
            key={c.key}
            type="button"
            class={`btn ${c.tone === "danger" ? "btn-danger" : "btn-primary"}`}
            disabled={props.busy || !!c.unavailable}
            aria-describedby={c.unavailable ? `choice-${c.key}-why` : undefined}
            data-choice={c.key}
            onClick={() => props.onChoice?.(c.key)}
          >
            {props.busy ? "Working…" : c.label}
          </button>
        ))}
      </>
    )
    : (
      <>
        <button type="button" class="btn" onClick={props.onCancel} disabled={props.busy}>Cancel</button>
        <button type="button" class="btn btn-danger" onClick={confirm} disabled={props.busy} data-confirm>
          {props.busy ? "Working…" : props.actionLabel ?? (needsTarget ? "Reassign and deactivate" : "Deactivate")}
        </button>
      </>
    );

  return (
    <Modal open={props.open} title={props.title} onClose={props.onCancel} id={props.id} footer={footer}>
      <div class="space-y-4 text-sm">
        {props.message && <div class="leading-6 text-muted">{props.message}</div>}
        {total > 0
          ? (
            <>
              <p>
                {formatNumber(total)} {props.dependents.some((d) => d.count !== undefined) ? "record" : "item"}
                {total === 1 ? " depends" : "s depend"} on {props.subject}:
              </p>
              <ul class="divide-y divide-line rounded-lg border border-line" data-dependents>
                {props.dependents.map((d) => (
                  <li key={d.label} class="flex justify-between gap-3 px-3 py-2">
                    <span>{d.label}</span>
                    {d.count !== undefined && <span class="font-semibold tabular-nums">{formatNumber(d.count)}</span>}
                    {d.detail && <span class="text-muted">{d.detail}</span>}
                  </li>
                ))}
              </ul>
            </>
          )
          : <p class="text-muted">Nothing depends on {props.subject}.</p>}
        {needsTarget && (
          <div>
            <label for="reassign-target" class="mb-1 block font-medium">Move them to</label>
            {targets.length
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
                  {targets.map((t) => <option key={t.id} value={String(t.id)}>{t.label}</option>)}
                </select>
              )
              : <p class="field-error">No other active target exists; create one first.</p>}
            {error && <p class="field-error">{error}</p>}
          </div>
        )}
        {props.choices?.filter((c) => c.unavailable).map((c) => (
          <p key={c.key} id={`choice-${c.key}-why`} class="rounded-md bg-sunken px-3 py-2 text-muted">
            {c.label}: {c.unavailable}
          </p>
        ))}
      </div>
    </Modal>
  );
}
