// The configured Delta tables as engine pages. Per table: the versions after the one the last complete run read
// (fabric_tables.delta_version) up to the newest at the start of the table (the target, kept in the checkpoint so
// a resumed run reads the same versions). Incrementally, each version's removed data files give key-only delete
// rows and its added files give upsert rows, both stamped with the version (loads are commutative by version). A
// full read (first run, missing log versions, or a data file vacuumed before it was read) starts from the newest
// checkpoint at or before the target (or version 0 when there is none) and upserts every live file
// at the target version and lets the commit step retire rows the table no longer has; when it replaces an
// incremental read it says why (the warning on the job details). One page = one row group's rows (or a slice).
import type { Queryable } from "../../../../db/port.ts";
import type { ExtractedPage } from "../../../connector.ts";
import { FileGoneError, type OneLakeClient } from "../client/onelake.ts";
import { chooseCheckpoint, lastCheckpointVersion, readCheckpoint } from "../delta/checkpoint.ts";
import { type CommitActions, DeltaUnsupportedError, listLog, type LogListing, readCommit } from "../delta/log.ts";
import { type ColumnDef, columnName, parseSchema } from "../delta/schema.ts";
import { type FabricTable, lakehouseFolder } from "../settings.ts";
import { parquetRowGroups } from "./parquet_rows.ts";

export const FABRIC_KINDS = { rows: "fabric_rows", pending: "fabric_pending" } as const;

export interface FabricCheckpoint {
  table: number;
  target: number | null;
  full: boolean;
  warning: string | null;
  op: number;
  rowGroup: number;
  slice: number;
  done?: boolean;
}

interface FileOp {
  kind: "upsert" | "delete";
  path: string;
  size: number;
  version: number;
  partitionValues: Record<string, string | null>;
}

export interface RowsRecord {
  table: string;
  keyColumns: string[];
  version: number;
  op: "upsert" | "delete";
  columns: ColumnDef[];
  rows: Record<string, unknown>[];
}

export interface PendingRecord {
  table: string;
  keyColumns: string[];
  version: number;
  full: boolean;
  warning: string | null;
  columns: ColumnDef[];
  changedAt: string | null;
}

interface Stored {
  delta_version: number | null;
  columns: ColumnDef[];
}

async function storedState(db: Queryable, tenantId: number, integrationId: number, table: string): Promise<Stored> {
  const [row] = await db.query<{ delta_version: string | number | null; columns: ColumnDef[] | string }>(
    `SELECT delta_version, columns FROM fabric_tables WHERE tenant_id = $1 AND integration_id = $2 AND source_table = $3`,
    [tenantId, integrationId, table],
  );
  if (!row) return { delta_version: null, columns: [] };
  const columns = typeof row.columns === "string" ? JSON.parse(row.columns) : row.columns;
  return { delta_version: row.delta_version === null ? null : Number(row.delta_version), columns };
}

interface Plan {
  ops: FileOp[];
  columns: ColumnDef[];
  changedAt: string | null;
}

/** The actions a read replays: the commits after `from`, or for a full read the table's whole state at `target`. */
async function actionsToRead(
  client: OneLakeClient,
  tableDir: string,
  listing: LogListing,
  from: number,
  target: number,
  full: boolean,
): Promise<CommitActions[]> {
  const commits: CommitActions[] = [];
  let first = from + 1;
  if (full) {
    const checkpoint = chooseCheckpoint(listing, await lastCheckpointVersion(client, tableDir), target);
    if (checkpoint) commits.push(await readCheckpoint(client, checkpoint));
    first = checkpoint ? checkpoint.version + 1 : 0;
  }
  for (let v = first; v <= target; v++) {
    const path = listing.commits.get(v);
    if (!path) {
      throw new DeltaUnsupportedError(
        `${tableDir.split("/").slice(-2).join("/")}: log version ${v} was cleaned up and no checkpoint covers it`,
      );
    }
    commits.push(await readCommit(client, path, v));
  }
  return commits;
}

function plan(commits: CommitActions[], target: number, full: boolean, stored: ColumnDef[]): Plan {
  let columns = full ? [] : stored;
  const ops: FileOp[] = [];
  const live = new Map<string, FileOp>();
  let changedAt: string | null = null;
  for (const c of commits) {
    if (c.schemaString) columns = parseSchema(c.schemaString);
    if (c.timestamp) changedAt = new Date(c.timestamp).toISOString();
    for (const r of c.removes) {
      live.delete(r.path);
      if (!full && r.dataChange !== false) {
        // a key column may be a partition column: the remove action carries its value, the file does not
        ops.push({
          kind: "delete",
          path: r.path,
          size: 0,
          version: c.version,
          partitionValues: r.partitionValues ?? {},
        });
      }
    }
    for (const a of c.adds) {
      if (/^[a-z]+:\/\//i.test(a.path)) throw new DeltaUnsupportedError(`absolute data file paths are not supported`);
      const op: FileOp = {
        kind: "upsert",
        path: a.path,
        size: Number(a.size),
        version: full ? target : c.version,
        partitionValues: a.partitionValues ?? {},
      };
      live.set(a.path, op);
      if (!full && a.dataChange !== false) ops.push(op);
    }
  }
  if (full) return { ops: [...live.values()].sort((a, b) => a.path.localeCompare(b.path)), columns, changedAt };
  return { ops, columns, changedAt };
}

export async function* extractTables(
  client: OneLakeClient,
  settings: { lakehouse: string; tables: FabricTable[]; rowsPerPage: number },
  scope: { db: Queryable; tenantId: number; integrationId: number },
  checkpoint: FabricCheckpoint | null,
): AsyncGenerator<ExtractedPage> {
  if (checkpoint?.done) return;
  let cp: FabricCheckpoint = checkpoint ??
    { table: 0, target: null, full: false, warning: null, op: 0, rowGroup: 0, slice: 0 };
  while (cp.table < settings.tables.length) {
    const cfg = settings.tables[cp.table];
    const tableDir = `${lakehouseFolder(settings.lakehouse)}/Tables/${cfg.name}`;
    const stored = await storedState(scope.db, scope.tenantId, scope.integrationId, cfg.name);
    const listing = await listLog(client, tableDir);
    const versions = listing.commits;
    if (versions.size === 0 && listing.checkpoints.size === 0) {
      throw new DeltaUnsupportedError(`no Delta log under Tables/${cfg.name}/_delta_log`);
    }
    const target = cp.target ?? Math.max(...versions.keys(), ...listing.checkpoints.keys());
    const next = (): FabricCheckpoint => ({
      ...cp,
      table: cp.table + 1,
      target: null,
      full: false,
      warning: null,
      op: 0,
      rowGroup: 0,
      slice: 0,
    });
    const from = stored.delta_version ?? -1;
    if (cp.target === null) {
      if (stored.delta_version !== null && target <= stored.delta_version) {
        cp = next();
        continue;
      }
      const gap = Array.from({ length: target - from }, (_, i) => from + 1 + i).some((v) => !versions.has(v));
      cp = {
        ...cp,
        target,
        full: stored.delta_version === null || gap,
        warning: stored.delta_version !== null && gap
          ? `log versions after ${stored.delta_version} were cleaned up: read the whole table at version ${target}`
          : null,
      };
    }
    const commits = await actionsToRead(client, tableDir, listing, from, target, cp.full);
    const p = plan(commits, target, cp.full, stored.columns);
    let restarted = false;
    while (cp.op < p.ops.length) {
      const op = p.ops[cp.op];
      const keyOnly = op.kind === "delete" ? cfg.keyColumns.map(columnName) : undefined;
      const path = `${tableDir}/${op.path}`;
      try {
        const size = op.size || await sizeOf(client, path);
        for await (
          const g of parquetRowGroups(client, path, size, p.columns, op.partitionValues, cp.rowGroup, keyOnly)
        ) {
          for (let s = g.rowGroup === cp.rowGroup ? cp.slice : 0; s * settings.rowsPerPage < g.rows.length; s++) {
            const rows = g.rows.slice(s * settings.rowsPerPage, (s + 1) * settings.rowsPerPage);
            const record: RowsRecord = {
              table: cfg.name,
              keyColumns: cfg.keyColumns,
              version: op.version,
              op: op.kind,
              columns: p.columns,
              rows,
            };
            cp = { ...cp, rowGroup: g.rowGroup, slice: s + 1 };
            yield { kind: FABRIC_KINDS.rows, records: [record], checkpoint: cp, externalId: cfg.name };
          }
          cp = { ...cp, rowGroup: g.rowGroup + 1, slice: 0 };
        }
      } catch (e) {
        if (!(e instanceof FileGoneError) || cp.full) throw e;
        cp = {
          ...cp,
          full: true,
          op: 0,
          rowGroup: 0,
          slice: 0,
          warning: `${
            e.path.split("/").pop()
          } was vacuumed before it was read: read the whole table at version ${target}`,
        };
        restarted = true;
        break;
      }
      cp = { ...cp, op: cp.op + 1, rowGroup: 0, slice: 0 };
    }
    if (restarted) continue;
    const pending: PendingRecord = {
      table: cfg.name,
      keyColumns: cfg.keyColumns,
      version: target,
      full: cp.full,
      warning: cp.warning,
      columns: p.columns,
      changedAt: p.changedAt,
    };
    cp = next();
    yield {
      kind: FABRIC_KINDS.pending,
      records: [pending],
      checkpoint: cp.table >= settings.tables.length ? { ...cp, done: true } : cp,
      externalId: cfg.name,
    };
  }
}

/** A removed file's size (its remove action may not carry one): from the directory listing. */
async function sizeOf(client: OneLakeClient, path: string): Promise<number> {
  const dir = path.slice(0, path.lastIndexOf("/"));
  const entry = (await client.list(dir)).find((e) => e.name === path || e.name.endsWith(`/${path.split("/").pop()}`));
  if (!entry) throw new FileGoneError(path);
  return entry.contentLength;
}
