// The contract between the engine and a source connector (Jira, GitHub, the synthetic test source, …).
// The engine owns runs, queues, counters, checkpoints and fencing; a connector only knows how to read pages from
// its source, how to load a batch of records (idempotently, inside the engine's transaction) and what text to embed.
import type { Db, Queryable } from "../db/port.ts";
import type { SourceAddressGuard } from "./http/address_guard.ts";

export interface StepDef {
  key: string;
  name: string;
  order: number;
}

export type RunTrigger = "manual" | "schedule" | "recovery" | "retransform" | "resume" | "backfill";

export interface RunInfo {
  runId: number;
  token: string;
  tenantId: number;
  jobId: number;
  integrationId: number;
  trigger: RunTrigger;
  /** watermark − overlap; null on the first run (full sync). */
  windowFrom: Date | null;
  /** the run's start time (exclusive upper bound; becomes the next watermark on success). */
  windowTo: Date;
  /** What a special run was started with (a back-fill: `{fields: [...]}`); null for ordinary runs. */
  params?: Record<string, unknown> | null;
}

export interface IntegrationInfo {
  id: number;
  provider: string;
  baseUrl: string | null;
  settings: Record<string, unknown>;
  /** Decrypted credentials; only ever handed to extract, never logged. */
  credentials: unknown | null;
}

export interface ExtractContext {
  run: RunInfo;
  integration: IntegrationInfo;
  /** Read access to what earlier steps loaded (e.g. which issues have development info). */
  db: Db;
  /** Where the previous chunk of this step stopped (null = start of the step). */
  checkpoint: unknown | null;
  signal: AbortSignal;
  /**
   * Counts one source API request (etl_runs.requests_made) durably: awaited right BEFORE each request is sent
   * (SourceHttpClientOptions.beforeSend), never after, so a crash while it is in flight cannot lose it.
   */
  beforeRequest(): Promise<void>;
  /** The addresses this instance lets a source reach: every source client of the step must use it. */
  addressGuard: SourceAddressGuard;
}

export interface ExtractedPage {
  /** raw_extraction_data.kind, e.g. "jira_issues". */
  kind: string;
  /** One source page: the unit of a transform message (typically 50–1,000 records). */
  records: unknown[];
  /**
   * Resume position after this page; persisted in the same transaction as the raw row. It must be able to say
   * "nothing left" (e.g. `{cursor: null, done: true}`): a run that crashes right after the last page resumes
   * with that checkpoint, and extract must then yield nothing rather than start the step over.
   */
  checkpoint: unknown;
  externalId?: string;
  /**
   * The source's own estimate of how many records the whole step will yield (Jira's approximate count for the JQL,
   * GitHub's totalCount), when it can say; progress shows records done of this. Later pages may revise it.
   */
  expectedRecords?: number;
}

export interface LoadContext {
  run: RunInfo;
  integration: Omit<IntegrationInfo, "credentials">;
  /** The transaction that also advances the stage's done counter: all writes go through it. */
  tx: Queryable;
}

export interface LoadResult {
  /** Rows inserted or changed (etl_runs.rows_written). */
  rows: number;
  /** What the embed stage should vectorise. */
  embed?: Array<{ table: string; ids: number[] }>;
}

/**
 * A load that cannot accept some records (invalid shape, a reference that cannot be resolved). The engine retries
 * the batch, and after the queue's last attempt fails the run with these ids in etl_runs.error_details.
 */
export class RecordLoadError extends Error {
  override name = "RecordLoadError";
  constructor(message: string, readonly recordIds: string[], options?: ErrorOptions) {
    super(message, options);
  }
}

export interface EmbedDoc {
  table: string;
  id: number;
  text: string;
  /** The record's integration (payload filter); defaults to the run's integration. */
  integrationId?: number;
}

export interface Connector {
  /** Matches etl_jobs.job_type. */
  type: string;
  steps: StepDef[];
  /** Pages of one step, resuming after ctx.checkpoint. Throw RateLimitedError (engine/http) to park the run. */
  extract(step: string, ctx: ExtractContext): AsyncIterable<ExtractedPage>;
  /** Transform + load one page. Must be idempotent: a redelivered page changes no row. */
  load(step: string, kind: string, records: unknown[], ctx: LoadContext): Promise<LoadResult>;
  /**
   * Called once every page of a step is loaded, inside the transaction that moves the run past the step (to the
   * next step, or to FINISHED after the last one): values derived from what the step stored as a whole (e.g. flow
   * metrics from the complete history) are computed here, so no batch order, redelivery or replay can change them
   * and a run that fails part-way never publishes them half-done. Must be idempotent; `tx` is the only connection.
   */
  afterStep?(step: string, ctx: LoadContext): Promise<LoadResult>;
  /** Text for rows this connector loaded, for the embed stage. */
  embedText(table: string, ids: number[], db: Queryable, tenantId: number): Promise<EmbedDoc[]>;
}
