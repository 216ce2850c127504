// What the jobs API and the home page show, kept in memory per tenant. Reading and shaping the job cards (and
// rendering the home page around them) was nearly all of those requests' cost, and on the embedded database it ran
// on the server's own thread, so every view held up every other request. Entries live until their tenant changes:
// a trigger on jobs, runs, stages and integrations (migration 0091) notifies channel `sluice_job_views` with the
// tenant id on every write, from any instance, the engine, the CLI or plain SQL; this process's own API writes drop
// the tenant synchronously as well (dropTenantViews), so a change made through the API is never outrun by its
// notification. A time limit bounds staleness if a notification is ever lost (a reconnecting LISTEN connection).
// Until the subscription is confirmed, nothing is cached.
//
// A load that overlaps a change does not store what it read (generations), and concurrent misses of one entry share
// one load — except across a change, so a request arriving after a write never joins a read that began before it.
import type { Db, Queryable } from "../../db/port.ts";
import { log } from "../../lib/log.ts";
import { perDatabase } from "../../db/per_database.ts";

export const JOB_VIEWS_CHANNEL = "sluice_job_views";
/** Upper bound on how long an entry is trusted without a notification. */
export const VIEW_TTL_MS = 10_000;
const MAX_ENTRIES = 2_000;

interface Entry {
  value: unknown;
  at: number;
  tenantId: number;
}

export class TenantViews {
  #entries = new Map<string, Entry>();
  #loading = new Map<string, Promise<unknown>>();
  /** Per tenant, bumped by every change of it; `#all` is bumped when everything is dropped. */
  #generations = new Map<number, number>();
  #all = 0;
  #ready = false;
  /** Resolves once changes are followed (true) or cannot be (false); until then every get loads. */
  readonly subscribed: Promise<boolean>;

  constructor(db: Db) {
    this.subscribed = db.listen(JOB_VIEWS_CHANNEL, (payload) => this.#changed(payload)).then(
      () => (this.#ready = true),
      (e) => {
        log.warn("job changes cannot be followed; job views are read on every request", { error: String(e) });
        return false;
      },
    );
  }

  /** The tenant's entry `key`, from memory when it is current, else from `load` (stored unless a change overlapped). */
  get<T>(tenantId: number, key: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
    const id = `${tenantId}\u0000${key}`;
    const hit = this.#entries.get(id);
    if (hit && now - hit.at < VIEW_TTL_MS) return Promise.resolve(hit.value as T);
    const generation = this.#generation(tenantId);
    const flight = `${generation}\u0000${id}`;
    const pending = this.#loading.get(flight);
    if (pending) return pending as Promise<T>;
    const started = load().then((value) => {
      if (this.#ready && generation === this.#generation(tenantId)) {
        if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
        this.#entries.delete(id); // re-inserted last, so eviction drops the oldest first
        this.#entries.set(id, { value, at: now, tenantId });
      }
      return value;
    }).finally(() => this.#loading.delete(flight));
    this.#loading.set(flight, started);
    return started;
  }

  /** Drops one tenant's entries, or all of them. */
  drop(tenantId?: number) {
    if (tenantId === undefined) {
      this.#all++;
      this.#entries.clear();
      return;
    }
    this.#generations.set(tenantId, (this.#generations.get(tenantId) ?? 0) + 1);
    for (const [id, entry] of this.#entries) if (entry.tenantId === tenantId) this.#entries.delete(id);
  }

  #generation(tenantId: number): string {
    return `${this.#all}.${this.#generations.get(tenantId) ?? 0}`;
  }

  #changed(payload: string) {
    const tenantId = Number(payload);
    this.drop(Number.isSafeInteger(tenantId) ? tenantId : undefined);
  }
}

const caches = perDatabase((db) => new TenantViews(db));

/** The view cache of a database (created, and subscribed to changes, on first use). */
export function tenantViews(db: Db): TenantViews {
  return caches.of(db);
}

/** Drops a tenant's views right after this process changed its data (no-op for an uncached db). */
export function dropTenantViews(db: Queryable, tenantId: number) {
  caches.existing(db)?.drop(tenantId);
}
