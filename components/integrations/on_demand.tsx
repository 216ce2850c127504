// The Integrations page's dialogs, loaded on demand: the provider picker, the create and edit forms (generated from
// the provider's schema sent by GET /app/etl/providers, with a connection test of what is typed), the logo picker
// (bundled logos or an SVG/PNG upload) and the dependency dialogs for turning off or deleting an integration whose
// jobs are on. Every change goes through the API, whose answers (and field errors) are shown as they come.
import { useEffect, useState } from "preact/hooks";
import { apiCall, type FieldError } from "../api.ts";
import { showToast } from "../ui/toasts.ts";
import { Modal } from "../ui/Modal.tsx";
import { CreateModal, EditModal, type FormState } from "../ui/SchemaFormModal.tsx";
import { DependencyModal } from "../ui/DependencyModal.tsx";
import type { JsonSchema, RawValues } from "../ui/form/schema.ts";
import { IntegrationLogo } from "../IntegrationLogo.tsx";
import { TestResult } from "./TestResult.tsx";
import type { IntegrationRowData, ProviderSummary, TestAnswer } from "./types.ts";
import type { LogoInfo } from "../jobs/types.ts";

export type Dialog =
  | { kind: "pick" }
  | { kind: "create"; provider: string }
  | { kind: "edit"; row: IntegrationRowData }
  | { kind: "logo"; row: IntegrationRowData }
  | { kind: "remove"; row: IntegrationRowData }
  | { kind: "deactivate"; row: IntegrationRowData };

export interface DialogsProps {
  dialog: Dialog;
  providers: ProviderSummary[];
  onClose: () => void;
  onOpen: (d: Dialog) => void;
  onChanged: (id: number, view: Record<string, unknown>) => void;
  onRemoved: (id: number) => void;
}

let forms: Promise<Record<string, JsonSchema>> | null = null;
/** The providers' forms (JSON Schema), fetched once per page. */
function providerForms(): Promise<Record<string, JsonSchema>> {
  forms ??= apiCall<{ providers: Array<{ name: string; form: JsonSchema }> }>("/app/etl/providers").then((res) => {
    if (!res.ok) {
      forms = null;
      throw new Error(res.error.message);
    }
    return Object.fromEntries(res.data.providers.map((p) => [p.name, p.form]));
  });
  return forms;
}

export function IntegrationDialogs(props: DialogsProps) {
  const d = props.dialog;
  if (d.kind === "pick") return <ProviderPicker {...props} />;
  if (d.kind === "create" || d.kind === "edit") return <IntegrationForm {...props} dialog={d} />;
  if (d.kind === "logo") return <LogoPicker {...props} row={d.row} />;
  return <Dependents {...props} row={d.row} mode={d.kind} />;
}

function ProviderPicker(props: DialogsProps) {
  return (
    <Modal open title="New integration: which source?" onClose={props.onClose} id="provider-picker">
      <ul class="space-y-2">
        {props.providers.map((p) => (
          <li key={p.name}>
            <button
              type="button"
              class="provider-choice"
              data-provider={p.name}
              onClick={() => props.onOpen({ kind: "create", provider: p.name })}
            >
              <IntegrationLogo logo={p.logo} name={p.title} size={32} />
              <span class="min-w-0 text-left">
                <span class="block font-semibold">{p.title}</span>
                <span class="block text-xs text-muted">
                  {p.description}
                  {p.hasConnector === false && " · no connector yet: it can be configured, its job cannot run"}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}

/** Stored credentials only ever go to the URL they were saved for (the server enforces it; the form explains). */
function sameUrl(a: string | null | undefined, b: string | null | undefined): boolean {
  const norm = (u: string | null | undefined) => (u ?? "").trim().replace(/\/+$/, "").toLowerCase();
  return norm(a) === norm(b);
}

const MOVED =
  "The base URL changes, so enter the credentials again: stored credentials are only ever sent to the address they were saved for.";

function IntegrationForm(props: DialogsProps & { dialog: Extract<Dialog, { kind: "create" | "edit" }> }) {
  const d = props.dialog;
  const row = d.kind === "edit" ? d.row : null;
  const providerName = row?.provider ?? (d.kind === "create" ? d.provider : "");
  const provider = props.providers.find((p) => p.name === providerName);
  const [schema, setSchema] = useState<JsonSchema | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [answer, setAnswer] = useState<TestAnswer | null>(null);
  const [testing, setTesting] = useState(false);

  useEffect(() => {
    providerForms().then((all) => setSchema(all[providerName] ?? null), (e) => setError(String(e.message ?? e)));
  }, [providerName]);

  if (error || !schema) {
    return (
      <Modal open title={row ? `Edit ${row.name}` : "New integration"} onClose={props.onClose} id="integration-form">
        {error
          ? <p role="alert" class="field-error">Could not load the form: {error}</p>
          : <p class="text-muted">Loading…</p>}
      </Modal>
    );
  }

  const mustReplace = (values: RawValues): Record<string, string> =>
    row?.hasCredentials && !sameUrl(String(values.baseUrl ?? ""), row.baseUrl) ? { credentials: MOVED } : {};

  const runTest = async (form: FormState) => {
    if (!form.check()) return;
    const payload = form.payload() as { baseUrl?: string; settings?: unknown; credentials?: unknown };
    setTesting(true);
    let res;
    if (row) {
      const body: Record<string, unknown> = { settings: payload.settings };
      if (!sameUrl(payload.baseUrl, row.baseUrl)) body.baseUrl = payload.baseUrl;
      if (payload.credentials !== undefined) body.credentials = payload.credentials;
      res = await apiCall<TestAnswer>(`/app/etl/integrations/${row.id}/test`, { body });
    } else {
      res = await apiCall<TestAnswer>(`/app/etl/providers/${providerName}/test`, {
        body: { baseUrl: payload.baseUrl, settings: payload.settings, credentials: payload.credentials },
      });
    }
    setTesting(false);
    if (res.ok) setAnswer(res.data);
    else {
      setAnswer(null);
      form.showErrors(res.error.fields ?? [], res.error.message);
    }
  };

  const extra = (form: FormState) =>
    provider?.testable && (
      <div class="space-y-2 border-t border-line pt-3">
        <button type="button" class="btn" onClick={() => runTest(form)} disabled={testing} data-action="test-form">
          {testing ? "Testing…" : "Test connection"}
        </button>
        <p class="reason-note">Tests what is typed above, without saving it.</p>
        {answer && <TestResult answer={answer} id="form-test-result" />}
      </div>
    );

  const submit = async (payload: Record<string, unknown>): Promise<void | string | FieldError[]> => {
    const res = row
      ? await apiCall<Record<string, unknown>>(`/app/etl/integrations/${row.id}`, { method: "PUT", body: payload })
      : await apiCall<Record<string, unknown>>("/app/etl/integrations", {
        body: { provider: providerName, logoFilename: provider?.logoFile ?? null, ...payload },
      });
    if (!res.ok) return res.error.fields?.length ? res.error.fields : res.error.message;
    if (row) {
      props.onChanged(row.id, res.data);
      showToast("success", `${String(res.data.name)} saved`);
    } else {
      // the new row needs its logo and job resolved by the server: show the page again
      location.assign(`/integrations?created=${encodeURIComponent(String(res.data.id))}`);
    }
  };

  const intro = (
    <div class="flex items-center gap-3 rounded-lg bg-sunken px-3 py-2 text-sm">
      {provider && <IntegrationLogo logo={provider.logo} name={provider.title} size={28} />}
      <span class="flex-1">{provider?.title ?? providerName}</span>
      {!row && (
        <button type="button" class="btn h-8 text-xs" onClick={() => props.onOpen({ kind: "pick" })}>
          Change
        </button>
      )}
    </div>
  );
  const common = { open: true, schema, intro, extra, onClose: props.onClose, onSubmit: submit, width: "max-w-2xl" };
  return row
    ? (
      <EditModal
        {...common}
        id="integration-form"
        title={`Edit ${row.name}`}
        record={{ name: row.name, baseUrl: row.baseUrl ?? "", settings: row.settings }}
        stored={row.hasCredentials ? ["credentials"] : []}
        mustReplace={mustReplace}
      />
    )
    : <CreateModal {...common} id="integration-form" title={`New ${provider?.title ?? ""} integration`} />;
}

interface LogoChoices {
  bundled: Array<LogoInfo & { file: string }>;
  uploaded: Array<{ id: number; filename: string; src: string }>;
}

function LogoPicker(props: DialogsProps & { row: IntegrationRowData }) {
  const [choices, setChoices] = useState<LogoChoices | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    apiCall<LogoChoices>("/app/etl/logos").then((res) => res.ok ? setChoices(res.data) : setError(res.error.message));
  }, []);

  const pick = async (logo: LogoInfo & { file: string }) => {
    setBusy(true);
    const res = await apiCall<Record<string, unknown>>(`/app/etl/integrations/${props.row.id}`, {
      method: "PUT",
      body: { logoFilename: logo.file },
    });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    props.onChanged(props.row.id, { ...res.data, logo: { src: logo.src, invertInDark: logo.invertInDark } });
    props.onClose();
  };

  const upload = async (file: File) => {
    const type = file.type === "image/png" ? "image/png" : "image/svg+xml";
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    setBusy(true);
    const res = await apiCall<LogoInfo & { id: number }>(`/app/etl/integrations/${props.row.id}/logo`, {
      body: { filename: file.name, contentType: type, data: btoa(binary) },
    });
    setBusy(false);
    if (!res.ok) return setError(res.error.fields?.[0]?.message ?? res.error.message);
    props.onChanged(props.row.id, {
      logoId: res.data.id,
      logo: { src: res.data.src, invertInDark: res.data.invertInDark },
    });
    showToast("success", `${props.row.name}: logo uploaded`);
    props.onClose();
  };

  return (
    <Modal open title={`Logo of ${props.row.name}`} onClose={props.onClose} id="logo-picker">
      <div class="space-y-4 text-sm">
        {error && <p role="alert" class="field-error" data-logo-error>{error}</p>}
        {!choices && !error && <p class="text-muted">Loading…</p>}
        {choices && (
          <fieldset>
            <legend class="mb-2 font-medium">Bundled logos</legend>
            <div class="flex flex-wrap gap-2">
              {choices.bundled.map((l) => (
                <button
                  key={l.file}
                  type="button"
                  class="logo-choice"
                  aria-pressed={props.row.logoId === null && props.row.logoFilename === l.file}
                  aria-label={l.file.replace(/\.svg$/, "")}
                  disabled={busy}
                  data-logo={l.file}
                  onClick={() => pick(l)}
                >
                  <IntegrationLogo logo={l} name={l.file} size={32} />
                </button>
              ))}
            </div>
          </fieldset>
        )}
        <div>
          <label for="logo-upload" class="mb-1 block font-medium">Or upload an SVG or PNG</label>
          <input
            id="logo-upload"
            type="file"
            accept=".svg,.png,image/svg+xml,image/png"
            class="block w-full text-sm"
            disabled={busy}
            onChange={(e) => {
              const f = (e.currentTarget as HTMLInputElement).files?.[0];
              if (f) upload(f);
            }}
          />
          <p class="reason-note mt-1">
            Up to 100 KB (SVG) or 256 KB (PNG). SVGs are cleaned: scripts, event handlers and outside references are
            removed.
          </p>
        </div>
      </div>
    </Modal>
  );
}

async function jobsOff(jobs: IntegrationRowData["jobs"]): Promise<string | null> {
  for (const j of jobs.filter((j) => j.active)) {
    const res = await apiCall(`/app/etl/jobs/${j.id}/toggle`, { body: { active: false } });
    if (!res.ok) return `${j.name}: ${res.error.message}`;
  }
  return null;
}

function Dependents(props: DialogsProps & { row: IntegrationRowData; mode: "remove" | "deactivate" }) {
  const { row, mode } = props;
  const [busy, setBusy] = useState(false);
  const running = row.jobs.find((j) => j.status === "RUNNING");
  const on = row.jobs.filter((j) => j.active || j.status === "RUNNING");
  const blocked = running ? `${running.name} is running; wait for its run to end` : undefined;
  const listed = mode === "remove" ? row.jobs : on;

  const choose = async (key: string) => {
    setBusy(true);
    const failed = key.startsWith("off") ? await jobsOff(row.jobs) : null;
    if (failed) {
      setBusy(false);
      return showToast("error", `Jobs not turned off: ${failed}`);
    }
    const res = mode === "remove"
      ? await apiCall<Record<string, unknown>>(`/app/etl/integrations/${row.id}`, { method: "DELETE" })
      : await apiCall<Record<string, unknown>>(`/app/etl/integrations/${row.id}/toggle`, { body: { active: false } });
    setBusy(false);
    if (!res.ok) return showToast("error", `${row.name}: ${res.error.message}`);
    if (mode === "remove") {
      props.onRemoved(row.id);
      showToast("success", `${row.name} deleted`);
    } else {
      props.onChanged(row.id, { ...res.data, jobs: row.jobs.map((j) => ({ ...j, active: false })) });
      showToast("success", `${row.name} and its jobs turned off`);
    }
    props.onClose();
  };

  const choices = mode === "remove"
    ? on.length
      ? [{ key: "off-delete", label: "Turn the jobs off, then delete", tone: "danger" as const, unavailable: blocked }]
      : [{ key: "delete", label: "Delete", tone: "danger" as const }]
    : [{ key: "off-deactivate", label: "Turn the jobs off, then the integration", unavailable: blocked }];

  return (
    <DependencyModal
      open
      id="integration-dependents"
      title={mode === "remove" ? `Delete ${row.name}?` : `Turn ${row.name} off?`}
      subject={`the integration ${row.name}`}
      message={mode === "remove"
        ? `Deleting removes the integration, its job${
          row.jobs.length === 1 ? "" : "s"
        } and everything loaded from it. This cannot be undone.`
        : "Jobs that read from this integration are on, so it cannot be turned off by itself."}
      dependents={listed.map((j) => ({
        label: j.name,
        detail: j.status === "RUNNING" ? "running" : j.active ? "on" : "off",
      }))}
      choices={choices}
      busy={busy}
      onChoice={choose}
      onCancel={props.onClose}
    />
  );
}
