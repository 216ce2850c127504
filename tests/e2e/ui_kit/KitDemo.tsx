// Test page island for the shared UI kit: CreateModal/EditModal generated from a JSON Schema the server made from a
// zod schema (with a write-only secret), DependencyModal in reassignment and in choice mode, ConfirmationModal, the
// InfoTip for a disabled control, and a server-paged PagedTable. What each part hands back is written to #result.
import { useState } from "preact/hooks";
import { CreateModal, EditModal } from "../../../components/ui/SchemaFormModal.tsx";
import { DependencyModal } from "../../../components/ui/DependencyModal.tsx";
import { ConfirmationModal } from "../../../components/ui/ConfirmationModal.tsx";
import { InfoTip } from "../../../components/ui/Reason.tsx";
import { PagedTable } from "../../../components/ui/list/PagedTable.tsx";
import { usePagedList } from "../../../components/ui/list/usePagedList.ts";
import type { ListParams, Page } from "../../../components/ui/list/list_query.ts";
import type { JsonSchema } from "../../../components/ui/form/schema.ts";
import { showToast } from "../../../components/ui/toasts.ts";

export interface DemoItem {
  id: number;
  name: string;
  color: string;
}

type Open = "create" | "edit" | "deps" | "choices" | "confirm" | null;

export default function KitDemo(props: { schema: JsonSchema; initial: { params: ListParams; page: Page<DemoItem> } }) {
  const [open, setOpen] = useState<Open>(null);
  const [result, setResult] = useState("");
  const close = () => setOpen(null);
  const list = usePagedList<DemoItem>("/items", props.initial, { debounceMs: 50 });
  return (
    <div class="space-y-3 p-6">
      <div class="flex flex-wrap items-center gap-2">
        <button type="button" class="btn" id="open-create" onClick={() => setOpen("create")}>Create</button>
        <button type="button" class="btn" id="open-edit" onClick={() => setOpen("edit")}>Edit</button>
        <button type="button" class="btn" id="open-deps" onClick={() => setOpen("deps")}>Deactivate</button>
        <button type="button" class="btn" id="open-choices" onClick={() => setOpen("choices")}>Remove</button>
        <button type="button" class="btn" id="open-confirm" onClick={() => setOpen("confirm")}>Delete</button>
        <button type="button" class="btn" disabled aria-describedby="why-archive">Archive</button>
        <InfoTip id="why-archive" text="Archiving needs an administrator" label="Why is Archive disabled?" />
      </div>
      <pre id="result">{result}</pre>
      <PagedTable
        id="items"
        label="Items"
        list={list}
        rowKey={(r) => r.id}
        columns={[
          { key: "name", label: "Name", render: (r) => r.name },
          { key: "color", label: "Colour", render: (r) => r.color },
        ]}
        filters={[{
          key: "color",
          label: "Colour",
          options: ["red", "green", "blue"].map((c) => ({ value: c, label: c })),
        }]}
        onActivate={(r) => setResult(`activated ${r.name}`)}
      />
      <CreateModal
        id="create-modal"
        open={open === "create"}
        title="New hierarchy level"
        schema={props.schema}
        onClose={close}
        onSubmit={(data) => {
          // the way a page answers with the server's 400 field errors
          if (data.levelName === "Epic") return Promise.resolve([{ field: "levelName", message: "already exists" }]);
          setResult(JSON.stringify(data));
          showToast("success", `Created ${data.levelName}`);
          return Promise.resolve();
        }}
      />
      <EditModal
        id="edit-modal"
        open={open === "edit"}
        title="Edit hierarchy level"
        schema={props.schema}
        record={{ levelName: "Story", levelNumber: 1, active: true }}
        stored={["apiKey"]}
        onClose={close}
        onSubmit={(data) => {
          setResult(JSON.stringify(data));
          return Promise.resolve();
        }}
      />
      <DependencyModal
        id="deps-modal"
        open={open === "deps"}
        title="Deactivate “Epic”?"
        subject="hierarchy level “Epic”"
        dependents={[{ label: "WIT mappings", count: 3 }, { label: "Work item types", count: 12 }]}
        targets={[{ id: 7, label: "Story" }, { id: 8, label: "Feature" }]}
        onCancel={close}
        onConfirm={(target) => {
          setResult(`reassign to ${target}`);
          close();
        }}
      />
      <DependencyModal
        id="choices-modal"
        open={open === "choices"}
        title="Delete “Jira”?"
        subject="the integration “Jira”"
        message="Jobs read from this integration."
        dependents={[{ label: "Jira", detail: "active" }, { label: "Jira backfill", detail: "running" }]}
        choices={[
          {
            key: "off-then-delete",
            label: "Turn the jobs off, then delete",
            tone: "danger",
            unavailable: "a run is in progress",
          },
          { key: "off", label: "Turn the jobs off" },
        ]}
        onCancel={close}
        onChoice={(key) => {
          setResult(`choice ${key}`);
          close();
        }}
      />
      <ConfirmationModal
        id="confirm-modal"
        open={open === "confirm"}
        title="Delete “Epic”?"
        tone="danger"
        confirmLabel="Delete"
        onCancel={close}
        onConfirm={() => {
          setResult("deleted");
          close();
        }}
      >
        This cannot be undone.
      </ConfirmationModal>
    </div>
  );
}
