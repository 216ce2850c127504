// The Fabric connector: the configured lakehouse tables through OneLake's DFS API (Delta log, then the Parquet
// files of the versions not read yet, streamed by row group), then a commit step that makes the versions read
// current once every row loaded. Tokens come from the same client-credentials source as Entra ID, for the Azure
// Storage audience.
import type { Connector, ExtractContext, ExtractedPage, LoadContext, LoadResult, StepDef } from "../../connector.ts";
import { JOBS } from "../../../db/seed_data.ts";
import type { Scope } from "../common/db_util.ts";
import { finalStepPage } from "../common/final_step.ts";
import { MicrosoftTokenSource, readMicrosoftCredentials, type TokenHttpOptions } from "../microsoft/identity.ts";
import { OneLakeClient, type OneLakeOptions } from "./client/onelake.ts";
import {
  extractTables,
  FABRIC_KINDS,
  type FabricCheckpoint,
  type PendingRecord,
  type RowsRecord,
} from "./extract/tables.ts";
import { commitVersions, loadRows, recordPending } from "./load/tables.ts";
import { configuredTables, FabricConfigError, readFabricSettings } from "./settings.ts";

export const FABRIC_STEPS: StepDef[] = JOBS.find((j) => j.provider === "fabric")!.steps;
export const FABRIC_STEP = { data: "fabric_data", commit: "fabric_commit" } as const;
const COMMIT_KIND = "fabric_commit";

export interface FabricConnectorOptions {
  onelake?: OneLakeOptions;
  token?: TokenHttpOptions;
}

export function oneLakeClientFor(
  baseUrl: string | null,
  rawSettings: unknown,
  rawCredentials: unknown,
  options: FabricConnectorOptions = {},
): OneLakeClient {
  const settings = readFabricSettings(rawSettings);
  if (!settings.workspace || !settings.lakehouse) throw new FabricConfigError("set the workspace and lakehouse");
  const tokens = MicrosoftTokenSource.shared(
    readMicrosoftCredentials(rawCredentials),
    baseUrl ?? undefined,
    options.token,
  );
  return new OneLakeClient(settings.onelakeUrl, settings.workspace, tokens, options.onelake);
}

export function createFabricConnector(options: FabricConnectorOptions = {}): Connector {
  return {
    type: "fabric",
    steps: FABRIC_STEPS,

    async *extract(step: string, ctx: ExtractContext): AsyncIterable<ExtractedPage> {
      if (step === FABRIC_STEP.commit) return yield* finalStepPage(COMMIT_KIND, ctx.checkpoint);
      if (step !== FABRIC_STEP.data) throw new Error(`unknown Fabric step ${step}`);
      const settings = readFabricSettings(ctx.integration.settings);
      const client = oneLakeClientFor(ctx.integration.baseUrl, settings, ctx.integration.credentials, {
        ...options,
        token: { ...options.token, addressGuard: ctx.addressGuard },
        onelake: {
          ...options.onelake,
          addressGuard: ctx.addressGuard,
          beforeSend: () => ctx.beforeRequest(),
        },
      });
      const scope = { db: ctx.db, tenantId: ctx.run.tenantId, integrationId: ctx.integration.id };
      yield* extractTables(
        client,
        { ...settings, tables: configuredTables(settings) },
        scope,
        ctx.checkpoint as FabricCheckpoint | null,
      );
    },

    async load(_step: string, kind: string, records: unknown[], ctx: LoadContext): Promise<LoadResult> {
      const scope: Scope = { tx: ctx.tx, tenantId: ctx.run.tenantId, integrationId: ctx.integration.id };
      let rows = 0;
      switch (kind) {
        case FABRIC_KINDS.rows:
          for (const r of records as RowsRecord[]) rows += (await loadRows(scope, r)).rows;
          return { rows };
        case FABRIC_KINDS.pending:
          for (const r of records as PendingRecord[]) await recordPending(scope, r);
          return { rows: 0 };
        case COMMIT_KIND:
          return await commitVersions(scope);
        default:
          throw new Error(`the Fabric connector cannot load records of kind ${kind}`);
      }
    },

    embedText: () => Promise.resolve([]),
  };
}

export const fabricConnector: Connector = createFabricConnector();
