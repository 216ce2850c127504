// Delta checkpoints and partitioned tables against the fake OneLake. A table whose log was cleaned up (JSON commits
// before a checkpoint deleted) reads as checkpoint + later commits: on a first run from a single-file checkpoint
// named by _last_checkpoint, and on a later run whose versions were cleaned up from a multi-part checkpoint (rows
// deleted meanwhile retired, with the warning). A partitioned table loads its partition columns — values only in the
// log — typed from the schema, also through a checkpoint and a delete keyed on a partition column.
import { assert, assertEquals } from "../support/assert.ts";
import { adapterKinds } from "../support/db.ts";
import type { FieldDef } from "../fakes/onelake/mod.ts";
import { FIELDS, loadedRows, orders, sortById, withFabric } from "./support.ts";

async function registry(db: import("../../db/port.ts").Db) {
  const [row] = await db.query<{ delta_version: string; warning: string | null }>(
    "SELECT delta_version, warning FROM fabric_tables WHERE source_table = 'orders'",
  );
  return { version: Number(row.delta_version), warning: row.warning };
}

const PARTITIONED: FieldDef[] = [
  ...FIELDS,
  { name: "Region", type: "string" },
  { name: "Year", type: "integer" },
  { name: "Shipped", type: "timestamp" },
];

for (const kind of adapterKinds()) {
  Deno.test(`fabric checkpoints[${kind}]: a cleaned-up log reads as checkpoint + later commits`, () =>
    withFabric(kind, async ({ db, lake, table, integrationId, sync }) => {
      table.create(FIELDS, orders(1, 5));
      table.append(orders(6, 9));
      table.deleteWhere((r) => r.Id === 2);
      table.deleteWhere((r) => r.Id === 8);
      assertEquals(table.checkpoint(), 3);
      table.append(orders(10, 11));
      table.cleanupLog(4); // the checkpoint's own commit is gone too
      const run = await sync();
      assert(!run.stopped);
      assertEquals(await loadedRows(db, integrationId), sortById(table.rows()));
      assertEquals(await registry(db), { version: 4, warning: null });
      const read = lake.requests.map((r) => r.path.split("/").pop()!);
      assert(read.includes("_last_checkpoint") && read.includes("00000000000000000003.checkpoint.parquet"));
      assertEquals(read.filter((p) => p.endsWith(".json")), ["00000000000000000004.json"]);

      // a later run whose versions were cleaned up starts again from the newest (multi-part) checkpoint
      table.deleteWhere((r) => r.Id === 7);
      table.append(orders(12, 20));
      assertEquals(table.checkpoint(3), 6);
      table.append(orders(21, 21));
      table.cleanupLog(7);
      const before = lake.requests.length;
      await sync();
      const parts = lake.requests.slice(before).map((r) => r.path.split("/").pop()!).filter((p) =>
        /checkpoint\./.test(p)
      );
      assertEquals(new Set(parts).size, 3, "every part of the checkpoint is read");
      const rows = await loadedRows(db, integrationId);
      assertEquals(rows, sortById(table.rows()));
      assert(!rows.some((r) => r.Id === 7), "a row deleted in a cleaned-up version is retired");
      const reg = await registry(db);
      assertEquals(reg.version, 7);
      assert(reg.warning?.startsWith("log versions after 4 were cleaned up"), reg.warning!);

      // without a checkpoint to start from, the run fails saying so
      table.append(orders(30, 30));
      lake.files.forEach((_, key) => key.includes("checkpoint") && lake.files.delete(key));
      table.cleanupLog(8);
      await db.query("UPDATE fabric_tables SET delta_version = NULL");
      const failed = await sync({ catchErrors: true });
      assert(
        /log version 0 was cleaned up and no checkpoint covers it/.test(String(failed.error)),
        String(failed.error),
      );
    }));

  Deno.test(`fabric partitions[${kind}]: partition columns load typed from the schema`, () =>
    withFabric(kind, async ({ db, lake, table, integrationId, settings, sync }) => {
      const row = (id: number, region: string | null, year: number) => ({
        ...orders(id, id)[0],
        Region: region,
        Year: year,
        Shipped: "2026-03-04T05:06:07.000Z",
      });
      // a session zone other than UTC (PGlite's one session keeps it): partition timestamps must not depend on it
      await db.exec("SET TIME ZONE 'America/New_York'");
      table.create(PARTITIONED, [row(1, "EMEA", 2025), row(2, "APAC", 2026), row(3, null, 2026)], [
        "Region",
        "Year",
        "Shipped",
      ]);
      assert([...lake.files.keys()].some((k) => k.includes("/Region=EMEA/Year=2025/Shipped=")), "files per partition");
      table.checkpoint();
      table.append([row(4, "EMEA", 2026)]);
      table.cleanupLog(1);
      await sync();
      const types = await db.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1
          AND column_name IN ('region', 'year', 'shipped') ORDER BY column_name`,
        [`fabric_${integrationId}_orders`],
      );
      assertEquals(types.map((t) => `${t.column_name}:${t.data_type}`), [
        "region:text",
        "shipped:timestamp with time zone",
        "year:integer",
      ]);
      const loaded = async () =>
        (await loadedRows(db, integrationId, ["region", "year"])).map((r) => [r.Id, r.region, r.year]);
      assertEquals(await loaded(), [[1, "EMEA", 2025], [2, "APAC", 2026], [3, null, 2026], [4, "EMEA", 2026]]);
      const [{ shipped }] = await db.query<{ shipped: Date }>(
        `SELECT shipped FROM fabric_${integrationId}_orders WHERE id = 4`,
      );
      assertEquals(shipped.toISOString(), "2026-03-04T05:06:07.000Z", "a zone-less partition timestamp is UTC");

      // keyed on a partition column: a delete's key comes from the remove action's partition values
      await db.query(`DROP TABLE fabric_${integrationId}_orders`);
      await db.query("DELETE FROM fabric_tables");
      await db.query("UPDATE integrations SET settings = $2::jsonb WHERE id = $1", [
        integrationId,
        JSON.stringify({ ...settings, tables: ["orders:Id+Year"] }),
      ]);
      await sync();
      table.deleteWhere((r) => r.Id === 1);
      await sync();
      assertEquals(await loaded(), [[2, "APAC", 2026], [3, null, 2026], [4, "EMEA", 2026]]);
    }));
}
