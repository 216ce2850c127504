// Re-runs transform + load of an integration from the raw pages already stored (raw_extraction_data), without a
// single API call: after an operator changes a status/type mapping, the workflow or the custom-field mapping, work
// items, changelog timings, flow metrics and custom-field columns are recomputed from what Jira returned. Pages are
// replayed step by step in the order they were extracted (later pages win), each in its own transaction.
import type { Db } from "../../../db/port.ts";
import type { Connector, RunInfo } from "../../connector.ts";
import { jiraConnector } from "./connector.ts";
import { resolveStatusMappings, resolveWitMappings } from "./load/references.ts";

export interface RetransformOptions {
  tenantId: number;
  integrationId: number;
  connector?: Connector;
  /** Run the replay belongs to (the engine's "retransform" run), for the load context. */
  run?: Partial<RunInfo>;
  /** Raw rows fetched per query (payloads can be large; keeps memory flat). */
  fetchSize?: number;
  onPage?: (info: { step: string; kind: string; records: number; rows: number }) => void;
}

export interface RetransformResult {
  pages: number;
  records: number;
  rows: number;
  mappingsChanged: number;
}

/** Raw payloads are either the page's records array or an object holding them under `records`. */
export function rawRecords(payload: unknown): unknown[] {
  if (Array.isArray(payload)) return payload;
  const records = (payload as { records?: unknown } | null)?.records;
  if (Array.isArray(records)) return records;
  throw new Error("raw payload holds no records array");
}

export async function retransformIntegration(db: Db, options: RetransformOptions): Promise<RetransformResult> {
  const connector = options.connector ?? jiraConnector;
  const [integration] = await db.query<
    { id: number; provider: string; base_url: string | null; settings: Record<string, unknown> }
  >(
    "SELECT id, provider, base_url, settings FROM integrations WHERE tenant_id = $1 AND id = $2",
    [options.tenantId, options.integrationId],
  );
  if (!integration) throw new Error(`integration ${options.integrationId} not found for tenant ${options.tenantId}`);
  if (integration.provider !== connector.type) {
    throw new Error(`integration ${integration.id} is a ${integration.provider} integration, not ${connector.type}`);
  }
  const scope = { tenantId: options.tenantId, integrationId: integration.id };
  // names that only appear in history, or mappings added since, are re-resolved before anything is replayed
  const mappingsChanged = await db.transaction(async (tx) =>
    (await resolveStatusMappings({ tx, ...scope })) + (await resolveWitMappings({ tx, ...scope }))
  );
  const run: RunInfo = {
    runId: 0,
    token: crypto.randomUUID(),
    jobId: 0,
    trigger: "retransform",
    windowFrom: null,
    windowTo: new Date(),
    ...options.run,
    tenantId: options.tenantId,
    integrationId: integration.id,
  };
  const info = {
    id: integration.id,
    provider: integration.provider,
    baseUrl: integration.base_url,
    settings: integration.settings,
  };
  const result: RetransformResult = { pages: 0, records: 0, rows: 0, mappingsChanged };
  const fetchSize = options.fetchSize ?? 20;
  for (const step of [...connector.steps].sort((a, b) => a.order - b.order)) {
    let after = 0;
    while (true) {
      const raws = await db.query<{ id: number; kind: string; payload: unknown }>(
        `SELECT id, kind, payload FROM raw_extraction_data
          WHERE tenant_id = $1 AND integration_id = $2 AND step = $3 AND id > $4 ORDER BY id LIMIT $5`,
        [options.tenantId, integration.id, step.key, after, fetchSize],
      );
      if (raws.length === 0) break;
      for (const raw of raws) {
        const records = rawRecords(raw.payload);
        const loaded = await db.transaction((tx) =>
          connector.load(step.key, raw.kind, records, { run, integration: info, tx })
        );
        result.pages++;
        result.records += records.length;
        result.rows += loaded.rows;
        options.onPage?.({ step: step.key, kind: raw.kind, records: records.length, rows: loaded.rows });
      }
      after = Number(raws[raws.length - 1].id);
    }
    if (connector.afterStep) {
      const derived = await db.transaction((tx) => connector.afterStep!(step.key, { run, integration: info, tx }));
      result.rows += derived.rows;
    }
  }
  return result;
}
