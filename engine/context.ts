// What every engine part shares: ports, options, clock, the event bus, and a publisher that puts messages inside
// the caller's transaction when the queue adapter can (the database queue) and after the commit otherwise.
import type { Db, Queryable } from "../db/port.ts";
import type { Queue, StageName } from "./queue/port.ts";
import type { Connector } from "./connector.ts";
import type { ConnectorRegistry } from "./connectors/registry.ts";
import { EventBus, RateTracker } from "./events.ts";
import type { Embedder } from "./vectors/embedder.ts";
import type { VectorStore } from "./vectors/store.ts";
import type { SourceAddressGuard } from "./http/address_guard.ts";

export interface EngineOptions {
  /** Names this instance in etl_runs.owner (default host:pid:random). */
  owner?: string;
  /** Engine clock (default the system clock); every timestamp the engine writes comes from it. */
  now?: () => Date;
  /** Handlers per stage in this process (defaults extract 2, transform 4, embed 2). */
  concurrency?: Partial<Record<StageName, number>>;
  /** Deliveries held per stage consumer (default 2 × concurrency). */
  prefetch?: Partial<Record<StageName, number>>;
  /** One extract message handles at most this many pages (default 20)… */
  chunkPages?: number;
  /** …or this long (default 15 s), then hands the rest of the step to a continuation message. */
  chunkMs?: number;
  /** Raw rows per re-transform chunk (default 500). */
  replayChunk?: number;
  /** A RUNNING run with no heartbeat or commit for this long is taken over by the leader (default 3 min). */
  staleAfterMs?: number;
  /** Advisory lock key of the orchestrator leader. */
  leaderKey?: number;
  /** Raw pages older than this many days that a re-transform no longer needs are pruned hourly (default 14; null: never). */
  rawRetentionDays?: number | null;
  /** Deno.cron name (default "sluice-orchestrator"). */
  cronName?: string;
  /** Opens sealed integration credentials for extract (server/secrets.ts); absent → credentials are null. */
  openCredentials?: (tenantId: number, sealed: string) => Promise<unknown>;
  embedder?: Embedder;
  vectorStore?: VectorStore;
  /**
   * Which addresses connectors may reach (engine/http/address_guard.ts). Default: public addresses only; the server
   * passes the operator's policy, tests and benches with local fakes pass OPEN_ADDRESSES.
   */
  addressGuard?: SourceAddressGuard;
}

export interface ResolvedOptions {
  concurrency: Record<StageName, number>;
  prefetch: Record<StageName, number>;
  chunkPages: number;
  chunkMs: number;
  replayChunk: number;
  staleAfterMs: number;
  leaderKey: number;
  cronName: string;
  rawRetentionDays: number | null;
}

export const DEFAULT_LEADER_KEY = 0x51_1ce_0e0;

export function resolveOptions(o: EngineOptions): ResolvedOptions {
  const concurrency = { extract: 2, transform: 4, embed: 2, ...o.concurrency };
  const prefetch = {
    extract: concurrency.extract * 2,
    transform: concurrency.transform * 2,
    embed: concurrency.embed * 2,
    ...o.prefetch,
  };
  return {
    concurrency,
    prefetch,
    chunkPages: positive("chunkPages", o.chunkPages ?? 20),
    chunkMs: positive("chunkMs", o.chunkMs ?? 15_000),
    replayChunk: positive("replayChunk", o.replayChunk ?? 500),
    staleAfterMs: positive("staleAfterMs", o.staleAfterMs ?? 180_000),
    leaderKey: o.leaderKey ?? DEFAULT_LEADER_KEY,
    cronName: o.cronName ?? "sluice-orchestrator",
    rawRetentionDays: o.rawRetentionDays === null ? null : positive("rawRetentionDays", o.rawRetentionDays ?? 14),
  };
}

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`engine option ${name} must be a positive number, got ${v}`);
  return v;
}

interface TransactionalQueue {
  publishTx(tx: Queryable, stage: StageName, messages: object[]): Promise<void>;
}

export class Publisher {
  readonly #txQueue: TransactionalQueue | undefined;
  constructor(readonly queue: Queue) {
    const candidate = queue as unknown as Partial<TransactionalQueue>;
    this.#txQueue = typeof candidate.publishTx === "function" ? (queue as unknown as TransactionalQueue) : undefined;
  }

  /** True when messages can commit with the data (no outbox gap). */
  get transactional(): boolean {
    return this.#txQueue !== undefined;
  }

  /** Publishes inside `tx` when the adapter can; false means the caller must publish after its commit. */
  async inTx(tx: Queryable, stage: StageName, messages: object[]): Promise<boolean> {
    if (!this.#txQueue) return false;
    if (messages.length > 0) await this.#txQueue.publishTx(tx, stage, messages);
    return true;
  }

  async publish(stage: StageName, messages: object[]): Promise<void> {
    if (messages.length > 0) await this.queue.publish(stage, messages);
  }
}

export interface EngineContext {
  db: Db;
  queue: Queue;
  publisher: Publisher;
  connectors: ConnectorRegistry;
  events: EventBus;
  rates: RateTracker;
  opts: ResolvedOptions;
  owner: string;
  now(): Date;
  embedder: Embedder;
  vectorStore: VectorStore;
  openCredentials?: (tenantId: number, sealed: string) => Promise<unknown>;
  addressGuard: SourceAddressGuard;
  /** Counts of messages dropped by fencing, per stage (also logged). */
  dropped: Record<StageName, number>;
}

export function connectorOf(ctx: EngineContext, type: string): Connector {
  return ctx.connectors.require(type);
}
