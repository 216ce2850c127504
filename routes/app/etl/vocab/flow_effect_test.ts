// The SQL flow metrics (flow_effect.ts) held equal to computeFlow, the load's definition, on generated histories:
// same-millisecond ties ordered by numeric history id ("9" before "10"), clock skew, missing statuses and creation
// dates, unmapped, Waiting and committed statuses, items without history. Metrics stored as the load stores them
// show no difference under the same vocabulary; after a mapping change the SQL counts exactly the items and values
// that computeFlow under the new vocabulary changes, with the same example values.
import { assert, assertEquals } from "../../../../tests/support/assert.ts";
import { adapterKinds, withTestDb } from "../../../../tests/support/db.ts";
import { insertMany, type Queryable } from "../../../../db/port.ts";
import { createTenant } from "../../../../db/seed.ts";
import { STATUS_MAPPINGS } from "../../../../db/seed_data.ts";
import { saveStatusMappings } from "../../../../db/vocabulary/mappings.ts";
import {
  computeFlow,
  METRIC_COLUMNS,
  type StepCategory,
  type Transition,
} from "../../../../engine/connectors/jira/derived/flow_metrics.ts";
import { addSourceRows, jiraIntegrationOf } from "../../../../tests/vocab/support.ts";
import { flowMetricEffect } from "./flow_effect.ts";

const STEPS = ["Backlog", "To Do", "In Progress", "Ready for Prod", "Done", "Discarded"];
const LIMBO = "Limbo"; // no mapping: its time and moves count nowhere

/** Deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Item {
  key: string;
  statusId: number | null;
  createdAt: number | null;
  transitions: Transition[];
}

function generate(statusIds: number[], count: number): Item[] {
  const rnd = random(42);
  const pick = () => rnd() < 0.05 ? null : statusIds[Math.floor(rnd() * statusIds.length)];
  const used = new Set<string>();
  // unique ids of 1 to 7 digits in random order: at a tie, numeric and text order often disagree ("9" < "10")
  const historyId = (): string => {
    const id = String(Math.floor(rnd() * 10 ** (1 + Math.floor(rnd() * 7))));
    return used.has(id) ? historyId() : (used.add(id), id);
  };
  return Array.from({ length: count }, (_, n) => {
    const createdAt = rnd() < 0.1 ? null : Date.UTC(2024, 0, 1) + Math.floor(rnd() * 1e10);
    let at = createdAt ?? Date.UTC(2024, 6, 1);
    const transitions: Transition[] = [];
    let from = pick();
    for (let k = Math.floor(rnd() * 9); k > 0; k--) {
      const roll = rnd();
      // a tie at the same ms, a change a few ms before the previous one (skew), or a real gap
      at += roll < 0.3 ? 0 : roll < 0.2 ? -Math.floor(rnd() * 5) : Math.floor(rnd() * 3e8) + 1;
      const to = pick();
      transitions.push({ externalId: historyId(), at, fromStatusId: from, toStatusId: to });
      from = to;
    }
    const statusId = transitions.length ? transitions[transitions.length - 1].toStatusId : pick();
    return { key: `F-${n}`, statusId, createdAt, transitions: transitions.reverse() };
  });
}

async function vocabulary(tx: Queryable, tenantId: number, integrationId: number) {
  const rows = await tx.query<{ id: number; category: StepCategory | null; number: number | null }>(
    `SELECT s.id, w.step_category AS category, w.step_number AS number
       FROM statuses s LEFT JOIN statuses_mappings m ON m.id = s.status_mapping_id AND m.active
       LEFT JOIN workflows w ON w.id = m.workflow_id AND w.active WHERE s.tenant_id = $1 AND s.integration_id = $2`,
    [tenantId, integrationId],
  );
  const [commitment] = await tx.query<{ n: number }>(
    "SELECT step_number AS n FROM workflows WHERE integration_id = $1 AND is_commitment_point AND active",
    [integrationId],
  );
  const steps = new Map(rows.map((r) => [Number(r.id), { category: r.category, stepNumber: r.number }]));
  return {
    stepOf: (id: number | null) => id === null ? undefined : steps.get(id),
    commitmentStep: commitment ? Number(commitment.n) : null,
  };
}

for (const kind of adapterKinds()) {
  Deno.test(`flow effect SQL[${kind}]: equal to computeFlow on generated histories`, async () => {
    await withTestDb(kind, async (db) => {
      const tenantId = await createTenant(db, "Flow");
      const integrationId = await jiraIntegrationOf(db, tenantId);
      const names = [...STEPS.map((s) => STATUS_MAPPINGS[s][0]), LIMBO];
      const { status } = await addSourceRows(db, { tenantId, integrationId }, {
        statuses: names.map((n) => [n, "To Do"]),
        types: ["Story"],
        items: [],
      });
      const items = generate(names.map((n) => status.get(n)!), 400);
      const vocab = await vocabulary(db, tenantId, integrationId);
      const stored = items.map((item) => computeFlow({ ...item, currentStatusId: item.statusId, ...vocab }).metrics);
      const ids = await insertMany<{ id: number }>(
        db,
        "work_items",
        items.map((item, i) => ({
          tenant_id: tenantId,
          integration_id: integrationId,
          external_id: item.key,
          key: item.key,
          status_id: item.statusId,
          source_created_at: item.createdAt === null ? null : new Date(item.createdAt).toISOString(),
          ...stored[i],
        })),
        { returning: "id" },
      );
      await insertMany(
        db,
        "changelogs",
        items.flatMap((item, i) =>
          item.transitions.map((t) => ({
            tenant_id: tenantId,
            integration_id: integrationId,
            work_item_id: ids[i].id,
            external_id: t.externalId,
            from_status_id: t.fromStatusId,
            to_status_id: t.toStatusId,
            transition_change_date: new Date(t.at).toISOString(),
          }))
        ),
      );
      const scope = {
        tenantId,
        integrationId,
        changedStatuses: [],
        everyItem: true,
        commitment: vocab.commitmentStep,
        examples: 5,
      };
      const unmapped = stored.filter((m) => m.flow_through_unmapped).length;
      assert(unmapped > 0 && unmapped < items.length, `some items pass Limbo (${unmapped})`);
      assertEquals(await db.transaction((tx) => flowMetricEffect(tx, scope)), {
        count: 0,
        metrics: 0,
        examples: [],
        unmappedAfter: unmapped,
      });

      // Limbo becomes an In Progress step: only the items that pass it change, as computeFlow now gives them
      await db.transaction(async (tx) => {
        const [step] = await tx.query<{ id: number }>(
          "SELECT id FROM workflows WHERE integration_id = $1 AND step_name = 'In Progress'",
          [integrationId],
        );
        await saveStatusMappings({ tx, tenantId, integrationId }, [LIMBO], step.id);
        const after = await vocabulary(tx, tenantId, integrationId);
        const expected = { count: 0, metrics: 0, examples: [] as unknown[], unmappedAfter: 0 };
        items.map((item, i) => ({ item, i })).sort((a, b) => a.item.key < b.item.key ? -1 : 1).forEach(
          ({ item, i }) => {
            const now = computeFlow({ ...item, currentStatusId: item.statusId, ...after }).metrics;
            const changed = METRIC_COLUMNS.filter((c) => now[c] !== stored[i][c]);
            if (now.flow_through_unmapped) expected.unmappedAfter++;
            if (changed.length) expected.count++;
            expected.metrics += changed.length;
            for (const c of changed) {
              if (expected.examples.length >= 5) break;
              const text = (v: unknown) => v === null ? null : String(v);
              expected.examples.push({ key: item.key, metric: c, before: text(stored[i][c]), after: text(now[c]) });
            }
          },
        );
        assert(expected.count > 50, `the change moves many items (${expected.count})`);
        const touched = { ...scope, changedStatuses: [status.get(LIMBO)!], everyItem: false };
        assertEquals(await flowMetricEffect(tx, touched), expected);
        throw new Rollback();
      }).catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    });
  });
}

class Rollback extends Error {}
