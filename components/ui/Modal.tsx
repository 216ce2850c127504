// Modal dialog with CSS enter/leave transitions (theme.css `.modal-backdrop[data-state]`): mounted closed, flipped
// to open on the next frame, and on close kept mounted until the transition has run. Escape and a backdrop click
// close it; focus moves into the dialog on open and back to the opener on close.
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
  /** Optional test/automation hook on the dialog element. */
  id?: string;
}

let titleSeq = 0;

export function Modal(props: ModalProps) {
  const { mounted, shown } = usePresence(props.open);
  const panel = useRef<HTMLDivElement>(null);
  const [titleId] = useState(() => `modal-title-${++titleSeq}`);

  useEffect(() => {
    if (!props.open) return;
    const opener = document.activeElement as HTMLElement | null;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") props.onClose();
    };
    document.addEventListener("keydown", onKey);
    const t = setTimeout(() => {
      const first = panel.current?.querySelector<HTMLElement>("input, select, textarea, button:not([data-close])");
      (first ?? panel.current)?.focus();
    }, 20);
    return () => {
      clearTimeout(t);
      document.removeEventListener("keydown", onKey);
      opener?.focus?.();
    };
  }, [props.open]);

  if (!mounted) return null;
  return (
    <div
      class="modal-backdrop"
      data-state={shown ? "open" : "closed"}
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) props.onClose();
      }}
    >
      <div
        ref={panel}
        id={props.id}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        class={`modal-panel ${props.width ?? "max-w-lg"}`}
      >
        <div class="flex shrink-0 items-center justify-between gap-4 border-b border-line px-5 py-4">
          <h2 id={titleId} class="text-base font-semibold">{props.title}</h2>
          <button type="button" class="icon-btn" data-close aria-label="Close" onClick={props.onClose}>
            <CloseGlyph />
          </button>
        </div>
        <div class="modal-body px-5 py-4">{props.children}</div>
        {props.footer && (
          <div class="flex shrink-0 justify-end gap-2 border-t border-line px-5 py-3">{props.footer}</div>
        )}
      </div>
    </div>
  );
}
