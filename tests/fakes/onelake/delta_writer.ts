// Writes a Delta table into the fake OneLake's files the way a writer would: Parquet data files (hyparquet-writer)
// and one newline-delimited JSON commit per version under _delta_log (protocol, metaData with the Spark schema,
// add/remove actions, commitInfo). Enough of the Delta protocol for a reader's tests: appends, a file removed
// (rows deleted by rewriting the file), a schema change, a vacuumed file.
import { parquetWriteBuffer } from "hyparquet-writer";
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
  private counter = 0;

  constructor(readonly files: Map<string, Uint8Array>, readonly tableDir: string, readonly rowGroupSize = 4) {}

  private schemaString(): string {
    return JSON.stringify({
      type: "struct",
      fields: this.fields.map((f) => ({ name: f.name, type: f.type, nullable: true, metadata: {} })),
    });
  }

  private metaDataAction() {
    return {
      metaData: {
        id: crypto.randomUUID(),
        format: { provider: "parquet", options: {} },
        schemaString: this.schemaString(),
        partitionColumns: [],
        configuration: {},
        createdTime: Date.now(),
      },
    };
  }

  private writeFile(rows: Row[]): { path: string; size: number } {
    const columnData = this.fields.map((f) => ({
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
    const path = `part-${String(++this.counter).padStart(5, "0")}-${crypto.randomUUID()}.c000.snappy.parquet`;
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

  private addAction(file: { path: string; size: number }, rows: number) {
    return {
      add: {
        path: file.path,
        partitionValues: {},
        size: file.size,
        modificationTime: Date.now(),
        dataChange: true,
        stats: JSON.stringify({ numRecords: rows }),
      },
    };
  }

  create(fields: FieldDef[], rows: Row[]): number {
    this.fields = fields;
    const file = this.writeFile(rows);
    return this.commit([
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      this.metaDataAction(),
      this.addAction(file, rows.length),
    ], "CREATE TABLE AS SELECT");
  }

  append(rows: Row[]): number {
    const file = this.writeFile(rows);
    return this.commit([this.addAction(file, rows.length)], "WRITE");
  }

  /** Deletes rows matching `drop` by rewriting each file that holds one (remove + add of the rest). */
  deleteWhere(drop: (r: Row) => boolean): number {
    const actions: object[] = [];
    for (const [path, rows] of [...this.live]) {
      if (!rows.some(drop)) continue;
      actions.push({ remove: { path, deletionTimestamp: Date.now(), dataChange: true } });
      this.live.delete(path);
      const kept = rows.filter((r) => !drop(r));
      if (kept.length) actions.push(this.addAction(this.writeFile(kept), kept.length));
    }
    return this.commit(actions, "DELETE");
  }

  /** New schema (e.g. an added column), then rows written with it. */
  changeSchema(fields: FieldDef[], rows: Row[]): number {
    this.fields = fields;
    const file = this.writeFile(rows);
    return this.commit([
      this.metaDataAction(),
      this.addAction(file, rows.length),
    ], "ADD COLUMNS");
  }

  /** Physically deletes data files no longer live (VACUUM with zero retention). */
  vacuum(): string[] {
    const gone: string[] = [];
    for (const key of [...this.files.keys()]) {
      if (!key.startsWith(`${this.tableDir}/part-`)) continue;
      const name = key.slice(this.tableDir.length + 1);
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
