// The list-page table: a search box, filter selects, the rows of the current page and a pager, over a PagedList
// (usePagedList.ts) so paging, search and filters are done by the server. Keyboard: rows form one tab stop; Arrow
// Up/Down, Home and End move between them, Enter activates the focused row (`onActivate`), and "/" jumps to search.
import type { ComponentChildren } from "preact";
import { useRef } from "preact/hooks";
import type { PagedList } from "./usePagedList.ts";
import { rangeText } from "./list_query.ts";

export interface Column<T> {
  key: string;
  label: string;
  render: (row: T) => ComponentChildren;
  /** Extra classes of the cells (e.g. "text-right tabular-nums", "hidden md:table-cell"). */
  class?: string;
}

export interface FilterSpec {
  key: string;
  label: string;
  options: Array<{ value: string; label: string }>;
}

export interface PagedTableProps<T> {
  id: string;
  /** Accessible name of the table. */
  label: string;
  list: PagedList<T>;
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  filters?: FilterSpec[];
  searchLabel?: string;
  onActivate?: (row: T) => void;
  /** Shown instead of rows when the page is empty. */
  empty?: ComponentChildren;
  /** Buttons beside the search box. */
  actions?: ComponentChildren;
}

export function PagedTable<T>(props: PagedTableProps<T>) {
  const { list } = props;
  const body = useRef<HTMLTableSectionElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const rows = list.page.items;
  const { offset, limit } = list.params;

  const onRowKey = (e: KeyboardEvent, index: number, row: T) => {
    // keys typed into a control inside the row (a combobox, a button) are that control's
    if (e.target !== e.currentTarget) return;
    const all = [...(body.current?.querySelectorAll<HTMLElement>("tr[data-row]") ?? [])];
    const move = (i: number) => {
      const target = all[Math.max(0, Math.min(all.length - 1, i))];
      if (!target) return;
      all.forEach((r) => (r.tabIndex = r === target ? 0 : -1));
      target.focus();
    };
    if (e.key === "ArrowDown") move(index + 1);
    else if (e.key === "ArrowUp") move(index - 1);
    else if (e.key === "Home") move(0);
    else if (e.key === "End") move(all.length - 1);
    else if (e.key === "Enter" && props.onActivate) props.onActivate(row);
    else if (e.key === "/") search.current?.focus();
    else return;
    e.preventDefault();
  };

  return (
    <div class="space-y-3" id={props.id}>
      <div class="flex flex-wrap items-end gap-2">
        <div class="min-w-48 flex-1">
          <label for={`${props.id}-q`} class="mb-1 block text-xs font-medium text-muted">
            {props.searchLabel ?? "Search"}
          </label>
          <input
            ref={search}
            id={`${props.id}-q`}
            type="search"
            class="input"
            value={list.params.q}
            onInput={(e) => list.setQuery((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        {props.filters?.map((f) => (
          <div key={f.key}>
            <label for={`${props.id}-f-${f.key}`} class="mb-1 block text-xs font-medium text-muted">{f.label}</label>
            <select
              id={`${props.id}-f-${f.key}`}
              class="input"
              value={list.params.filters[f.key] ?? ""}
              onChange={(e) => list.setFilter(f.key, (e.currentTarget as HTMLSelectElement).value)}
            >
              <option value="">All</option>
              {f.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </select>
          </div>
        ))}
        {props.actions}
      </div>
      {list.error && <p role="alert" class="field-error">Could not load the list: {list.error}</p>}
      <div class="card overflow-x-auto" aria-busy={list.loading}>
        <table class="w-full text-sm" aria-label={props.label} aria-describedby={`${props.id}-range`}>
          <thead class="text-xs text-muted">
            <tr class="border-b border-line">
              {props.columns.map((c) => (
                <th key={c.key} scope="col" class={`px-3 py-2 text-left font-medium ${c.class ?? ""}`}>{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody ref={body}>
            {rows.map((row, i) => (
              <tr
                key={props.rowKey(row)}
                data-row={props.rowKey(row)}
                tabIndex={i === 0 ? 0 : -1}
                class="list-row border-b border-line last:border-0"
                onKeyDown={(e) => onRowKey(e, i, row)}
              >
                {props.columns.map((c) => (
                  <td key={c.key} class={`px-3 py-2 align-top ${c.class ?? ""}`}>{c.render(row)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && !list.loading && (
          <div class="px-4 py-6 text-center text-sm text-muted" data-empty>{props.empty ?? "Nothing matches."}</div>
        )}
      </div>
      <div class="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span id={`${props.id}-range`} class="text-muted" role="status">
          {list.loading ? "Loading…" : rangeText(list.page)}
        </span>
        <span class="flex gap-2">
          <button
            type="button"
            class="btn"
            disabled={offset === 0 || list.loading}
            onClick={() => list.goTo(offset - limit)}
          >
            Previous
          </button>
          <button
            type="button"
            class="btn"
            disabled={offset + rows.length >= list.page.total || list.loading}
            onClick={() => list.goTo(offset + limit)}
          >
            Next
          </button>
        </span>
      </div>
    </div>
  );
}
