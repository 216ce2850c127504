// What the load of one issue page reads before it writes, fetched in ONE statement: the custom-field mapping, the
// ids of the referenced projects, types and statuses, the stored state of the people it names, the work items it
// already holds with every stored input of their derived values (status transitions, sprint and story-point
// histories, the newest snapshot's sprint field), and the tables still waiting for planner statistics. postgres.js sends each parameterized statement as Parse/Describe, waits, then
// Bind/Execute — two round trips that are never pipelined — so a dozen small look-ups per page used to cost more
// than the look-ups themselves.
import { ident } from "../../../../db/port.ts";
import { MISSING_STATS_SQL, type Scope, type StoredState, storedStateSql } from "../../common/db_util.ts";
import { FIELD_SLOTS_SQL, type FieldMapping, fieldMappingOf } from "./field_mapping.ts";
import type { StatusStep, StepCategory, Transition } from "../derived/flow_metrics.ts";
import { IDENTITIES } from "./references.ts";
import type { SprintRef } from "../derived/sprint_history.ts";
import type { JiraChangeItem } from "../client/types.ts";

/** A stored status transition as the page load compares it, with its derived timing. */
export interface StoredTransition extends Transition {
  changedById: number | null;
  startAt?: number | null;
  seconds?: number | null;
}

/** A work item the page names that is already stored, with every input its derived values are computed from. */
export interface ExistingItem {
  id: number;
  transitions: Map<string, StoredTransition>;
  /** Stored sprint and story-point histories (jira_field_histories), as [history id, ISO time, items]. */
  histories: HistoryRow[];
  /** The newest snapshot's sprint field and its `updated` (jira_derivations); null when none is stored. */
  derivation: { currentSprints: SprintRef[]; snapshotUpdatedAt: number | null } | null;
}

export type HistoryRow = [string, string, JiraChangeItem[]];

export interface StatusSteps {
  stepOf: (statusId: number | null) => StatusStep | undefined;
  commitmentStep: number | null;
}

export interface PageContextRequest {
  issueIds: string[];
  projectIds: string[];
  witIds: string[];
  statusIds: string[];
  /** identities rows of the people the page names (compared with what is stored, not written). */
  people: Record<string, unknown>[];
  /** Tables whose planner statistics are checked (see analyzeTables). */
  statsTables: string[];
}

export interface PageContext {
  mapping: FieldMapping;
  projects: Map<string, number>;
  wits: Map<string, number>;
  statuses: Map<string, number>;
  people: Map<string, StoredState>;
  items: Map<string, ExistingItem>;
  /** Workflow steps of the integration's statuses (see loadStatusSteps). */
  steps: StatusSteps;
  /** Of statsTables, those holding rows without statistics. */
  unanalyzed: string[];
}

// every subquery below takes $1 = tenant id, $2 = integration id
const STEPS_SQL = `SELECT coalesce(jsonb_agg(jsonb_build_array(s.id, w.step_category, w.step_number)), '[]'::jsonb)
       FROM statuses s
       LEFT JOIN statuses_mappings m ON m.id = s.status_mapping_id AND m.active
       LEFT JOIN workflows w ON w.id = m.workflow_id AND w.active
      WHERE s.tenant_id = $1 AND s.integration_id = $2`;
const COMMITMENT_SQL = `SELECT c.step_number FROM workflows c
      WHERE c.tenant_id = $1 AND c.integration_id = $2 AND c.is_commitment_point AND c.active LIMIT 1`;

const idsSql = (table: string, param: string) =>
  `SELECT coalesce(jsonb_object_agg(external_id, id), '{}'::jsonb) FROM ${ident(table)}
      WHERE tenant_id = $1 AND integration_id = $2 AND external_id = ANY(${param}::text[])`;

// timestamps travel as jsonb text (ISO 8601 with offset) and are parsed like the driver parses timestamptz
// the derivation is a sub-select, not a join: with a join the generic plan of this prepared statement hashed all of
// jira_derivations on every page (a tenth of a first sync's issue step at 10,000 issues, growing with the table)
const ITEMS_SQL = `SELECT coalesce(jsonb_agg(jsonb_build_array(wi.id, wi.external_id, h.transitions, f.histories,
         (SELECT jsonb_build_array(d.current_sprints, d.snapshot_updated_at) FROM jira_derivations d
           WHERE d.work_item_id = wi.id))), '[]'::jsonb)
       FROM work_items wi
       LEFT JOIN LATERAL (
         SELECT jsonb_agg(jsonb_build_array(c.external_id, c.from_status_id, c.to_status_id, c.transition_change_date,
                  c.changed_by_id, c.transition_start_date, c.time_in_status_seconds)) AS transitions
           FROM changelogs c WHERE c.work_item_id = wi.id) h ON true
       LEFT JOIN LATERAL (
         SELECT jsonb_agg(jsonb_build_array(fh.external_id, fh.changed_at, fh.items)) AS histories
           FROM jira_field_histories fh WHERE fh.work_item_id = wi.id) f ON true
      WHERE wi.tenant_id = $1 AND wi.integration_id = $2 AND wi.external_id = ANY($3::text[])`;

const CONTEXT_SQL = `SELECT
    (SELECT coalesce(jsonb_agg(jsonb_build_array(f.slot, f.external_id)), '[]'::jsonb) FROM (${FIELD_SLOTS_SQL}) f)
      AS mapping,
    (${idsSql("projects", "$4")}) AS projects,
    (${idsSql("wits", "$5")}) AS wits,
    (${idsSql("statuses", "$6")}) AS statuses,
    (SELECT coalesce(jsonb_agg(jsonb_build_array(p.external_id, p.id, p.stale)), '[]'::jsonb)
       FROM (${storedStateSql(IDENTITIES, "$7")}) p) AS people,
    (${ITEMS_SQL}) AS items,
    (${STEPS_SQL}) AS steps,
    (${COMMITMENT_SQL}) AS commitment,
    (${MISSING_STATS_SQL("$8")}) AS unanalyzed`;

type Json = unknown;
type StepRow = [number, StepCategory | null, number | null];
type TransitionRow = [string, number | null, number | null, string, number | null, string | null, number | null];
type ItemRow = [number, string, TransitionRow[] | null, HistoryRow[] | null, [SprintRef[], string | null] | null];

const time = (v: string | null) => (v === null ? null : new Date(v).getTime());
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function statusStepsOf(rows: StepRow[], commitment: unknown): StatusSteps {
  const steps = new Map(rows.map(([id, category, step]) => [Number(id), { category, stepNumber: num(step) }]));
  return { stepOf: (id) => (id === null ? undefined : steps.get(id)), commitmentStep: num(commitment) };
}

function itemsOf(rows: ItemRow[]): Map<string, ExistingItem> {
  const out = new Map<string, ExistingItem>();
  for (const [id, externalId, transitions, histories, derivation] of rows) {
    const item: ExistingItem = {
      id: Number(id),
      transitions: new Map(),
      histories: histories ?? [],
      derivation: derivation ? { currentSprints: derivation[0], snapshotUpdatedAt: time(derivation[1]) } : null,
    };
    for (const [ext, from, to, changedAt, changedBy, startAt, seconds] of transitions ?? []) {
      item.transitions.set(ext, {
        externalId: ext,
        at: time(changedAt)!,
        fromStatusId: num(from),
        toStatusId: num(to),
        changedById: num(changedBy),
        startAt: time(startAt),
        seconds: num(seconds),
      });
    }
    out.set(externalId, item);
  }
  return out;
}

const idMap = (o: Json) => new Map(Object.entries((o ?? {}) as Record<string, number>).map(([k, v]) => [k, Number(v)]));

export async function loadPageContext(scope: Scope, request: PageContextRequest): Promise<PageContext> {
  const [row] = await scope.tx.query<Record<string, Json>>(CONTEXT_SQL, [
    scope.tenantId,
    scope.integrationId,
    request.issueIds,
    request.projectIds,
    request.witIds,
    request.statusIds,
    JSON.stringify(request.people),
    request.statsTables.map(ident),
  ]);
  const people = new Map<string, StoredState>();
  for (const [ext, id, stale] of row.people as Array<[string, number | null, boolean]>) {
    people.set(ext, { id: num(id), stale });
  }
  return {
    mapping: fieldMappingOf(row.mapping as Array<[string, string]>),
    projects: idMap(row.projects),
    wits: idMap(row.wits),
    statuses: idMap(row.statuses),
    people,
    items: itemsOf(row.items as ItemRow[]),
    steps: statusStepsOf(row.steps as StepRow[], row.commitment),
    unanalyzed: row.unanalyzed as string[],
  };
}

/**
 * Serializes the loads of pages that name the same issues (the transform stage runs several consumers, and an issue
 * that moved while the search paged is on two pages): a page derives its items' values from everything stored for
 * them, so it must read that after any other page holding one of them has committed. Locks are taken in one global
 * order (by key), so two pages cannot wait on each other; they are released at commit.
 */
export async function lockIssues(scope: Scope, issueIds: string[]): Promise<void> {
  if (issueIds.length === 0) return;
  await scope.tx.query(
    `SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtextextended(x, $1) AS k
       FROM unnest($2::text[]) x ORDER BY 1) s`,
    [scope.integrationId, issueIds],
  );
}

/** statuses → statuses_mappings → workflows for the whole integration, with the commitment point's step number. */
export async function loadStatusSteps(scope: Scope): Promise<StatusSteps> {
  const [row] = await scope.tx.query<{ steps: StepRow[]; commitment: unknown }>(
    `SELECT (${STEPS_SQL}) AS steps, (${COMMITMENT_SQL}) AS commitment`,
    [scope.tenantId, scope.integrationId],
  );
  return statusStepsOf(row.steps, row.commitment);
}
