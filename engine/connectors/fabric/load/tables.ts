// Loads Delta rows into the integration's own table for each source table (fabric_<integration>_<name>, with
// tenant_id, the source's columns typed from its schema, _delta_version and _deleted). The first page creates the
// table (primary key: tenant + the operator's key columns); later schemas add columns or widen them, and any other
// change (a column changing type) fails the load naming the column, so the run reports it. Every write is stamped
// with its Delta version and applies only over older data, so pages commute: an upsert of version v replaces rows
// of versions ≤ v, a delete of version v leaves a tombstone (_deleted) over rows of versions < v.
import { ident } from "../../../../db/port.ts";
import { RecordLoadError } from "../../../connector.ts";
import type { Scope } from "../../common/db_util.ts";
import { type ColumnDef, columnName, schemaChange } from "../delta/schema.ts";
import type { PendingRecord, RowsRecord } from "../extract/tables.ts";

export function sqlTableName(integrationId: number, source: string): string {
  return `fabric_${integrationId}_${columnName(source.replace("/", "__"))}`.slice(0, 63);
}

interface Registry {
  sql_table: string;
  columns: ColumnDef[];
}

/** Creates or evolves the table for `record`'s schema (serialized per table by an advisory lock). */
async function ensureTable(
  scope: Scope,
  rec: { table: string; keyColumns: string[]; columns: ColumnDef[] },
): Promise<Registry> {
  const table = sqlTableName(scope.integrationId, rec.table);
  await scope.tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`fabric:${table}`]);
  const keys = rec.keyColumns.map(columnName);
  const missingKeys = keys.filter((k) => !rec.columns.some((c) => c.column === k));
  if (rec.columns.length && missingKeys.length) {
    throw new RecordLoadError(`Tables/${rec.table}: key column(s) ${missingKeys.join(", ")} are not in its schema`, [
      rec.table,
    ]);
  }
  const [row] = await scope.tx.query<{ sql_table: string; columns: ColumnDef[] | string }>(
    `SELECT sql_table, columns FROM fabric_tables WHERE tenant_id = $1 AND integration_id = $2 AND source_table = $3`,
    [scope.tenantId, scope.integrationId, rec.table],
  );
  if (!row) {
    const cols = rec.columns.map((c) => `${ident(c.column)} ${c.sqlType}`);
    await scope.tx.exec(
      `CREATE TABLE IF NOT EXISTS ${ident(table)} (tenant_id int NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
         ${cols.map((c) => `${c}, `).join("")}_delta_version bigint NOT NULL, _deleted boolean NOT NULL DEFAULT false,
         PRIMARY KEY (tenant_id, ${keys.map(ident).join(", ")}))`,
    );
    await scope.tx.query(
      `INSERT INTO fabric_tables (tenant_id, integration_id, source_table, sql_table, key_columns, columns)
       VALUES ($1, $2, $3, $4, $5::text[], $6::jsonb)`,
      [scope.tenantId, scope.integrationId, rec.table, table, keys, JSON.stringify(rec.columns)],
    );
    return { sql_table: table, columns: rec.columns };
  }
  const stored: ColumnDef[] = typeof row.columns === "string" ? JSON.parse(row.columns) : row.columns;
  const change = schemaChange(stored, rec.columns);
  if (change.incompatible.length) {
    throw new RecordLoadError(
      `Tables/${rec.table}: incompatible schema change (${change.incompatible.join("; ")}); ` +
        "the loaded table keeps its columns until it is reset",
      [rec.table],
    );
  }
  if (!change.added.length && !change.widened.length) return { sql_table: row.sql_table, columns: stored };
  for (const c of change.added) {
    await scope.tx.exec(`ALTER TABLE ${ident(row.sql_table)} ADD COLUMN IF NOT EXISTS ${ident(c.column)} ${c.sqlType}`);
  }
  for (const c of change.widened) {
    await scope.tx.exec(`ALTER TABLE ${ident(row.sql_table)} ALTER COLUMN ${ident(c.column)} TYPE ${c.sqlType}`);
  }
  const widened = new Map(change.widened.map((c) => [c.column, c]));
  const columns = [...stored.map((c) => widened.get(c.column) ?? c), ...change.added];
  await scope.tx.query(
    `UPDATE fabric_tables SET columns = $4::jsonb, updated_at = now()
      WHERE tenant_id = $1 AND integration_id = $2 AND source_table = $3`,
    [scope.tenantId, scope.integrationId, rec.table, JSON.stringify(columns)],
  );
  return { sql_table: row.sql_table, columns };
}

export async function loadRows(scope: Scope, rec: RowsRecord): Promise<{ rows: number }> {
  const { sql_table } = await ensureTable(scope, rec);
  const t = ident(sql_table);
  const keys = rec.keyColumns.map(columnName);
  // the last row per key wins within a page
  const byKey = new Map<string, Record<string, unknown>>();
  for (const r of rec.rows) byKey.set(JSON.stringify(keys.map((k) => r[k] ?? null)), r);
  const rows = [...byKey.values()];
  if (!rows.length) return { rows: 0 };
  const nullKey = rows.find((r) => keys.some((k) => r[k] === null || r[k] === undefined));
  if (nullKey) throw new RecordLoadError(`Tables/${rec.table}: a row has no value for a key column`, [rec.table]);
  const cols = (rec.op === "delete" ? keys : rec.columns.map((c) => c.column)).map(ident);
  const keyList = keys.map(ident).join(", ");
  const values = cols.map((c) => `r.${c}`).join(", ");
  const set = rec.op === "delete"
    ? `_deleted = true, _delta_version = EXCLUDED._delta_version`
    : [...cols.map((c) => `${c} = EXCLUDED.${c}`), "_delta_version = EXCLUDED._delta_version", "_deleted = false"]
      .join(", ");
  // upserts replace rows of versions ≤ theirs (an add beats a remove of the same version); deletes only older ones
  const guard = rec.op === "delete"
    ? `${t}._delta_version < EXCLUDED._delta_version`
    : `${t}._delta_version <= EXCLUDED._delta_version AND ((${
      cols.map((c) => `${t}.${c}`).join(", ")
    }, ${t}._deleted) IS DISTINCT FROM (${
      cols.map((c) => `EXCLUDED.${c}`).join(", ")
    }, false) OR ${t}._delta_version < EXCLUDED._delta_version)`;
  const written = await scope.tx.query(
    `INSERT INTO ${t} (tenant_id, ${cols.join(", ")}, _delta_version, _deleted)
     SELECT $1, ${values}, $3, $4 FROM jsonb_populate_recordset(NULL::${t}, $2::jsonb) r
     ON CONFLICT (tenant_id, ${keyList}) DO UPDATE SET ${set} WHERE ${guard}
     RETURNING 1`,
    [scope.tenantId, JSON.stringify(rows), rec.version, rec.op === "delete"],
  );
  return { rows: written.length };
}

export async function recordPending(scope: Scope, rec: PendingRecord): Promise<{ rows: number }> {
  await ensureTable(scope, rec);
  await scope.tx.query(
    `UPDATE fabric_tables SET pending_version = $4, pending_full = $5, warning = $6,
            last_change_at = coalesce($7::timestamptz, last_change_at), updated_at = now()
      WHERE tenant_id = $1 AND integration_id = $2 AND source_table = $3`,
    [scope.tenantId, scope.integrationId, rec.table, rec.version, rec.full, rec.warning, rec.changedAt],
  );
  return { rows: 0 };
}

/** The commit step: pending versions become current; a full read retires rows it did not see. */
export async function commitVersions(scope: Scope): Promise<{ rows: number }> {
  const pending = await scope.tx.query<{ sql_table: string; pending_version: string | number; pending_full: boolean }>(
    `SELECT sql_table, pending_version, pending_full FROM fabric_tables
      WHERE tenant_id = $1 AND integration_id = $2 AND pending_version IS NOT NULL ORDER BY source_table`,
    [scope.tenantId, scope.integrationId],
  );
  let rows = 0;
  for (const p of pending) {
    if (p.pending_full) {
      rows += (await scope.tx.query(
        `UPDATE ${ident(p.sql_table)} SET _deleted = true
          WHERE tenant_id = $1 AND NOT _deleted AND _delta_version < $2 RETURNING 1`,
        [scope.tenantId, Number(p.pending_version)],
      )).length;
    }
    await scope.tx.query(
      `UPDATE fabric_tables SET delta_version = pending_version, pending_version = NULL, pending_full = false,
              live_rows = (SELECT count(*) FROM ${ident(p.sql_table)} WHERE tenant_id = $1 AND NOT _deleted),
              updated_at = now()
        WHERE tenant_id = $1 AND integration_id = $2 AND sql_table = $3`,
      [scope.tenantId, scope.integrationId, p.sql_table],
    );
  }
  return { rows };
}
