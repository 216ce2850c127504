// The page's toast stack (bottom right). Rendered once per page by the shell; islands add toasts to it with
// showToast() from ./toasts.ts. Announced politely to screen readers; error toasts are alerts.
import { TOAST_STACK_ID } from "./toasts.ts";

export function ToastContainer() {
  return <div id={TOAST_STACK_ID} class="toast-stack" aria-live="polite" />;
}
