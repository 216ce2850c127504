// Create or recreate a kind's collection (admins). Recreate first says what is lost — the tenant's vectors, and
// other tenants' when the caller operates the instance and drops the whole collection; otherwise only the tenant's
// own points are deleted and the others' stay — and asks for the collection's name to be typed back.
import { useEffect, useState } from "preact/hooks";
import { apiCall } from "../api.ts";
import { Modal } from "../ui/Modal.tsx";
import { showToast } from "../ui/toasts.ts";
import { formatNumber } from "../format.ts";
import type { KindRow } from "./types.ts";

interface Preview {
  collection: string;
  exists: boolean;
  totalPoints: number | null;
  tenantPoints: number;
  otherTenantsPoints: number | null;
  scope: "collection" | "tenant";
}

export function RecreateModal(props: { kind: KindRow; onClose: () => void; onDone: () => void }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    apiCall<Preview>(`/app/etl/qdrant/collections/${props.kind.kind}`).then((res) =>
      res.ok ? setPreview(res.data) : setError(res.error.message)
    );
  }, []);

  const create = !props.kind.collectionExists;
  const run = async () => {
    setBusy(true);
    const res = await apiCall(`/app/etl/qdrant/collections/${props.kind.kind}`, {
      body: create ? { action: "create" } : { action: "recreate", confirm: typed },
    });
    setBusy(false);
    if (!res.ok) return setError(res.error.fields?.[0]?.message ?? res.error.message);
    showToast("success", create ? "Collection created" : "Collection recreated; re-embedding in the background");
    props.onDone();
    props.onClose();
  };

  const ready = preview && (create || typed === preview.collection);
  return (
    <Modal
      open
      title={create ? `Create the ${props.kind.label.toLowerCase()} collection?` : `Recreate the collection?`}
      onClose={props.onClose}
      id="recreate"
      width="max-w-lg"
      footer={
        <>
          <button type="button" class="btn" onClick={props.onClose} disabled={busy}>Cancel</button>
          <button
            type="button"
            class={`btn ${create ? "btn-primary" : "btn-danger"}`}
            onClick={run}
            disabled={!ready || busy}
            data-confirm
          >
            {busy ? "Working…" : create ? "Create" : "Recreate"}
          </button>
        </>
      }
    >
      <div class="space-y-3 text-sm leading-6">
        {!preview && !error && <p class="text-muted">Reading the collection…</p>}
        {preview && create && (
          <p>
            An empty collection <code>{preview.collection}</code> is created with its indexes.
          </p>
        )}
        {preview && !create && (
          <>
            {preview.scope === "collection"
              ? (
                <p>
                  Every point of <code class="break-all">{preview.collection}</code> is deleted:{" "}
                  <strong data-lost-tenant>{formatNumber(preview.tenantPoints)}</strong> vectors of your tenant
                  {preview.otherTenantsPoints
                    ? (
                      <>
                        {" "}and <strong data-lost-others>{formatNumber(preview.otherTenantsPoints)}</strong>{" "}
                        of other tenants (their records are embedded again too)
                      </>
                    )
                    : null}.
                </p>
              )
              : (
                <p>
                  Your tenant's <strong data-lost-tenant>{formatNumber(preview.tenantPoints)}</strong> vectors in{" "}
                  <code class="break-all">{preview.collection}</code> are deleted;{" "}
                  {formatNumber(preview.otherTenantsPoints ?? 0)} vectors of other tenants share it and stay.
                </p>
              )}
            <p>
              Your records are embedded again in the background (one embedding per record); search misses them until
              then.
            </p>
            <label class="block space-y-1">
              <span>Type the collection name to confirm</span>
              <input
                class="input w-full"
                value={typed}
                autocomplete="off"
                onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
                data-confirm-name
              />
            </label>
          </>
        )}
        {error && <p style={{ color: "var(--tone-failed-fg)" }} role="alert">{error}</p>}
      </div>
    </Modal>
  );
}
