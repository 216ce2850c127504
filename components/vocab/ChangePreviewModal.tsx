// A workflow step edit shown before it is saved: what it does to the stored work items and flow metrics (the
// server's preview, nothing saved), then Apply saves it and starts the re-transform from raw; Cancel drops it.
// Only admins edit steps, so only they reach it.
import { ConfirmationModal } from "../ui/ConfirmationModal.tsx";
import { EffectSummary } from "./EffectSummary.tsx";
import type { Effect } from "./types.ts";

export function ChangePreviewModal(props: {
  id: string;
  title: string;
  effect: Effect;
  busy: boolean;
  onApply: () => void;
  onClose: () => void;
}) {
  return (
    <ConfirmationModal
      open
      id={props.id}
      title={props.title}
      confirmLabel="Apply and re-transform"
      busy={props.busy}
      onConfirm={props.onApply}
      onCancel={props.onClose}
    >
      <p class="mb-3 text-sm text-muted">
        Nothing is saved yet. Apply saves the change and re-transforms the stored raw pages (no source calls).
      </p>
      <EffectSummary effect={props.effect} />
    </ConfirmationModal>
  );
}
