// The Entra ID connector (the AD job): users, then groups with their members, through Graph delta queries, then
// the identity-links step, which commits the delta links the run reached, retires what a full walk no longer
// listed and links directory people to their Jira/GitHub identities. One client-credentials token (cached until
// it expires) serves every request of a run.
import type { Connector, ExtractContext, ExtractedPage, LoadContext, LoadResult, StepDef } from "../../connector.ts";
import { JOBS } from "../../../db/seed_data.ts";
import type { Scope } from "../common/db_util.ts";
import { stripNul } from "../common/sanitize.ts";
import { finalStepPage } from "../common/final_step.ts";
import { MicrosoftTokenSource, readMicrosoftCredentials, type TokenHttpOptions } from "../microsoft/identity.ts";
import { GraphClient, type GraphGroup, type GraphHttpOptions, type GraphUser } from "./client/graph.ts";
import { DELTA_KINDS, type DeltaCheckpoint, type DeltaEnd, extractDelta } from "./extract/delta.ts";
import { loadPeople } from "./load/people.ts";
import { loadGroups } from "./load/groups.ts";
import { finishRun, recordDeltaEnd } from "./load/finish.ts";
import { readEntraSettings } from "./settings.ts";

export const ENTRA_STEPS: StepDef[] = JOBS.find((j) => j.provider === "ad")!.steps;

export const ENTRA_STEP = { users: "ad_users", groups: "ad_groups", links: "ad_links" } as const;
const FINISH_KIND = "entra_finish";

export interface EntraConnectorOptions {
  http?: GraphHttpOptions;
  onClient?: (client: GraphClient) => void;
}

/** The Graph client of an integration: the authority is its base URL, Graph's root a setting. */
export function entraClientFor(
  baseUrl: string | null,
  rawSettings: unknown,
  rawCredentials: unknown,
  http: GraphHttpOptions & TokenHttpOptions = {},
): GraphClient {
  const settings = readEntraSettings(rawSettings);
  // the token source is shared by every run of these credentials: a run's request journal is no hook of its own
  const { beforeSend: _journal, ...tokenHttp } = http;
  const tokens = MicrosoftTokenSource.shared(readMicrosoftCredentials(rawCredentials), baseUrl ?? undefined, tokenHttp);
  return new GraphClient(settings.graphUrl, tokens, { pacer: { ratePerSecond: settings.requestsPerSecond }, ...http });
}

export function createEntraConnector(options: EntraConnectorOptions = {}): Connector {
  return {
    type: "ad",
    steps: ENTRA_STEPS,

    async *extract(step: string, ctx: ExtractContext): AsyncIterable<ExtractedPage> {
      if (step === ENTRA_STEP.links) return yield* finalStepPage(FINISH_KIND, ctx.checkpoint);
      const settings = readEntraSettings(ctx.integration.settings);
      const client = entraClientFor(ctx.integration.baseUrl, settings, ctx.integration.credentials, {
        ...options.http,
        addressGuard: ctx.addressGuard,
        beforeSend: () => ctx.beforeRequest(),
      });
      options.onClient?.(client);
      const resource = step === ENTRA_STEP.users ? "users" : step === ENTRA_STEP.groups ? "groups" : null;
      if (!resource) throw new Error(`unknown Entra ID step ${step}`);
      const scope = {
        tx: ctx.db,
        tenantId: ctx.run.tenantId,
        integrationId: ctx.integration.id,
        groupIds: settings.groupIds,
      };
      for await (const page of extractDelta(client, resource, scope, ctx.checkpoint as DeltaCheckpoint | null)) {
        yield { ...page, records: stripNul(page.records) };
      }
    },

    async load(_step: string, kind: string, records: unknown[], ctx: LoadContext): Promise<LoadResult> {
      const scope: Scope = { tx: ctx.tx, tenantId: ctx.run.tenantId, integrationId: ctx.integration.id };
      switch (kind) {
        case DELTA_KINDS.users:
        case DELTA_KINDS.usersWalk:
          return await loadPeople(scope, records as GraphUser[], kind === DELTA_KINDS.usersWalk);
        case DELTA_KINDS.groups:
        case DELTA_KINDS.groupsWalk:
          return await loadGroups(scope, records as GraphGroup[], kind === DELTA_KINDS.groupsWalk);
        case DELTA_KINDS.end:
          return await recordDeltaEnd(scope, records as DeltaEnd[]);
        case FINISH_KIND:
          return await finishRun(scope);
        default:
          throw new Error(`the Entra ID connector cannot load records of kind ${kind}`);
      }
    },

    embedText: () => Promise.resolve([]),
  };
}

export const entraConnector: Connector = createEntraConnector();
