// Toasts. Any island calls showToast(kind, message); the toast appears in the page's <ToastContainer> stack (a
// server-rendered element) with a CSS transition and leaves after a few seconds or on dismiss. Plain DOM on purpose:
// no component state to share between islands, and almost no JavaScript on the page.

export type ToastKind = "success" | "error" | "info";

export const TOAST_MS = 6000;
const LEAVE_MS = 220;
export const TOAST_STACK_ID = "toasts";

export function showToast(kind: ToastKind, message: string, timeoutMs = TOAST_MS): void {
  const stack = document.getElementById(TOAST_STACK_ID);
  if (!stack) return;
  const toast = document.createElement("div");
  toast.className = "toast card";
  toast.dataset.kind = kind;
  toast.dataset.state = "closed";
  if (kind === "error") toast.setAttribute("role", "alert");
  const text = document.createElement("p");
  text.textContent = message;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "icon-btn";
  close.ariaLabel = "Dismiss";
  close.textContent = "×";
  const dismiss = () => {
    toast.dataset.state = "closed";
    setTimeout(() => toast.remove(), LEAVE_MS);
  };
  close.onclick = dismiss;
  toast.append(text, close);
  stack.append(toast);
  while (stack.children.length > 5) stack.firstElementChild!.remove();
  // next frame: open, so the enter transition runs
  setTimeout(() => (toast.dataset.state = "open"), 16);
  if (timeoutMs > 0) setTimeout(dismiss, timeoutMs);
}
