// The Integrations page: one row per integration (logo, name, provider, base URL, on/off, last connection test,
// the jobs that read from it, last successful sync) with Test, Edit, Logo, Custom fields and Delete. Rendered
// complete by the server; the dialogs (create/edit forms, logo picker, dependency choices) load on demand. Admins
// change things; users and viewers see the same page with the controls disabled and the reason written out.
import { useState } from "preact/hooks";
import { apiCall } from "../components/api.ts";
import { showToast } from "../components/ui/toasts.ts";
import { formatRelative } from "../components/format.ts";
import { useNow } from "../components/ui/clock.ts";
import { IntegrationLogo } from "../components/IntegrationLogo.tsx";
import { ReasonNote } from "../components/ui/Reason.tsx";
import { onDemand, withChunk } from "../components/ui/on_demand.ts";
import { TestResult } from "../components/integrations/TestResult.tsx";
import {
  type IntegrationRowData,
  mergeRow,
  type ProviderSummary,
  type TestAnswer,
} from "../components/integrations/types.ts";
import type { Role } from "../components/jobs/types.ts";
import type { Dialog } from "../components/integrations/on_demand.tsx";

type OnDemand = typeof import("../components/integrations/on_demand.tsx");
const loadChunk = onDemand<OnDemand>(() => import("../components/integrations/on_demand.tsx"));

const READ_ONLY = "Only administrators add or change integrations.";

export default function IntegrationsPanel(
  props: { initial: IntegrationRowData[]; providers: ProviderSummary[]; role: Role },
) {
  const [rows, setRows] = useState(props.initial);
  const [busy, setBusy] = useState<string | null>(null);
  const [dialog, setDialogState] = useState<Dialog | null>(null);
  const [ui, setUi] = useState<OnDemand | null>(null);
  const [tests, setTests] = useState<Record<number, TestAnswer>>({});
  const now = useNow();
  const admin = props.role === "admin";

  const open = async (d: Dialog | null) => {
    if (!d) return setDialogState(null);
    await withChunk(loadChunk, (chunk) => {
      setUi(chunk);
      setDialogState(d);
    });
  };
  const update = (id: number, view: Record<string, unknown>) =>
    setRows((all) => all.map((r) => (r.id === id ? mergeRow(r, view) : r)));

  const test = async (row: IntegrationRowData) => {
    setBusy(`test-${row.id}`);
    const res = await apiCall<TestAnswer>(`/app/etl/integrations/${row.id}/test`, { body: {} });
    setBusy(null);
    const answer: TestAnswer = res.ok ? res.data : { ok: false, error: res.error.message };
    setTests((t) => ({ ...t, [row.id]: answer }));
    if (res.ok) {
      update(row.id, {
        lastTest: {
          at: new Date().toISOString(),
          ok: answer.ok,
          message: answer.ok ? "Connected" : answer.error ?? "failed",
          latencyMs: answer.latencyMs ?? null,
        },
      });
    }
  };

  const toggle = async (row: IntegrationRowData) => {
    setBusy(`toggle-${row.id}`);
    const res = await apiCall<Record<string, unknown>>(`/app/etl/integrations/${row.id}/toggle`, {
      body: { active: !row.active },
    });
    setBusy(null);
    if (res.ok) {
      update(row.id, res.data);
      return showToast("success", `${row.name} turned ${row.active ? "off" : "on"}`);
    }
    if (res.error.code === "integration_in_use") return open({ kind: "deactivate", row });
    showToast("error", `${row.name} not turned ${row.active ? "off" : "on"}: ${res.error.message}`);
  };

  return (
    <div class="space-y-5" id="integrations">
      <div class="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 class="text-xl font-semibold">Integrations</h2>
          <p class="text-sm text-muted">The sources Sluice reads from, with their credentials and connection state.</p>
        </div>
        <div class="text-right">
          <button
            type="button"
            class="btn btn-primary"
            id="new-integration"
            disabled={!admin}
            aria-describedby={admin ? undefined : "read-only-reason"}
            onClick={() => open({ kind: "pick" })}
          >
            New integration
          </button>
          {!admin && <ReasonNote id="read-only-reason" text={READ_ONLY} class="mt-1" />}
        </div>
      </div>

      {rows.length === 0 && (
        <div class="card p-6 text-sm" id="integrations-empty">
          <p class="font-semibold">No integrations yet.</p>
          <p class="mt-1 text-muted">
            Start with “New integration”: pick Jira or GitHub, enter its address and credentials and test the
            connection. Its job then appears on the Home page, where you switch it on.
          </p>
        </div>
      )}

      <ul class="space-y-3" aria-label="Integrations">
        {rows.map((row) => (
          <li key={row.id} class="card integration-row" data-integration={row.name}>
            <div class="integration-id">
              <IntegrationLogo logo={row.logo} name={row.name} size={40} />
              <div class="min-w-0">
                <h3 class="font-semibold">{row.name}</h3>
                <p class="text-xs text-muted">{row.providerTitle}</p>
                {row.hasConnector === false && <p class="text-xs text-muted">No connector yet: its job cannot run.</p>}
                <p class="truncate text-xs text-muted" title={row.baseUrl ?? ""}>{row.baseUrl ?? "No base URL set"}</p>
              </div>
            </div>
            <dl class="integration-facts">
              <div>
                <dt>Last test</dt>
                <dd data-last-test={row.lastTest ? (row.lastTest.ok ? "ok" : "failed") : "never"}>
                  {row.lastTest
                    ? (
                      <span class={row.lastTest.ok ? "text-ok" : "text-bad"} title={row.lastTest.message}>
                        {row.lastTest.ok ? "OK" : "Failed"}
                        {row.lastTest.latencyMs !== null && ` · ${row.lastTest.latencyMs} ms`} ·{" "}
                        {formatRelative(row.lastTest.at, now)}
                      </span>
                    )
                    : "Never"}
                </dd>
              </div>
              <div>
                <dt>Jobs</dt>
                <dd>
                  {row.jobs.length
                    ? row.jobs.map((j) => (
                      <a key={j.id} href="/" class="mr-2 underline underline-offset-2" data-job={j.name}>
                        {j.name} ({j.status === "RUNNING" ? "running" : j.active ? "on" : "off"})
                      </a>
                    ))
                    : "None"}
                </dd>
              </div>
              <div>
                <dt>Last sync</dt>
                <dd>{formatRelative(row.lastSuccessAt, now)}</dd>
              </div>
            </dl>
            <div class="integration-actions">
              {row.testable && (
                <button
                  type="button"
                  class="btn"
                  disabled={!admin || busy !== null || !row.hasCredentials}
                  aria-describedby={!admin ? "read-only-reason" : !row.hasCredentials ? `nocreds-${row.id}` : undefined}
                  onClick={() => test(row)}
                  data-action="test"
                >
                  {busy === `test-${row.id}` ? "Testing…" : "Test"}
                </button>
              )}
              <button
                type="button"
                class="btn"
                onClick={() => open({ kind: "edit", row })}
                disabled={!admin}
                aria-describedby={admin ? undefined : "read-only-reason"}
                data-action="edit"
              >
                Edit
              </button>
              {row.provider === "jira" && <a class="btn" href={`/integrations/${row.id}/fields`}>Custom fields</a>}
              {admin && (
                <button
                  type="button"
                  class="btn"
                  onClick={() => open({ kind: "logo", row })}
                  data-action="logo"
                >
                  Logo
                </button>
              )}
              {admin && (
                <button
                  type="button"
                  class="btn"
                  onClick={() => open({ kind: "remove", row })}
                  data-action="delete"
                >
                  Delete
                </button>
              )}
              <button
                type="button"
                role="switch"
                class="switch"
                aria-checked={row.active}
                aria-label={`${row.name} on/off`}
                aria-describedby={admin ? undefined : "read-only-reason"}
                disabled={!admin || busy !== null}
                onClick={() => toggle(row)}
              />
            </div>
            {row.testable && !row.hasCredentials && (
              <ReasonNote id={`nocreds-${row.id}`} text="No credentials stored yet: add them with Edit to test." />
            )}
            {tests[row.id] && <TestResult answer={tests[row.id]} id={`test-result-${row.id}`} />}
          </li>
        ))}
      </ul>

      {ui && dialog && (
        <ui.IntegrationDialogs
          dialog={dialog}
          providers={props.providers}
          onClose={() => open(null)}
          onOpen={open}
          onChanged={(id, view) => update(id, view)}
          onRemoved={(id) => setRows((all) => all.filter((r) => r.id !== id))}
        />
      )}
    </div>
  );
}
