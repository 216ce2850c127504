// Test page island for the reusable dialogs the mapping pages will use: CreateModal/EditModal driven by a zod
// schema, DependencyModal and ConfirmationModal. What each dialog hands back is written to #result.
import { useState } from "preact/hooks";
import { z } from "zod";
import { CreateModal, EditModal } from "../../../components/ui/SchemaFormModal.tsx";
import { DependencyModal } from "../../../components/ui/DependencyModal.tsx";
import { ConfirmationModal } from "../../../components/ui/ConfirmationModal.tsx";
import { showToast } from "../../../components/ui/toasts.ts";

const hierarchy = z.object({
  levelName: z.string().trim().min(1, "required").max(40).meta({ title: "Level name" }),
  levelNumber: z.number({ error: "enter a number" }).int("must be a whole number").min(0).max(9),
  description: z.string().max(200).meta({ widget: "textarea" }).optional(),
  integrationId: z.number({ error: "choose an integration" }).int(),
  active: z.boolean().default(true),
});

const INTEGRATIONS = { integrationId: { label: "Integration", options: [{ value: "3", label: "Jira" }] } };

export default function KitDemo() {
  const [open, setOpen] = useState<"create" | "edit" | "deps" | "confirm" | null>(null);
  const [result, setResult] = useState("");
  const close = () => setOpen(null);
  return (
    <div class="space-y-3 p-6">
      <div class="flex gap-2">
        <button type="button" class="btn" id="open-create" onClick={() => setOpen("create")}>Create</button>
        <button type="button" class="btn" id="open-edit" onClick={() => setOpen("edit")}>Edit</button>
        <button type="button" class="btn" id="open-deps" onClick={() => setOpen("deps")}>Deactivate</button>
        <button type="button" class="btn" id="open-confirm" onClick={() => setOpen("confirm")}>Delete</button>
      </div>
      <pre id="result">{result}</pre>
      <CreateModal
        id="create-modal"
        open={open === "create"}
        title="New hierarchy level"
        schema={hierarchy}
        overrides={INTEGRATIONS}
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
        schema={hierarchy}
        overrides={INTEGRATIONS}
        record={{ levelName: "Story", levelNumber: 1, integrationId: 3, active: true }}
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
