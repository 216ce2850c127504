// A searchable select over a list too long to send with the page: typing searches on the server (debounced, via
// `search`), the matches open in a listbox under the input. Keyboard as in the ARIA combobox pattern: Arrow Down/Up
// move through the options, Enter picks, Escape closes and restores the current choice; the first option clears
// the choice. The input shows the chosen option's label while it is not being edited.
import { useEffect, useRef, useState } from "preact/hooks";

export interface ComboOption {
  value: string;
  label: string;
  /** Secondary text (e.g. the field id and type). */
  hint?: string;
}

export interface ComboboxProps {
  id: string;
  /** Accessible name (the visible label should use `for={id}`). */
  label?: string;
  value: ComboOption | null;
  search: (q: string) => Promise<ComboOption[]>;
  onChange: (option: ComboOption | null) => void;
  /** Label of the "no choice" option. */
  clearLabel?: string;
  disabled?: boolean;
  describedBy?: string;
}

export function Combobox(props: ComboboxProps) {
  const [text, setText] = useState(props.value?.label ?? "");
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<ComboOption[]>([]);
  const [active, setActive] = useState(0);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  const listId = `${props.id}-list`;
  const clear: ComboOption = { value: "", label: props.clearLabel ?? "— Not mapped —" };
  const all = [clear, ...options];

  useEffect(() => {
    if (!open) setText(props.value?.label ?? "");
  }, [props.value, open]);

  const query = (q: string) => {
    const mine = ++seq.current;
    setLoading(true);
    setTimeout(async () => {
      if (mine !== seq.current) return;
      try {
        const found = await props.search(q);
        if (mine === seq.current) {
          setOptions(found);
          setActive(found.length ? 1 : 0);
        }
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    }, 150);
  };

  const show = (q: string) => {
    setOpen(true);
    query(q);
  };
  const choose = (o: ComboOption) => {
    props.onChange(o.value === "" ? null : o);
    setOpen(false);
    setText(o.value === "" ? "" : o.label);
  };
  const close = () => {
    setOpen(false);
    setText(props.value?.label ?? "");
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      if (!open) show("");
      else setActive((i) => Math.min(all.length - 1, i + 1));
    } else if (e.key === "ArrowUp") setActive((i) => Math.max(0, i - 1));
    else if (e.key === "Enter" && open) choose(all[active] ?? clear);
    else if (e.key === "Escape" && open) close();
    else return;
    e.preventDefault();
  };

  return (
    <div class="combobox">
      <input
        id={props.id}
        class="input"
        role="combobox"
        aria-label={props.label}
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open ? `${props.id}-opt-${active}` : undefined}
        aria-describedby={props.describedBy}
        autocomplete="off"
        disabled={props.disabled}
        value={text}
        placeholder={props.value ? undefined : clear.label}
        onFocus={() => !open && show("")}
        onInput={(e) => {
          const q = (e.currentTarget as HTMLInputElement).value;
          setText(q);
          show(q);
        }}
        onKeyDown={onKey}
        onBlur={close}
      />
      {open && (
        <ul id={listId} role="listbox" class="combobox-list" aria-label={props.label}>
          {all.map((o, i) => (
            <li
              key={o.value || "none"}
              id={`${props.id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              class="combobox-option"
              data-value={o.value}
              // mousedown, not click: picking must happen before the input's blur closes the list
              onMouseDown={(e) => {
                e.preventDefault();
                choose(o);
              }}
            >
              <span>{o.label}</span>
              {o.hint && <span class="text-xs text-muted">{o.hint}</span>}
            </li>
          ))}
          {loading && <li class="combobox-option text-muted" aria-hidden="true">Searching…</li>}
          {!loading && options.length === 0 && <li class="combobox-option text-muted" aria-hidden="true">No match</li>}
        </ul>
      )}
    </div>
  );
}
