// Modal dialog on the native <dialog> element opened with showModal(): the browser puts it in the top layer and
// makes the rest of the page inert (no clicks, no focus, hidden from assistive technology). On top of that: Tab and
// Shift+Tab wrap inside the dialog, Escape and a click outside the panel close it, focus moves to the first field
// on open and back to the opener on close, and a body that scrolls becomes focusable (keyboard users can scroll it).
// CSS enter/leave transitions (theme.css `.modal-backdrop[data-state]`): mounted closed, flipped to open on the next
// frame, and on close kept mounted (no longer modal) until the transition has run.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { CloseGlyph } from "./glyphs.tsx";

export const TRANSITION_MS = 200;

/** mounted: render the DOM; shown: apply the "open" state. Lags `open` so CSS transitions can play both ways. */
export function usePresence(open: boolean, ms = TRANSITION_MS): { mounted: boolean; shown: boolean } {
  const [mounted, setMounted] = useState(open);
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (open) {
      setMounted(true);
      const t = setTimeout(() => setShown(true), 16);
      return () => clearTimeout(t);
    }
    setShown(false);
    const t = setTimeout(() => setMounted(false), ms);
    return () => clearTimeout(t);
  }, [open]);
  return { mounted: mounted || open, shown: shown && open };
}

export interface ModalProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  /** Tailwind max-width class of the panel. */
  width?: string;
  /** Optional test/automation hook on the panel element. */
  id?: string;
}

const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), " +
  "textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((e) => e.offsetParent !== null);
}

let titleSeq = 0;

export function Modal(props: ModalProps) {
  const { mounted, shown } = usePresence(props.open);
  const dialog = useRef<HTMLDialogElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const body = useRef<HTMLDivElement>(null);
  const [titleId] = useState(() => `modal-title-${++titleSeq}`);

  useEffect(() => {
    const d = dialog.current;
    if (!props.open || !d) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    const t = setTimeout(() => {
      const first = panel.current?.querySelector<HTMLElement>(
        "input:not([type=hidden]), select, textarea, button:not([data-close])",
      );
      (first ?? panel.current)?.focus();
    }, 20);
    return () => {
      clearTimeout(t);
      // leave the top layer first: the page is interactive again, so the opener can take focus back
      if (d.open) d.close();
      opener?.focus?.();
    };
  }, [props.open]);

  // a body that scrolls must be reachable by keyboard (axe: scrollable-region-focusable)
  useEffect(() => {
    const b = body.current;
    if (!b) return;
    if (b.scrollHeight > b.clientHeight + 1) b.setAttribute("tabindex", "0");
    else b.removeAttribute("tabindex");
  });

  const trapTab = (e: KeyboardEvent) => {
    if (e.key !== "Tab" || !panel.current) return;
    const list = focusables(panel.current);
    if (!list.length) return;
    const first = list[0];
    const last = list[list.length - 1];
    if (e.shiftKey && (document.activeElement === first || document.activeElement === panel.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  if (!mounted) return null;
  return (
    <dialog
      ref={dialog}
      class="modal-backdrop"
      data-state={shown ? "open" : "closed"}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onClose={() => {
        if (props.open) props.onClose();
      }}
      onKeyDown={trapTab}
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) props.onClose();
      }}
    >
      <div
        ref={panel}
        id={props.id}
        tabIndex={-1}
        class={`modal-panel ${props.width ?? "max-w-lg"}`}
      >
        <div class="flex shrink-0 items-center justify-between gap-4 border-b border-line px-5 py-4">
          <h2 id={titleId} class="text-base font-semibold">{props.title}</h2>
          <button type="button" class="icon-btn" data-close aria-label="Close" onClick={props.onClose}>
            <CloseGlyph />
          </button>
        </div>
        <div ref={body} class="modal-body px-5 py-4" role="region" aria-labelledby={titleId}>{props.children}</div>
        {props.footer && (
          <div class="flex shrink-0 flex-wrap justify-end gap-2 border-t border-line px-5 py-3">{props.footer}</div>
        )}
      </div>
    </dialog>
  );
}
