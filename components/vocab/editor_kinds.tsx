// What differs between the vocabulary lists one island edits (hierarchy levels, workflow steps, work item types): the
// API path, the columns, whether rows reorder, the values an edit form starts from, and where the dependency dialog's
// dependents come from (the dependents answer, or the row itself for types, which list their source names).
import type { ComponentChildren } from "preact";
import type { Dependent, ReassignTarget } from "../ui/DependencyModal.tsx";

// whole counts with grouping, as components/format.ts writes them; imported from there, the formatters would be used
// by enough islands to move into the common chunk every page loads (pushing the custom-fields page over budget)
const formatNumber = (n: number) => n.toLocaleString("en-US");

export type EditorKind = "hierarchies" | "workflows" | "wits";

/** A level or a step as GET /app/etl/hierarchies or /app/etl/workflows answers it. */
export interface VocabRow {
  id: number;
  number?: number | null;
  name: string;
  description?: string | null;
  types?: number;
  category?: string;
  commitmentPoint?: boolean;
  statuses?: number;
  level?: { id: number; number: number; name: string };
  sources?: string[];
  workItems: number;
}

interface Column {
  head: string;
  right?: boolean;
  wide?: boolean;
  cell: (row: VocabRow) => ComponentChildren;
}

export interface Removal {
  dependents: Dependent[];
  targets: ReassignTarget[];
  message?: string;
}

export interface KindSpec {
  /** "level", "step": in titles and toasts */
  noun: string;
  label: string;
  tableId: string;
  columns: Column[];
  /** Reorderable by number (Discarded steps have none and stay last); no order at all when absent. */
  movable?: (row: VocabRow) => boolean;
  record: (row: VocabRow) => Record<string, unknown>;
  /** From GET …/:id/dependents; or, without that route, from the row and its siblings. */
  removal?: (answer: Record<string, unknown>) => Removal;
  localRemoval?: (row: VocabRow, rows: VocabRow[]) => Removal;
  /** The form's payload as the API takes it (select values arrive as text). */
  body?: (payload: Record<string, unknown>) => Record<string, unknown>;
}

const count = (key: "types" | "statuses" | "workItems", head: string): Column => ({
  head,
  right: true,
  cell: (r) => formatNumber(r[key] ?? 0),
});

// the form leaves an emptied field out; an emptied description is sent as null so an edit clears it
const clearable = (p: Record<string, unknown>) => ({ ...p, description: p.description ?? null });

interface Named {
  id: number;
  name: string;
  number?: number;
  category?: string;
  workItems?: number;
}

export const KINDS: Record<EditorKind, KindSpec> = {
  hierarchies: {
    noun: "level",
    label: "Hierarchy levels",
    tableId: "levels",
    columns: [
      { head: "Level", cell: (r) => r.number },
      { head: "Name", cell: (r) => r.name },
      { head: "Description", wide: true, cell: (r) => r.description },
      count("types", "Types"),
      count("workItems", "Work items"),
    ],
    movable: () => true,
    record: (r) => ({ number: r.number, name: r.name, description: r.description ?? "" }),
    body: clearable,
    removal: (a) => {
      const types = a.types as Named[];
      return {
        dependents: types.map((t) => ({ label: t.name, detail: `${formatNumber(t.workItems ?? 0)} work items` })),
        targets: (a.targets as Named[]).map((t) => ({ id: t.id, label: `${t.number} · ${t.name}` })),
        message: types.length
          ? "These work item types are on this level. Choose the level they move to; then the level is deleted."
          : undefined,
      };
    },
  },
  workflows: {
    noun: "step",
    label: "Workflow steps",
    tableId: "steps",
    columns: [
      { head: "#", cell: (r) => r.number ?? "—" },
      {
        head: "Step",
        cell: (r) => (
          <>
            {r.name}
            {r.commitmentPoint && <span class="badge tone-running ml-2" id="commitment-point">Commitment point</span>}
          </>
        ),
      },
      { head: "Category", cell: (r) => r.category },
      count("statuses", "Status names"),
      count("workItems", "Work items"),
    ],
    movable: (r) => r.number != null,
    record: (r) => ({ name: r.name, category: r.category, commitmentPoint: r.commitmentPoint }),
    removal: (a) => {
      const mappings = a.mappings as Named[];
      return {
        dependents: mappings.map((m) => ({ label: m.name })),
        targets: (a.targets as Named[]).map((t) => ({ id: t.id, label: `${t.name} · ${t.category}` })),
        message: mappings.length
          ? "These status names map to this step. Choose the step they move to; then the step is deleted."
          : undefined,
      };
    },
  },
  wits: {
    noun: "type",
    label: "Work item types",
    tableId: "types",
    columns: [
      { head: "Type", cell: (r) => r.name },
      { head: "Level", cell: (r) => r.level && `${r.level.number} · ${r.level.name}` },
      { head: "Source types", cell: (r) => r.sources?.join(", ") || "—" },
      count("workItems", "Work items"),
    ],
    record: (r) => ({ name: r.name, levelId: String(r.level?.id ?? ""), description: r.description ?? "" }),
    localRemoval: (row, rows) => ({
      dependents: (row.sources ?? []).map((s) => ({ label: s })),
      targets: rows.filter((r) => r.id !== row.id).map((r) => ({ id: r.id, label: r.name })),
      message: row.sources?.length
        ? "These source types map to this type. Choose the type they move to; then the type is deleted."
        : undefined,
    }),
    body: (p) => ({ ...clearable(p), levelId: Number(p.levelId) }),
  },
};
