// Deleting a Fabric integration over the API: refused (409) while its job is active, and the loaded table stays;
// once the job is off, the delete drops the integration's fabric_<id>_<table> tables with their registry rows — and
// another integration's loaded table is untouched.
import { assert, assertEquals } from "../support/assert.ts";
import { primaryKind } from "../support/db.ts";
import { startTestApp } from "../support/app.ts";
import { startFakeGraph } from "../fakes/msgraph/mod.ts";
import { DeltaTableWriter, startFakeOneLake } from "../fakes/onelake/mod.ts";
import { createFabricConnector } from "../../engine/connectors/fabric/connector.ts";
import { runSync } from "../jira/driver.ts";
import { FAST_ONELAKE, FIELDS, orders, pointAtFakes, TABLE_DIR } from "./support.ts";
import type { Db } from "../../db/port.ts";

const kind = primaryKind();

const exists = async (db: Db, table: string) =>
  (await db.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [table]))[0].t !== null;

Deno.test(`fabric delete api[${kind}]: refused while the job is active; then drops the loaded tables`, async () => {
  const graph = startFakeGraph();
  const lake = startFakeOneLake(graph);
  const app = await startTestApp(kind, { env: { LOG_LEVEL: "error" } });
  try {
    new DeltaTableWriter(lake.files, TABLE_DIR).create(FIELDS, orders(1, 3));
    new DeltaTableWriter(lake.files, "Sales.Lakehouse/Tables/refunds").create(FIELDS, orders(1, 2));
    const settings = {
      workspace: lake.workspace,
      lakehouse: "Sales",
      tables: ["orders:Id", "refunds:Id"],
      onelakeUrl: lake.url,
    };
    const load = async (tenantId: number) => {
      const integrationId = await pointAtFakes(app.db, tenantId, graph, settings);
      const connector = createFabricConnector({ onelake: FAST_ONELAKE });
      const run = await runSync({ db: app.db, tenantId, integrationId, credentials: graph.credentials, connector });
      assert(!run.stopped);
      return integrationId;
    };
    const tenantId = await app.tenant("Acme");
    const other = await load(await app.tenant("Globex"));
    const id = await load(tenantId);
    const admin = await app.login((await app.user(tenantId, "admin")).email);
    const tables = [`fabric_${id}_orders`, `fabric_${id}_refunds`];
    for (const t of tables) assert(await exists(app.db, t), t);

    await app.db.query("UPDATE etl_jobs SET active = true WHERE integration_id = $1", [id]);
    const refused = await app.api(`/app/etl/integrations/${id}`, { method: "DELETE", token: admin });
    assertEquals(refused.status, 409);
    assertEquals((await refused.json()).error.code, "integration_in_use");
    for (const t of tables) assert(await exists(app.db, t), `${t} stays while the delete is refused`);

    await app.db.query("UPDATE etl_jobs SET active = false WHERE integration_id = $1", [id]);
    const deleted = await app.api(`/app/etl/integrations/${id}`, { method: "DELETE", token: admin });
    assertEquals(deleted.status, 200);
    for (const t of tables) assertEquals(await exists(app.db, t), false, `${t} is dropped`);
    const [{ n }] = await app.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM fabric_tables WHERE integration_id = $1",
      [id],
    );
    assertEquals(n, 0);
    assert(await exists(app.db, `fabric_${other}_orders`), "another tenant's integration keeps its table");
    const [{ rows }] = await app.db.query<{ rows: number }>(`SELECT count(*)::int AS rows FROM fabric_${other}_orders`);
    assertEquals(rows, 3);
  } finally {
    await app.close();
    await lake.close();
    await graph.close();
  }
});
