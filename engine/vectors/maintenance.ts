// Vector work outside of runs, in the background with progress: re-embedding one kind (after a model change, on an
// operator's request, or at start for records still pending) and removing orphans. One task per tenant and kind at
// a time in this instance; progress goes to listeners (the server forwards it over the live WebSocket).
import type { Db } from "../../db/port.ts";
import { ident } from "../../db/port.ts";
import type { Embedder } from "./embedder.ts";
import { indexRecords } from "./indexer.ts";
import { RECORD_KINDS, recordKind } from "./kinds.ts";
import { collectionFor, type VectorStore } from "./store.ts";
import { log } from "../../lib/log.ts";
import type { EventBus } from "../events.ts";

export interface VectorProgress {
  tenantId: number;
  kind: string;
  task: "reembed" | "orphans";
  state: "running" | "finished" | "failed";
  done: number;
  total: number;
  /** Vectors written (re-embed) or removed (orphans) so far. */
  changed: number;
  error?: string;
  at: string;
}

const CHUNK = 256;
/** Advisory lock of the start-up back-fill, so several instances starting together do it once. */
const BACKFILL_LOCK = 0x51_1ce_061;

export class VectorMaintenance {
  readonly #tasks = new Map<string, VectorProgress>();
  readonly #listeners = new Set<(p: VectorProgress) => void>();
  readonly #running = new Set<Promise<unknown>>();
  #closed = false;

  constructor(private db: Db, private deps: { embedder: Embedder; vectorStore: VectorStore }) {}

  onProgress(listener: (p: VectorProgress) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tasks of a tenant running now or finished last (latest state each). */
  tasks(tenantId: number): VectorProgress[] {
    return [...this.#tasks.values()].filter((t) => t.tenantId === tenantId);
  }

  #emit(p: VectorProgress) {
    const state = { ...p, at: new Date().toISOString() };
    this.#tasks.set(`${p.tenantId}/${p.kind}`, state);
    for (const l of this.#listeners) {
      try {
        l(state);
      } catch (e) {
        log.warn("vector progress listener failed", { error: e });
      }
    }
  }

  #busy(tenantId: number, kind: string): boolean {
    return this.#tasks.get(`${tenantId}/${kind}`)?.state === "running";
  }

  /** Starts a background task; false when one already runs for this tenant and kind. */
  #start(tenantId: number, kind: string, task: VectorProgress["task"], fn: (p: VectorProgress) => Promise<void>) {
    if (this.#closed || this.#busy(tenantId, kind)) return false;
    const progress: VectorProgress = { tenantId, kind, task, state: "running", done: 0, total: 0, changed: 0, at: "" };
    this.#emit(progress);
    const work = fn(progress).then(
      () => this.#emit({ ...progress, state: "finished" }),
      (e) => {
        log.warn("vector task failed", { tenantId, kind, task, error: e });
        this.#emit({ ...progress, state: "failed", error: (e as Error).message });
      },
    ).finally(() => this.#running.delete(work));
    this.#running.add(work);
    return true;
  }

  /** Re-embeds a tenant's records of one kind (force: even unchanged text; otherwise only what is not current). */
  reembed(tenantId: number, kind: string, options: { force?: boolean } = {}): boolean {
    const k = recordKind(kind);
    if (!k) throw new Error(`unknown record kind ${kind}`);
    return this.#start(tenantId, kind, "reembed", async (p) => {
      const table = ident(kind);
      const [{ n }] = await this.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1 AND active`,
        [tenantId],
      );
      p.total = n;
      this.#emit(p);
      let after = 0;
      while (!this.#closed) {
        const rows = await this.db.query<{ id: number }>(
          `SELECT id FROM ${table} WHERE tenant_id = $1 AND active AND id > $2 ORDER BY id LIMIT ${CHUNK}`,
          [tenantId, after],
        );
        if (rows.length === 0) break;
        const ids = rows.map((r) => Number(r.id));
        const docs = await k.texts(this.db, tenantId, ids);
        const r = await indexRecords(this.db, this.deps, {
          tenantId,
          table: kind,
          ids,
          docs,
          integrationId: null,
          force: options.force,
        });
        after = ids[ids.length - 1];
        p.done += ids.length;
        p.changed += r.written;
        this.#emit(p);
      }
    });
  }

  /** Deletes the points and bridge rows of records that are gone or inactive, and points no bridge row names. */
  removeOrphans(tenantId: number, kind: string): boolean {
    if (!recordKind(kind)) throw new Error(`unknown record kind ${kind}`);
    return this.#start(tenantId, kind, "orphans", async (p) => {
      const table = ident(kind);
      const gone = (await this.db.query<{ record_id: number }>(
        `SELECT b.record_id FROM qdrant_vectors b WHERE b.tenant_id = $1 AND b.table_name = $2
           AND NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.id = b.record_id AND t.tenant_id = $1 AND t.active)
         ORDER BY b.record_id`,
        [tenantId, kind],
      )).map((r) => Number(r.record_id));
      p.total = gone.length;
      for (let i = 0; i < gone.length; i += CHUNK) {
        const ids = gone.slice(i, i + CHUNK);
        const r = await indexRecords(this.db, this.deps, { tenantId, table: kind, ids, docs: [], integrationId: null });
        p.done += ids.length;
        p.changed += r.deleted;
        this.#emit(p);
      }
      // points in the current collection that no bridge row names (e.g. written before a crash, bridge restored)
      const dims = await this.deps.embedder.ready();
      const collection = collectionFor(kind, this.deps.embedder.id, dims);
      if (!(await this.deps.vectorStore.collection(collection)).exists) return;
      for await (const page of this.deps.vectorStore.pointIds(collection, { tenantId })) {
        const known = new Set(
          (await this.db.query<{ id: string }>(
            `SELECT point_id::text AS id FROM qdrant_vectors
              WHERE tenant_id = $1 AND collection = $2 AND point_id = ANY($3::uuid[])`,
            [tenantId, collection, page],
          )).map((r) => r.id),
        );
        const unknown = page.filter((id) => !known.has(id));
        await this.deps.vectorStore.deletePoints(collection, unknown);
        p.changed += unknown.length;
        this.#emit(p);
      }
    });
  }

  /**
   * Embeds again the records whose batch failed for good (vector_failures): a later run does not bring back rows
   * it loaded unchanged, so without this they would stay without a current vector. Failures that fail again stay.
   */
  async retryFailures(tenantId: number): Promise<void> {
    const kinds = await this.db.query<{ table_name: string }>(
      "SELECT DISTINCT table_name FROM vector_failures WHERE tenant_id = $1",
      [tenantId],
    );
    for (const { table_name: kind } of kinds) {
      const k = recordKind(kind);
      if (!k) continue;
      this.#start(tenantId, kind, "reembed", async (p) => {
        const ids = (await this.db.query<{ record_id: number }>(
          "SELECT record_id FROM vector_failures WHERE tenant_id = $1 AND table_name = $2 ORDER BY record_id",
          [tenantId, kind],
        )).map((r) => Number(r.record_id));
        p.total = ids.length;
        for (let i = 0; i < ids.length; i += CHUNK) {
          const part = ids.slice(i, i + CHUNK);
          const docs = await k.texts(this.db, tenantId, part);
          const r = await indexRecords(this.db, this.deps, {
            tenantId,
            table: kind,
            ids: part,
            docs,
            integrationId: null,
          });
          p.done += part.length;
          p.changed += r.written;
          this.#emit(p);
        }
      });
    }
  }

  /** After every finished run, retry the tenant's failed records (the embedder may be back). */
  followRuns(events: EventBus): () => void {
    return events.on("run.finished", (e) => {
      this.retryFailures(e.tenantId).catch((err) => log.warn("retrying failed vectors failed", { error: err }));
    });
  }

  /**
   * At start: every tenant's records not embedded with the current model (a new model, lost vectors, the upgrade
   * of the vector layout) are embedded in the background. Returns the tasks started.
   */
  async backfillPending(): Promise<number> {
    const lock = await this.db.tryLeaderLock(BACKFILL_LOCK);
    if (!lock) return 0;
    let started = 0;
    try {
      const dims = await this.deps.embedder.ready();
      const tenants = await this.db.query<{ id: number }>("SELECT id FROM tenants ORDER BY id");
      for (const { id: tenantId } of tenants) {
        for (const k of RECORD_KINDS) {
          const collection = collectionFor(k.kind, this.deps.embedder.id, dims);
          const [pending] = await this.db.query(
            `SELECT 1 FROM ${ident(k.kind)} t WHERE t.tenant_id = $1 AND t.active AND NOT EXISTS (
               SELECT 1 FROM qdrant_vectors b WHERE b.tenant_id = $1 AND b.table_name = $2 AND b.record_id = t.id
                 AND b.collection = $3) LIMIT 1`,
            [tenantId, k.kind, collection],
          );
          if (pending && this.reembed(tenantId, k.kind)) started++;
        }
      }
      await this.idle();
    } finally {
      await lock.release();
    }
    return started;
  }

  /** Resolves when no task runs. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.idle();
  }
}
