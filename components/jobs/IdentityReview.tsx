// The AD job's details dialog: Jira and GitHub identities with the directory person each is linked to, unlinked
// ones first, paged and searched on the server (GET /app/etl/directory/identities) so a large directory never
// reaches the browser. Admins link an identity to a person by hand (the person found by a server search) and remove
// a manual link (automatic matching decides again); users and viewers only read. Part of the details chunk, which
// is loaded on demand, so none of this is in the home page's first load.
import { useEffect, useState } from "preact/hooks";
import { apiCall } from "../api.ts";
import { showToast } from "../ui/toasts.ts";
import { Combobox, type ComboOption } from "../ui/Combobox.tsx";
import { type Column, PagedTable } from "../ui/list/PagedTable.tsx";
import { usePagedList } from "../ui/list/usePagedList.ts";
import type { Page } from "../ui/list/list_query.ts";

interface DirectoryPerson {
  id: number;
  displayName: string | null;
  mail: string | null;
  userPrincipalName: string | null;
  department: string | null;
  jobTitle: string | null;
}

export interface ReviewIdentity {
  id: number;
  provider: string;
  externalId: string;
  displayName: string | null;
  email: string | null;
  method: "mail" | "upn" | "manual" | null;
  person: DirectoryPerson | null;
}

const ENDPOINT = "/app/etl/directory";
const LIMIT = 10;
const PROVIDER = { jira: "Jira", github: "GitHub" } as Record<string, string>;
const HOW = { mail: "by e-mail", upn: "by user principal name", manual: "by hand" } as const;
const STATUS_FILTER = {
  key: "status",
  label: "Show",
  options: [
    { value: "unlinked", label: "To review (unlinked)" },
    { value: "linked", label: "Linked" },
    { value: "manual", label: "Set by hand" },
  ],
};

const personLabel = (p: DirectoryPerson) => p.displayName ?? p.mail ?? p.userPrincipalName ?? `#${p.id}`;

async function searchPeople(q: string): Promise<ComboOption[]> {
  const res = await apiCall<Page<DirectoryPerson>>(`${ENDPOINT}/people?${new URLSearchParams({ q, limit: "8" })}`);
  if (!res.ok) return [];
  return res.data.items.map((p) => ({
    value: String(p.id),
    label: personLabel(p),
    hint: [p.mail ?? p.userPrincipalName, p.department].filter(Boolean).join(" · "),
  }));
}

export function IdentityReview(props: { canLink: boolean }) {
  const list = usePagedList<ReviewIdentity>(
    `${ENDPOINT}/identities`,
    {
      params: { q: "", limit: LIMIT, offset: 0, filters: { status: "unlinked" } },
      page: { items: [], total: 0, limit: LIMIT, offset: 0 },
    },
    { defaultLimit: LIMIT, mirrorUrl: false, debounceMs: 200 },
  );
  // the link editor sits under the table, not in its row: the table scrolls sideways, which would clip the list
  // of people the combobox opens
  const [editing, setEditing] = useState<ReviewIdentity | null>(null);
  useEffect(() => list.reload(), []);

  const changed = (message: string) => {
    setEditing(null);
    showToast("success", message);
    list.reload();
  };
  const columns: Column<ReviewIdentity>[] = [
    {
      key: "identity",
      label: "Identity",
      render: (i) => (
        <div>
          <p class="font-medium">{i.displayName ?? i.externalId}</p>
          <p class="text-xs text-muted">{PROVIDER[i.provider] ?? i.provider} · {i.email ?? "no e-mail"}</p>
        </div>
      ),
    },
    {
      key: "person",
      label: "Directory person",
      render: (i) => <PersonCell identity={i} />,
    },
  ];
  if (props.canLink) {
    columns.push({
      key: "actions",
      label: "Actions",
      class: "text-right whitespace-nowrap",
      render: (i) => <RowActions identity={i} editing={editing?.id === i.id} onEdit={setEditing} onDone={changed} />,
    });
  }
  return (
    <div class="space-y-3">
      <PagedTable
        id="identity-review"
        label="Jira and GitHub identities"
        list={list}
        columns={columns}
        rowKey={(i) => i.id}
        filters={[STATUS_FILTER]}
        searchLabel="Search identities"
        empty={list.params.filters.status === "unlinked" ? "Every identity is linked or decided." : undefined}
      />
      {editing && <LinkEditor key={editing.id} identity={editing} onDone={changed} onCancel={() => setEditing(null)} />}
    </div>
  );
}

function PersonCell({ identity: i }: { identity: ReviewIdentity }) {
  if (i.person) {
    return (
      <div data-linked={i.method ?? ""}>
        <p>{personLabel(i.person)}</p>
        <p class="text-xs text-muted">
          {[i.person.department, i.person.jobTitle].filter(Boolean).join(" · ")} · {i.method ? HOW[i.method] : ""}
        </p>
      </div>
    );
  }
  return <p class="text-muted">{i.method === "manual" ? "No directory person (set by hand)" : "Not linked"}</p>;
}

function RowActions(
  props: {
    identity: ReviewIdentity;
    editing: boolean;
    onEdit: (identity: ReviewIdentity) => void;
    onDone: (message: string) => void;
  },
) {
  const [busy, setBusy] = useState(false);
  const i = props.identity;
  const unlink = async () => {
    setBusy(true);
    const res = await apiCall<ReviewIdentity>(`${ENDPOINT}/identities/${i.id}/link`, { method: "DELETE" });
    setBusy(false);
    if (res.ok) props.onDone(`${i.displayName ?? i.externalId}: manual link removed`);
    else showToast("error", res.error.message);
  };
  return (
    <span class="inline-flex gap-2">
      <button
        type="button"
        class="btn"
        disabled={props.editing}
        onClick={() => props.onEdit(i)}
        aria-label={`Link ${i.externalId}`}
      >
        {i.person ? "Change" : "Link"}
      </button>
      {i.method === "manual" && (
        <button type="button" class="btn" disabled={busy} onClick={unlink} aria-label={`Unlink ${i.externalId}`}>
          Unlink
        </button>
      )}
    </span>
  );
}

function LinkEditor(
  props: { identity: ReviewIdentity; onDone: (message: string) => void; onCancel: () => void },
) {
  const i = props.identity;
  const [choice, setChoice] = useState<ComboOption | null>(
    i.person ? { value: String(i.person.id), label: personLabel(i.person) } : null,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setBusy(true);
    const res = await apiCall<ReviewIdentity>(`${ENDPOINT}/identities/${i.id}/link`, {
      method: "PUT",
      body: { personId: choice ? Number(choice.value) : null },
    });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    const who = res.data.person ? personLabel(res.data.person) : "no directory person";
    props.onDone(`${i.displayName ?? i.externalId} linked to ${who}`);
  };
  const id = `link-${i.id}`;
  return (
    <div class="space-y-2 rounded-lg border border-line bg-sunken p-3" data-link-editor>
      <label for={id} class="block text-sm font-medium">
        Directory person for {i.displayName ?? i.externalId}{" "}
        <span class="text-muted">({PROVIDER[i.provider] ?? i.provider} · {i.email ?? "no e-mail"})</span>
      </label>
      <Combobox
        id={id}
        value={choice}
        search={searchPeople}
        onChange={setChoice}
        clearLabel="— No directory person —"
        describedBy={error ? `${id}-error` : undefined}
      />
      {error && <p id={`${id}-error`} role="alert" class="field-error">{error}</p>}
      <span class="flex gap-2">
        <button type="button" class="btn btn-primary" disabled={busy} onClick={save}>Save link</button>
        <button type="button" class="btn" onClick={props.onCancel}>Cancel</button>
      </span>
    </div>
  );
}
