// Writes a Delta table into the fake OneLake's files the way a writer would: Parquet data files (hyparquet-writer)
// and one newline-delimited JSON commit per version under _delta_log (protocol, metaData with the Spark schema,
// add/remove actions, commitInfo). Enough of the Delta protocol for a reader's tests: appends, a file removed
// (rows deleted by rewriting the file), a schema change, a vacuumed file, partitioned tables (a file per partition
// under `<column>=<value>/`, the partition columns only in the log's partitionValues), checkpoints (single or
// multi-part, with _last_checkpoint) and log cleanup.
import { parquetWriteBuffer } from "hyparquet-writer";
import { type CheckpointAction, checkpointParquet } from "./delta_checkpoint.ts";
import type { BasicType } from "hyparquet-writer";

export interface FieldDef {
  name: string;
  /** Spark type in the schema string. */
  type: "string" | "long" | "integer" | "double" | "boolean" | "timestamp";
}

const PARQUET: Record<FieldDef["type"], BasicType> = {
  string: "STRING",
  long: "INT64",
  integer: "INT32",
  double: "DOUBLE",
  boolean: "BOOLEAN",
  timestamp: "TIMESTAMP",
};

export type Row = Record<string, unknown>;

export class DeltaTableWriter {
  version = -1;
  fields: FieldDef[] = [];
  /** Live data files and the rows each holds. */
  readonly live = new Map<string, Row[]>();
  /** The add action of each live file (what a checkpoint lists). */
  private readonly adds = new Map<string, { add: Record<string, unknown> }>();
  private partitionColumns: string[] = [];
  private metaData: object = {};
  private counter = 0;

  constructor(readonly files: Map<string, Uint8Array>, readonly tableDir: string, readonly rowGroupSize = 4) {}

  private schemaString(): string {
    return JSON.stringify({
      type: "struct",
      fields: this.fields.map((f) => ({ name: f.name, type: f.type, nullable: true, metadata: {} })),
    });
  }

  private metaDataAction() {
    this.metaData = {
      id: crypto.randomUUID(),
      format: { provider: "parquet", options: {} },
      schemaString: this.schemaString(),
      partitionColumns: this.partitionColumns,
      configuration: {},
      createdTime: Date.now(),
    };
    return { metaData: this.metaData };
  }

  /** Data files for `rows` with their add actions: one file, or one per partition of a partitioned table. */
  private writeFiles(rows: Row[]): object[] {
    const byPartition = new Map<string, Row[]>();
    for (const r of rows) {
      const key = JSON.stringify(this.partitionColumns.map((c) => r[c] ?? null));
      byPartition.set(key, [...byPartition.get(key) ?? [], r]);
    }
    return [...byPartition.entries()].map(([key, part]) => {
      const values = JSON.parse(key) as unknown[];
      const partitionValues = Object.fromEntries(
        this.partitionColumns.map((c, i) => [c, this.partitionText(c, values[i])]),
      );
      const dir = this.partitionColumns.map((c) => `${c}=${partitionValues[c] ?? "__HIVE_DEFAULT_PARTITION__"}/`);
      return this.addAction(this.writeFile(part, dir.join("")), part.length, partitionValues);
    });
  }

  /** A partition value as Delta writes it: text, timestamps as "yyyy-MM-dd HH:mm:ss" in UTC. */
  private partitionText(column: string, value: unknown): string | null {
    if (value === null || value === undefined) return null;
    const type = this.fields.find((f) => f.name === column)?.type;
    return type === "timestamp"
      ? new Date(value as string).toISOString().slice(0, 19).replace("T", " ")
      : String(value);
  }

  private writeFile(rows: Row[], dir = ""): { path: string; size: number } {
    const columnData = this.fields.filter((f) => !this.partitionColumns.includes(f.name)).map((f) => ({
      name: f.name,
      type: PARQUET[f.type],
      nullable: true,
      data: rows.map((r) => {
        const v = r[f.name] ?? null;
        return f.type === "long" && v !== null
          ? BigInt(v as number)
          : f.type === "timestamp" && v !== null
          ? new Date(v as string)
          : v;
      }),
    }));
    const buffer = parquetWriteBuffer({ columnData, rowGroupSize: this.rowGroupSize });
    const path = `${dir}part-${String(++this.counter).padStart(5, "0")}-${crypto.randomUUID()}.c000.snappy.parquet`;
    this.files.set(`${this.tableDir}/${path}`, new Uint8Array(buffer));
    this.live.set(path, rows);
    return { path, size: buffer.byteLength };
  }

  private commit(actions: object[], operation: string): number {
    this.version++;
    const lines = [
      ...actions,
      { commitInfo: { timestamp: Date.UTC(2026, 0, 1) + this.version * 60_000, operation } },
    ].map((a) => JSON.stringify(a));
    const name = String(this.version).padStart(20, "0");
    this.files.set(`${this.tableDir}/_delta_log/${name}.json`, new TextEncoder().encode(lines.join("\n") + "\n"));
    return this.version;
  }

  private addAction(file: { path: string; size: number }, rows: number, partitionValues: object = {}) {
    const action = {
      add: {
        path: file.path,
        partitionValues,
        size: file.size,
        modificationTime: Date.now(),
        dataChange: true,
        stats: JSON.stringify({ numRecords: rows }),
      },
    };
    this.adds.set(file.path, action);
    return action;
  }

  create(fields: FieldDef[], rows: Row[], partitionColumns: string[] = []): number {
    this.fields = fields;
    this.partitionColumns = partitionColumns;
    return this.commit([
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      this.metaDataAction(),
      ...this.writeFiles(rows),
    ], "CREATE TABLE AS SELECT");
  }

  append(rows: Row[]): number {
    return this.commit(this.writeFiles(rows), "WRITE");
  }

  /** Deletes rows matching `drop` by rewriting each file that holds one (remove + add of the rest). */
  deleteWhere(drop: (r: Row) => boolean): number {
    const actions: object[] = [];
    for (const [path, rows] of [...this.live]) {
      if (!rows.some(drop)) continue;
      const { partitionValues } = this.adds.get(path)!.add;
      actions.push({ remove: { path, deletionTimestamp: Date.now(), dataChange: true, partitionValues } });
      this.live.delete(path);
      this.adds.delete(path);
      const kept = rows.filter((r) => !drop(r));
      if (kept.length) actions.push(...this.writeFiles(kept));
    }
    return this.commit(actions, "DELETE");
  }

  /** New schema (e.g. an added column), then rows written with it. */
  changeSchema(fields: FieldDef[], rows: Row[]): number {
    this.fields = fields;
    return this.commit([this.metaDataAction(), ...this.writeFiles(rows)], "ADD COLUMNS");
  }

  /** A checkpoint of the current version (in `parts` files) and _last_checkpoint pointing at it. */
  checkpoint(parts = 1): number {
    const actions: CheckpointAction[] = [
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      { metaData: this.metaData as Record<string, unknown> },
      ...[...this.adds.values()].map((a) => ({ add: { ...a.add, dataChange: false } })),
    ];
    const name = String(this.version).padStart(20, "0");
    checkpointParquet(actions, parts).forEach((bytes, i) => {
      const file = parts === 1
        ? `${name}.checkpoint.parquet`
        : `${name}.checkpoint.${String(i + 1).padStart(10, "0")}.${String(parts).padStart(10, "0")}.parquet`;
      this.files.set(`${this.tableDir}/_delta_log/${file}`, bytes);
    });
    const last = { version: this.version, size: actions.length, ...(parts > 1 ? { parts } : {}) };
    this.files.set(`${this.tableDir}/_delta_log/_last_checkpoint`, new TextEncoder().encode(JSON.stringify(last)));
    return this.version;
  }

  /** Log cleanup: deletes the JSON commits of versions before `version`. */
  cleanupLog(version: number): void {
    for (let v = 0; v < version; v++) {
      this.files.delete(`${this.tableDir}/_delta_log/${String(v).padStart(20, "0")}.json`);
    }
  }

  /** Physically deletes data files no longer live (VACUUM with zero retention). */
  vacuum(): string[] {
    const gone: string[] = [];
    for (const key of [...this.files.keys()]) {
      const name = key.slice(this.tableDir.length + 1);
      if (!key.startsWith(`${this.tableDir}/`) || name.startsWith("_delta_log/")) continue;
      if (!this.live.has(name)) {
        this.files.delete(key);
        gone.push(name);
      }
    }
    return gone;
  }

  /** Every live row, as the table reads now. */
  rows(): Row[] {
    return [...this.live.values()].flat();
  }
}
