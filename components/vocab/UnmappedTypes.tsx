// The Work item types page's bulk mapping: the source types the syncs found that map to no normalized type, with
// their work item counts; the admin ticks some (or all) and maps them to one type in a single PUT /app/etl/wits/mappings.
import { useEffect, useState } from "preact/hooks";
import { apiCall } from "../api.ts";
import { showToast } from "../ui/toasts.ts";

interface SourceType {
  id: number;
  name: string;
  workItems: number;
}

interface Props {
  integrationId: number;
  types: Array<{ id: number; name: string }>;
  onMapped: () => void;
}

export function UnmappedTypes(props: Props) {
  const [sources, setSources] = useState<SourceType[] | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [target, setTarget] = useState("");
  const [busy, setBusy] = useState(false);

  const load = async () => {
    const res = await apiCall<{ items: SourceType[] }>(
      `/app/etl/wits/sources?integrationId=${props.integrationId}&mapped=false&limit=200`,
    );
    if (res.ok) setSources(res.data.items);
    else showToast("error", res.error.message);
  };
  useEffect(() => void load(), [props.integrationId]);

  if (!sources?.length) return null;
  // the same name can come from several projects: one choice per name, as the mapping is by name
  const names = [...new Set(sources.map((s) => s.name))];
  const toggle = (name: string, on: boolean) =>
    setPicked((old) => {
      const next = new Set(old);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });

  const map = async () => {
    if (!picked.size || !target) return showToast("error", "Tick source types and choose the type they map to");
    setBusy(true);
    const res = await apiCall("/app/etl/wits/mappings", {
      method: "PUT",
      body: { integrationId: props.integrationId, sources: [...picked], witTypeId: Number(target) },
    });
    setBusy(false);
    if (!res.ok) return showToast("error", res.error.message);
    showToast("success", `${picked.size} source type${picked.size === 1 ? "" : "s"} mapped`);
    setPicked(new Set());
    await load();
    props.onMapped();
  };

  return (
    <section class="card space-y-3 px-4 py-3" id="unmapped-types" aria-labelledby="unmapped-title">
      <h3 id="unmapped-title" class="font-semibold">Unmapped source types ({names.length})</h3>
      <label class="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          id="unmapped-all"
          checked={picked.size === names.length}
          onChange={(e) => setPicked(new Set(e.currentTarget.checked ? names : []))}
        />
        All
      </label>
      <ul class="grid gap-1 text-sm sm:grid-cols-2">
        {names.map((name) => (
          <li key={name}>
            <label class="flex items-center gap-2">
              <input
                type="checkbox"
                data-source={name}
                checked={picked.has(name)}
                onChange={(e) => toggle(name, e.currentTarget.checked)}
              />
              {name}
              <span class="text-muted">
                {sources.filter((s) => s.name === name).reduce((n, s) => n + s.workItems, 0).toLocaleString("en-US")}
                {" "}
                work items
              </span>
            </label>
          </li>
        ))}
      </ul>
      <div class="flex flex-wrap items-center gap-2 text-sm">
        <label for="unmapped-target">Map to</label>
        <select
          id="unmapped-target"
          class="input w-auto"
          value={target}
          onChange={(e) => setTarget(e.currentTarget.value)}
        >
          <option value="">Choose…</option>
          {props.types.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
        <button type="button" class="btn btn-primary" id="map-unmapped" disabled={busy} onClick={map}>
          Map {picked.size || ""} selected
        </button>
      </div>
    </section>
  );
}
