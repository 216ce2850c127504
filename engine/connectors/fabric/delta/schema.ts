// A Delta table's schema (metaData.schemaString, Spark's struct JSON) as SQL columns: each field's SQL type and a
// safe column name. Nested and unknown types are kept as jsonb. Whether a new schema can replace the stored one:
// added columns can, widening (int → long, float → double) can, anything else is an incompatible change.

export interface ColumnDef {
  /** The field name in the Delta schema and the Parquet files. */
  source: string;
  /** The column name in the SQL table. */
  column: string;
  sqlType: string;
}

interface SparkField {
  name: string;
  type: string | { type: string };
}

const SIMPLE: Record<string, string> = {
  string: "text",
  long: "bigint",
  integer: "integer",
  short: "smallint",
  byte: "smallint",
  double: "double precision",
  float: "real",
  boolean: "boolean",
  timestamp: "timestamptz",
  timestamp_ntz: "timestamp",
  date: "date",
  binary: "bytea",
};

/** Columns every loaded table has besides the source's. */
export const SYSTEM_COLUMNS = ["tenant_id", "_delta_version", "_deleted"];

export function sqlTypeOf(type: SparkField["type"]): string {
  if (typeof type !== "string") return "jsonb";
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) return `numeric(${decimal[1]},${decimal[2]})`;
  return SIMPLE[type] ?? "jsonb";
}

export function columnName(source: string): string {
  const name = source.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^([0-9])/, "_$1").slice(0, 60);
  return name || "_column";
}

export function parseSchema(schemaString: string): ColumnDef[] {
  const schema = JSON.parse(schemaString) as { fields?: SparkField[] };
  const out: ColumnDef[] = [];
  const taken = new Set(SYSTEM_COLUMNS);
  for (const f of schema.fields ?? []) {
    const column = columnName(f.name);
    if (taken.has(column)) throw new Error(`column ${f.name} collides with ${column} after naming it for SQL`);
    taken.add(column);
    out.push({ source: f.name, column, sqlType: sqlTypeOf(f.type) });
  }
  return out;
}

const WIDENING = new Set(["smallint>integer", "smallint>bigint", "integer>bigint", "real>double precision"]);

/** What replacing `stored` with `next` needs: columns to add, to widen, and changes that cannot be applied. */
export function schemaChange(stored: ColumnDef[], next: ColumnDef[]) {
  const byName = new Map(stored.map((c) => [c.column, c]));
  const added: ColumnDef[] = [];
  const widened: ColumnDef[] = [];
  const incompatible: string[] = [];
  for (const c of next) {
    const old = byName.get(c.column);
    if (!old) added.push(c);
    else if (old.sqlType === c.sqlType) continue;
    else if (WIDENING.has(`${old.sqlType}>${c.sqlType}`)) widened.push(c);
    // a page read under an older, narrower schema fits the widened column
    else if (WIDENING.has(`${c.sqlType}>${old.sqlType}`)) continue;
    else incompatible.push(`${c.source}: ${old.sqlType} → ${c.sqlType}`);
  }
  // a dropped column stays in SQL (its old values are kept, new rows leave it null)
  return { added, widened, incompatible };
}
