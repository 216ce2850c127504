// One delta round of users or groups as engine pages. The round starts from the delta link the last complete run
// ended with (directory_delta_state.delta_link), or walks everything when there is none or Graph refuses it (410:
// the walk restarts at once and the reason is kept for the job details). The checkpoint is the next link to
// fetch, so a crash resumes on the page after the last committed one. The last page of a round is followed by one
// "end" record naming the delta link reached; the identity-links step commits it once every page has loaded.
import type { Queryable } from "../../../../db/port.ts";
import type { ExtractedPage } from "../../../connector.ts";
import { DeltaExpiredError, type DeltaResource, type GraphClient } from "../client/graph.ts";
import { startWalk } from "../load/walk.ts";

export interface DeltaCheckpoint {
  /** The next request (null once the round ended). */
  link: string | null;
  /** Whether this round walks everything (first run, or the stored link was refused). */
  full: boolean;
  /** Why a full walk happens, for the job details. */
  reason: string | null;
  done: boolean;
  /** The round's last page is committed but its end record is not yet. */
  end?: DeltaEnd;
}

export interface DeltaScope {
  tx: Queryable;
  tenantId: number;
  integrationId: number;
  groupIds: readonly string[];
}

export interface DeltaEnd {
  resource: DeltaResource;
  deltaLink: string;
  full: boolean;
  reason: string | null;
}

export const DELTA_KINDS = {
  users: "entra_users",
  usersWalk: "entra_users_walk",
  groups: "entra_groups",
  groupsWalk: "entra_groups_walk",
  end: "entra_delta_end",
} as const;

export function pageKind(resource: DeltaResource, full: boolean): string {
  if (resource === "users") return full ? DELTA_KINDS.usersWalk : DELTA_KINDS.users;
  return full ? DELTA_KINDS.groupsWalk : DELTA_KINDS.groups;
}

async function storedDeltaLink(
  db: Queryable,
  tenantId: number,
  integrationId: number,
  resource: DeltaResource,
): Promise<string | null> {
  const [row] = await db.query<{ delta_link: string | null }>(
    `SELECT delta_link FROM directory_delta_state WHERE tenant_id = $1 AND integration_id = $2 AND resource = $3`,
    [tenantId, integrationId, resource],
  );
  return row?.delta_link ?? null;
}

export async function* extractDelta(
  client: GraphClient,
  resource: DeltaResource,
  scope: DeltaScope,
  checkpoint: DeltaCheckpoint | null,
): AsyncGenerator<ExtractedPage> {
  if (checkpoint?.done) return;
  let state: DeltaCheckpoint = checkpoint ?? await startState(client, resource, scope);
  if (state.end) {
    yield { kind: DELTA_KINDS.end, records: [state.end], checkpoint: { ...state, end: undefined, done: true } };
    return;
  }
  while (state.link) {
    let page;
    try {
      page = await client.deltaPage<{ id: string }>(resource, state.link);
    } catch (e) {
      if (!(e instanceof DeltaExpiredError) || state.full) throw e;
      await startWalk(scope, resource);
      state = {
        link: client.startRequest(resource, scope.groupIds),
        full: true,
        reason: `delta link expired (${e.status} ${e.code}): walked every ${resource} again`,
        done: false,
      };
      continue;
    }
    if (page.nextLink) {
      state = { ...state, link: page.nextLink };
      // an empty page is not the end (Graph may answer one mid-round); it is skipped, never yielded empty
      if (page.value.length) yield { kind: pageKind(resource, state.full), records: page.value, checkpoint: state };
      continue;
    }
    const end: DeltaEnd = { resource, deltaLink: page.deltaLink!, full: state.full, reason: state.reason };
    state = { ...state, link: null };
    if (page.value.length) {
      yield { kind: pageKind(resource, end.full), records: page.value, checkpoint: { ...state, end } };
    }
    yield { kind: DELTA_KINDS.end, records: [end], checkpoint: { ...state, done: true } };
  }
}

async function startState(
  client: GraphClient,
  resource: DeltaResource,
  scope: DeltaScope,
): Promise<DeltaCheckpoint> {
  const stored = await storedDeltaLink(scope.tx, scope.tenantId, scope.integrationId, resource);
  if (stored) return { link: stored, full: false, reason: null, done: false };
  await startWalk(scope, resource);
  return { link: client.startRequest(resource, scope.groupIds), full: true, reason: "first sync", done: false };
}
