// What a job card needs only when someone acts on it — its dialogs and the on/off call — loaded on demand
// (dynamic import → a separate chunk, prefetched when the pointer or focus reaches a card's buttons), so the home
// page's first load carries only the cards themselves.
import type { Signal } from "@preact/signals";
import { ConfirmationModal } from "../ui/ConfirmationModal.tsx";
import { apiCall } from "../api.ts";
import { showToast } from "../ui/toasts.ts";
import { reviveCard } from "./job_view.ts";
import type { JobCardData } from "./types.ts";

export { JobSettingsModal } from "./JobSettingsModal.tsx";
export { JobDetailsModal } from "./JobDetailsModal.tsx";

/**
 * Turns a job on or off (admin). Activating a job whose integration is inactive answers 409 integration_inactive:
 * then the caller asks "Activate both?" and calls again with activateIntegration.
 */
export async function toggleJob(
  job: Signal<JobCardData>,
  active: boolean,
  activateIntegration: boolean,
): Promise<"done" | "needs-integration" | "failed"> {
  const title = job.value.name.toUpperCase();
  const res = await apiCall<unknown>(`/app/etl/jobs/${job.value.id}/toggle`, {
    body: activateIntegration ? { active, activateIntegration } : { active },
  });
  if (res.ok) {
    job.value = reviveCard(res.data);
    showToast(
      "success",
      `${title} turned ${active ? "on" : "off"}${activateIntegration ? " with its integration" : ""}`,
    );
    return "done";
  }
  if (res.error.code === "integration_inactive" && active && !activateIntegration) return "needs-integration";
  showToast("error", `${title}: ${res.error.message}`);
  return "failed";
}

/** Turning on a job whose integration is off: offer to activate both. */
export function ActivateBothModal(props: {
  open: boolean;
  integration: string;
  job: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <ConfirmationModal
      open={props.open}
      id="activate-both"
      title="Activate both?"
      confirmLabel="Activate both"
      busy={props.busy}
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
    >
      The <b>{props.integration}</b> integration is inactive, so {props.job}{" "}
      cannot run. Activate the integration and the job together?
    </ConfirmationModal>
  );
}
