// A workflow step edit shown before it is saved: what it does to the stored work items and flow metrics (the
// server's preview, nothing saved), then Apply saves it and starts the re-transform from raw; Cancel drops it.
// Viewers and users see the effect but cannot apply.
import { Modal } from "../ui/Modal.tsx";
import { EffectSummary } from "./EffectSummary.tsx";
import type { Effect } from "./types.ts";

export interface ChangePreviewProps {
  open: boolean;
  id: string;
  title: string;
  effect: Effect;
  admin: boolean;
  busy: boolean;
  onApply: () => void;
  onClose: () => void;
}

export function ChangePreviewModal(props: ChangePreviewProps) {
  return (
    <Modal
      open={props.open}
      id={props.id}
      title={props.title}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="btn" onClick={props.onClose}>Cancel</button>
          {props.admin && (
            <button type="button" class="btn btn-primary" id="apply" disabled={props.busy} onClick={props.onApply}>
              Apply and re-transform
            </button>
          )}
        </>
      }
    >
      <p class="mb-3 text-sm text-muted">
        Nothing is saved yet. Apply saves the change and re-transforms the stored raw pages (no source calls).
      </p>
      <EffectSummary effect={props.effect} />
    </Modal>
  );
}
