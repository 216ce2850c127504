// The Fabric connector against a fake OneLake serving a Delta table the test writes with hyparquet-writer: the
// first run reads the whole table (row group by row group, over Range reads); later runs read only the versions
// not read yet — an append with an update of an existing key, a delete (a removed file rewritten), an added
// column; an incompatible change fails the run naming the column; a file vacuumed before it was read falls back
// to a full read with a warning, and rows the table no longer has are retired.
import { assert, assertEquals } from "../support/assert.ts";
import { adapterKinds } from "../support/db.ts";
import { FIELDS, loadedRows, orders, sortById, withFabric } from "./support.ts";

async function registry(db: import("../../db/port.ts").Db) {
  const [row] = await db.query<{ delta_version: string; warning: string | null; last_change_at: Date | null }>(
    "SELECT delta_version, warning, last_change_at FROM fabric_tables WHERE source_table = 'orders'",
  );
  return { version: Number(row.delta_version), warning: row.warning, lastChange: row.last_change_at };
}

for (const kind of adapterKinds()) {
  Deno.test(`fabric sync[${kind}]: full read, then appended, deleted and schema-changed versions only`, () =>
    withFabric(kind, async ({ db, lake, table, integrationId, sync }) => {
      table.create(FIELDS, orders(1, 10));
      const first = await sync();
      assert(!first.stopped);
      assertEquals(await loadedRows(db, integrationId), sortById(table.rows()));
      assertEquals((await registry(db)).version, 0);
      assert(lake.requests.some((r) => r.range !== null && r.status === 206), "Parquet is read by ranges");
      assertEquals(
        first.kinds.filter((k) => k === "fabric_rows").length,
        5,
        "row groups of 4, 4, 2 rows; 3 a page: 2 + 2 + 1",
      );
      const types = await db.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
        [`fabric_${integrationId}_orders`],
      );
      assertEquals(types.map((t) => `${t.column_name}:${t.data_type}`), [
        "tenant_id:integer",
        "id:bigint",
        "customer_name:text",
        "amount:double precision",
        "paid:boolean",
        "_delta_version:bigint",
        "_deleted:boolean",
      ]);

      // an append that also updates key 3 (the newer version wins)
      table.append([...orders(11, 13), ...orders(3, 3, { amount: 999 })]);
      const before = lake.requests.length;
      await sync();
      const logReads = lake.requests.slice(before).filter((r) => r.path.endsWith(".json")).map((r) => r.path);
      assertEquals(logReads.map((p) => p.slice(-7)), ["01.json"], "only the new version's commit is read");
      const rows = await loadedRows(db, integrationId);
      assertEquals(rows.length, 13);
      assertEquals(rows.find((r) => r.Id === 3)!.amount, 999);

      // a delete rewrites the files holding the rows (remove + add)
      table.deleteWhere((r) => r.Id === 2 || r.Id === 12);
      await sync();
      assertEquals((await loadedRows(db, integrationId)).map((r) => r.Id), [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13]);
      assertEquals((await registry(db)).version, 2);

      // an added column
      table.changeSchema([...FIELDS, { name: "Region", type: "string" }], orders(20, 21, { Region: "EMEA" }));
      await sync();
      const withRegion = await loadedRows(db, integrationId, ["region"]);
      assertEquals(withRegion.filter((r) => r.region === "EMEA").map((r) => r.Id), [20, 21]);
      assertEquals(withRegion.find((r) => r.Id === 1)!.region, null);
      const reg = await registry(db);
      assertEquals([reg.version, reg.warning], [3, null]);
      assertEquals(reg.lastChange?.toISOString(), new Date(Date.UTC(2026, 0, 1) + 3 * 60_000).toISOString());

      // an incompatible change: amount becomes a string
      table.changeSchema(
        FIELDS.map((f) => f.name === "amount" ? { name: "amount", type: "string" as const } : f),
        [{ Id: 30, "Customer Name": "X", amount: "lots", paid: true }],
      );
      const failed = await sync({ catchErrors: true });
      assert(failed.stopped);
      const message = (failed.error as Error).message;
      assert(/incompatible schema change \(amount: double precision → text\)/.test(message), message);
      assertEquals((await registry(db)).version, 3, "the version is not committed");
    }));

  Deno.test(`fabric sync[${kind}]: a file vacuumed before it was read falls back to a full read, with a warning`, () =>
    withFabric(kind, async ({ db, table, integrationId, sync }) => {
      table.create(FIELDS, orders(1, 6));
      await sync();
      table.deleteWhere((r) => r.Id === 4);
      table.append(orders(7, 8));
      const vacuumed = table.vacuum();
      assertEquals(vacuumed.length, 1, "the rewritten file is gone");
      await sync();
      assertEquals(await loadedRows(db, integrationId), sortById(table.rows()));
      const reg = await registry(db);
      assertEquals(reg.version, 2);
      assert(reg.warning?.includes("was vacuumed before it was read: read the whole table at version 2"), reg.warning!);
      // the next incremental read clears the warning
      table.append(orders(9, 9));
      await sync();
      assertEquals((await registry(db)).warning, null);
      assertEquals((await loadedRows(db, integrationId)).length, 8);
    }));

  Deno.test(`fabric sync[${kind}]: throttling waits for Retry-After; a table that is not Delta is named`, () =>
    withFabric(kind, async ({ db, lake, table, integrationId, settings, sync }) => {
      table.create(FIELDS, orders(1, 3));
      lake.throttle(2, 1);
      const started = Date.now();
      await sync();
      assert(Date.now() - started >= 1900, "two waits of the second asked for");
      assertEquals((await loadedRows(db, integrationId)).length, 3);
      await db.query("UPDATE integrations SET settings = $2::jsonb WHERE id = $1", [
        integrationId,
        JSON.stringify({ ...settings, tables: ["missing:id"] }),
      ]);
      const failed = await sync({ catchErrors: true });
      assert(
        /PathNotFound|no Delta log under Tables\/missing/.test((failed.error as Error).message),
        String(failed.error),
      );
    }));
}
