// Shared setup for the Fabric connector tests: the fake identity platform (tokens), a fake OneLake serving a Delta
// table the test writes ("orders" in lakehouse "Sales" of workspace "Analytics"), the tenant's seeded Fabric
// integration pointed at both, and a page-by-page sync through tests/jira/driver.ts.
import type { Db } from "../../db/port.ts";
import { createTenant } from "../../db/seed.ts";
import { createFabricConnector } from "../../engine/connectors/fabric/connector.ts";
import { type FakeGraph, type FakeGraphOptions, startFakeGraph } from "../fakes/msgraph/mod.ts";
import { DeltaTableWriter, type FakeOneLake, type FieldDef, type Row, startFakeOneLake } from "../fakes/onelake/mod.ts";
import { type AdapterKind, withTestDb } from "../support/db.ts";
import { assertEquals } from "../support/assert.ts";
import { setLogLevel } from "../../lib/log.ts";
import { runSync, type SyncOptions, type SyncResult } from "../jira/driver.ts";

export const FAST_ONELAKE = { backoffBaseMs: 1, maxWaitMs: 5_000 };
export const TABLE_DIR = "Sales.Lakehouse/Tables/orders";

export const FIELDS: FieldDef[] = [
  { name: "Id", type: "long" },
  { name: "Customer Name", type: "string" },
  { name: "amount", type: "double" },
  { name: "paid", type: "boolean" },
];

export function orders(from: number, to: number, change: Partial<Row> = {}): Row[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({
    Id: from + i,
    "Customer Name": `Customer ${from + i}`,
    amount: (from + i) * 10.5,
    paid: (from + i) % 2 === 0,
    ...change,
  }));
}

export interface FabricEnv {
  db: Db;
  graph: FakeGraph;
  lake: FakeOneLake;
  table: DeltaTableWriter;
  tenantId: number;
  integrationId: number;
  settings: Record<string, unknown>;
  sync(options?: Partial<Omit<SyncOptions, "connector">>): Promise<SyncResult>;
}

export async function withFabric(
  kind: AdapterKind,
  fn: (env: FabricEnv) => Promise<void>,
  identity: FakeGraphOptions = {},
) {
  setLogLevel("error");
  const graph = startFakeGraph(identity);
  const lake = startFakeOneLake(graph);
  try {
    await withTestDb(kind, async (db) => {
      const tenantId = await createTenant(db, "Acme");
      const settings = {
        workspace: lake.workspace,
        lakehouse: "Sales",
        tables: ["orders:Id"],
        onelakeUrl: lake.url,
        rowsPerPage: 3,
      };
      const integrationId = await pointAtFakes(db, tenantId, graph, settings);
      const table = new DeltaTableWriter(lake.files, `${TABLE_DIR}`);
      const sync: FabricEnv["sync"] = async (o = {}) =>
        await runSync({
          db,
          tenantId,
          integrationId,
          credentials: graph.credentials,
          ...o,
          connector: createFabricConnector({ onelake: FAST_ONELAKE }),
        });
      await fn({ db, graph, lake, table, tenantId, integrationId, settings, sync });
    });
    assertEquals([...graph.internalErrors, ...lake.internalErrors], []);
  } finally {
    await lake.close();
    await graph.close();
  }
}

export async function pointAtFakes(db: Db, tenantId: number, graph: FakeGraph, settings: Record<string, unknown>) {
  const [{ id }] = await db.query<{ id: number }>(
    "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'fabric'",
    [tenantId],
  );
  await db.query(
    "UPDATE integrations SET base_url = $3, settings = $4::jsonb, active = true WHERE tenant_id = $1 AND id = $2",
    [tenantId, id, graph.url, JSON.stringify(settings)],
  );
  return Number(id);
}

/** The live rows of the loaded table, as the writer's rows (source names), ordered by id. */
export async function loadedRows(db: Db, integrationId: number, extra: string[] = []): Promise<Row[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT id, customer_name, amount, paid${extra.map((c) => `, ${c}`).join("")}
       FROM fabric_${integrationId}_orders WHERE NOT _deleted ORDER BY id`,
  );
  return rows.map((r) => ({
    Id: Number(r.id),
    "Customer Name": r.customer_name,
    amount: Number(r.amount),
    paid: r.paid,
    ...Object.fromEntries(extra.map((c) => [c, r[c]])),
  }));
}

export function sortById(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => Number(a.Id) - Number(b.Id));
}
