// A minimal stand-in for the engine, for connector tests only: runs the steps in order, iterates each step's
// extract pages and commits every page (raw row + load + checkpoint) in one db.transaction, the way the engine's
// extract and transform stages do together. It can stop after N committed pages of a step (a crash right after a
// commit) and resume from the checkpoints it returned. It is not a second engine: no queue, no counters, no runs.
import type { Db } from "../../db/port.ts";
import type { Connector, RunInfo } from "../../engine/connector.ts";
import { jiraConnector } from "../../engine/connectors/jira/connector.ts";
import { OPEN_ADDRESSES } from "../../engine/http/address_guard.ts";
import { createDriverRun } from "../support/runs.ts";

export interface SyncOptions {
  db: Db;
  tenantId: number;
  integrationId: number;
  credentials: unknown;
  connector?: Connector;
  windowFrom?: Date | null;
  windowTo?: Date;
  /** Resume state from an earlier (stopped) sync. */
  resume?: SyncState;
  /** Simulated crash: stop right after committing this many pages of this step. */
  stopAfter?: { step: string; pages: number };
  /** Only these steps (default: all, in order). */
  steps?: string[];
  /** Return (stopped, with `error`) instead of throwing when a step fails — to resume like the engine would. */
  catchErrors?: boolean;
}

export interface SyncState {
  /** The run the pages belong to (raw rows carry its id). */
  run: RunInfo;
  checkpoints: Map<string, unknown>;
  completed: Set<string>;
}

export interface SyncResult extends SyncState {
  requests: number;
  pages: number;
  records: number;
  rows: number;
  stopped: boolean;
  /** Rows the loads asked to embed, by table. */
  embed: Map<string, Set<number>>;
  kinds: string[];
  error?: unknown;
  recordsByKind: Map<string, number>;
  /** Per committed page: its step, kind, record count and the step's record estimate it stated (if any). */
  pageLog: Array<{ step: string; kind: string; records: number; expectedRecords?: number }>;
}

export async function runSync(options: SyncOptions): Promise<SyncResult> {
  const connector = options.connector ?? jiraConnector;
  const { db } = options;
  const [integration] = await db.query<
    { base_url: string | null; settings: Record<string, unknown>; provider: string }
  >(
    "SELECT base_url, settings, provider FROM integrations WHERE tenant_id = $1 AND id = $2",
    [options.tenantId, options.integrationId],
  );
  // a real run (resumed: the same one), so steps that read this run's earlier raw pages (census, sprints) find them
  const run: RunInfo = options.resume ? { ...options.resume.run, trigger: "resume" } : await createDriverRun(db, {
    tenantId: options.tenantId,
    integrationId: options.integrationId,
    windowFrom: options.windowFrom,
    windowTo: options.windowTo,
  });
  const info = {
    id: options.integrationId,
    provider: integration.provider,
    baseUrl: integration.base_url,
    settings: integration.settings,
  };
  const result: SyncResult = {
    run,
    checkpoints: new Map(options.resume?.checkpoints ?? []),
    completed: new Set(options.resume?.completed ?? []),
    requests: 0,
    pages: 0,
    records: 0,
    rows: 0,
    stopped: false,
    embed: new Map(),
    kinds: [],
    recordsByKind: new Map(),
    pageLog: [],
  };
  const controller = new AbortController();
  const steps = [...connector.steps].sort((a, b) => a.order - b.order).map((s) => s.key)
    .filter((k) => !options.steps || options.steps.includes(k));
  try {
    await runSteps(steps);
  } catch (error) {
    if (!options.catchErrors) throw error;
    result.stopped = true;
    result.error = error;
  }
  return result;

  async function runSteps(steps: string[]) {
    for (const step of steps) {
      if (result.completed.has(step)) continue;
      let stepPages = 0;
      const pages = connector.extract(step, {
        run,
        integration: { ...info, credentials: options.credentials },
        db,
        checkpoint: result.checkpoints.get(step) ?? null,
        signal: controller.signal,
        beforeRequest: () => {
          result.requests++;
          return Promise.resolve();
        },
        addressGuard: OPEN_ADDRESSES, // the fake Jira listens on loopback
      });
      for await (const page of pages) {
        const loaded = await db.transaction(async (tx) => {
          await tx.query(
            `INSERT INTO raw_extraction_data
                    (tenant_id, integration_id, step, kind, external_id, record_count, payload, run_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
            [
              options.tenantId,
              options.integrationId,
              step,
              page.kind,
              page.externalId ?? null,
              page.records.length,
              JSON.stringify(page.records),
              run.runId,
            ],
          );
          return await connector.load(step, page.kind, page.records, { run, integration: info, tx });
        });
        result.checkpoints.set(step, page.checkpoint);
        result.pages++;
        result.records += page.records.length;
        result.rows += loaded.rows;
        result.kinds.push(page.kind);
        result.pageLog.push({
          step,
          kind: page.kind,
          records: page.records.length,
          expectedRecords: page.expectedRecords,
        });
        result.recordsByKind.set(page.kind, (result.recordsByKind.get(page.kind) ?? 0) + page.records.length);
        for (const e of loaded.embed ?? []) {
          const set = result.embed.get(e.table) ?? new Set<number>();
          for (const id of e.ids) set.add(id);
          result.embed.set(e.table, set);
        }
        stepPages++;
        if (options.stopAfter?.step === step && stepPages >= options.stopAfter.pages) {
          result.stopped = true;
          return;
        }
      }
      // what the engine does in the transaction that advances past the step
      if (connector.afterStep) {
        const derived = await db.transaction((tx) => connector.afterStep!(step, { run, integration: info, tx }));
        result.rows += derived.rows;
      }
      result.completed.add(step);
    }
  }
}
