// Yes/no question in a modal ("Delete this mapping?", "Activate both?"). The confirm button shows progress while
// the caller's action runs; the caller closes the modal when it is done.
import type { ComponentChildren } from "preact";
import { Modal } from "./Modal.tsx";

export interface ConfirmationModalProps {
  open: boolean;
  title: string;
  children: ComponentChildren;
  confirmLabel?: string;
  cancelLabel?: string;
  tone?: "primary" | "danger";
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  id?: string;
}

export function ConfirmationModal(props: ConfirmationModalProps) {
  return (
    <Modal
      open={props.open}
      title={props.title}
      onClose={props.onCancel}
      id={props.id}
      width="max-w-md"
      footer={
        <>
          <button type="button" class="btn" onClick={props.onCancel} disabled={props.busy}>
            {props.cancelLabel ?? "Cancel"}
          </button>
          <button
            type="button"
            class={`btn ${props.tone === "danger" ? "btn-danger" : "btn-primary"}`}
            onClick={props.onConfirm}
            disabled={props.busy}
            data-confirm
          >
            {props.busy ? "Working…" : props.confirmLabel ?? "Confirm"}
          </button>
        </>
      }
    >
      <div class="text-sm leading-6 text-muted">{props.children}</div>
    </Modal>
  );
}
