// One integration's vocabulary as plain data — hierarchy levels, normalized work item types with the source type
// names mapped to them, workflow steps (one commitment point) and the source status names mapped to each step — and
// the one writer that stores it. The default vocabulary (seed_data.ts) and a copy read from another integration
// both go through writeVocabulary, so a new integration and a copied one end up built the same way.
import { insertMany, type Queryable } from "../port.ts";
import { HIERARCHY, STATUS_MAPPINGS, WIT_MAPPINGS, WORKFLOW } from "../seed_data.ts";

export interface Vocabulary {
  levels: Array<{ number: number; name: string; description: string | null }>;
  types: Array<{ name: string; level: number; description: string | null; sources: string[] }>;
  steps: Array<{ number: number | null; name: string; category: string; commitment: boolean }>;
  /** step name → source status names */
  statuses: Record<string, string[]>;
}

export const DEFAULT_VOCABULARY: Vocabulary = {
  levels: HIERARCHY.map(([number, name, description]) => ({ number, name, description })),
  types: WIT_MAPPINGS.map(([name, level, sources]) => ({ name, level, description: null, sources })),
  steps: WORKFLOW.map(([number, name, category, commitment]) => ({ number, name, category, commitment })),
  statuses: STATUS_MAPPINGS,
};

/** Providers whose records have work item types and statuses (a new one gets the default vocabulary). */
export const VOCABULARY_PROVIDERS = new Set(["jira"]);

/** Adds the vocabulary to an integration; rows that already exist (same natural key) are left as they are. */
export async function writeVocabulary(db: Queryable, tenantId: number, integrationId: number, vocab: Vocabulary) {
  const scope = { tenant_id: tenantId, integration_id: integrationId };
  await insertMany(
    db,
    "wits_hierarchies",
    vocab.levels.map((l) => ({ ...scope, level_number: l.number, level_name: l.name, description: l.description })),
    { onConflict: "ON CONFLICT DO NOTHING" },
  );
  const levels = new Map(
    (await db.query<{ id: number; level_number: number }>(
      "SELECT id, level_number FROM wits_hierarchies WHERE tenant_id = $1 AND integration_id = $2",
      [tenantId, integrationId],
    )).map((r) => [r.level_number, r.id]),
  );
  await insertMany(
    db,
    "wit_types",
    vocab.types.filter((t) => levels.has(t.level)).map((t) => ({
      ...scope,
      name: t.name,
      description: t.description,
      wits_hierarchy_id: levels.get(t.level),
    })),
    { onConflict: "ON CONFLICT DO NOTHING" },
  );
  const types = new Map(
    (await db.query<{ id: number; name: string; wits_hierarchy_id: number }>(
      "SELECT id, name, wits_hierarchy_id FROM wit_types WHERE tenant_id = $1 AND integration_id = $2",
      [tenantId, integrationId],
    )).map((r) => [r.name.toLowerCase(), r]),
  );
  await insertMany(
    db,
    "wits_mappings",
    vocab.types.flatMap((t) => {
      const type = types.get(t.name.toLowerCase());
      return type
        ? t.sources.map((from) => ({
          ...scope,
          wit_from: from,
          wit_to: type.name,
          wit_type_id: type.id,
          wits_hierarchy_id: type.wits_hierarchy_id,
        }))
        : [];
    }),
    { onConflict: "ON CONFLICT DO NOTHING" },
  );
  // a copied workflow may already have a commitment point of its own: the first one written wins
  const [{ has }] = await db.query<{ has: boolean }>(
    `SELECT exists(SELECT 1 FROM workflows WHERE tenant_id = $1 AND integration_id = $2 AND is_commitment_point
       AND active) AS has`,
    [tenantId, integrationId],
  );
  await insertMany(
    db,
    "workflows",
    vocab.steps.map((s) => ({
      ...scope,
      step_number: s.number,
      step_name: s.name,
      step_category: s.category,
      is_commitment_point: s.commitment && !has,
    })),
    { onConflict: "ON CONFLICT DO NOTHING" },
  );
  const steps = new Map(
    (await db.query<{ id: number; step_name: string; step_category: string }>(
      "SELECT id, step_name, step_category FROM workflows WHERE tenant_id = $1 AND integration_id = $2",
      [tenantId, integrationId],
    )).map((r) => [r.step_name, r]),
  );
  await insertMany(
    db,
    "statuses_mappings",
    Object.entries(vocab.statuses).flatMap(([step, froms]) => {
      const target = steps.get(step);
      return target
        ? froms.map((from) => ({
          ...scope,
          status_from: from,
          status_to: step,
          status_category: target.step_category,
          workflow_id: target.id,
        }))
        : [];
    }),
    { onConflict: "ON CONFLICT DO NOTHING" },
  );
}

/** The vocabulary an integration has now (active rows), in the shape writeVocabulary takes. */
export async function readVocabulary(db: Queryable, tenantId: number, integrationId: number): Promise<Vocabulary> {
  const args = [tenantId, integrationId];
  const levels = await db.query<{ number: number; name: string; description: string | null }>(
    `SELECT level_number AS number, level_name AS name, description FROM wits_hierarchies
      WHERE tenant_id = $1 AND integration_id = $2 AND active ORDER BY level_number DESC`,
    args,
  );
  const types = await db.query<Vocabulary["types"][number]>(
    `SELECT t.name, h.level_number AS level, t.description,
            coalesce(array_agg(m.wit_from ORDER BY m.id) FILTER (WHERE m.id IS NOT NULL), '{}') AS sources
       FROM wit_types t JOIN wits_hierarchies h ON h.id = t.wits_hierarchy_id
       LEFT JOIN wits_mappings m ON m.wit_type_id = t.id AND m.active
      WHERE t.tenant_id = $1 AND t.integration_id = $2 GROUP BY t.id, h.level_number ORDER BY t.id`,
    args,
  );
  const steps = await db.query<Vocabulary["steps"][number]>(
    `SELECT step_number AS number, step_name AS name, step_category AS category, is_commitment_point AS commitment
       FROM workflows WHERE tenant_id = $1 AND integration_id = $2 AND active ORDER BY step_number NULLS LAST, id`,
    args,
  );
  const mappings = await db.query<{ step: string; name: string }>(
    `SELECT w.step_name AS step, m.status_from AS name FROM statuses_mappings m JOIN workflows w ON w.id = m.workflow_id
      WHERE m.tenant_id = $1 AND m.integration_id = $2 AND m.active ORDER BY m.id`,
    args,
  );
  const statuses: Record<string, string[]> = {};
  for (const m of mappings) (statuses[m.step] ??= []).push(m.name);
  return { levels, types: types.map((t) => ({ ...t, level: Number(t.level) })), steps, statuses };
}

/** Removes an integration's whole vocabulary (source types and statuses stay, unmapped). */
export async function clearVocabulary(db: Queryable, tenantId: number, integrationId: number) {
  const args = [tenantId, integrationId];
  for (const table of ["statuses_mappings", "wits_mappings", "wit_types", "workflows", "wits_hierarchies"]) {
    await db.query(`DELETE FROM ${table} WHERE tenant_id = $1 AND integration_id = $2`, args);
  }
}
