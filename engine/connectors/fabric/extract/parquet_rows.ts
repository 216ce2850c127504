// Rows of one Parquet data file, streamed one row group at a time over HTTP Range reads (the footer and each
// group's column chunks are fetched as needed; the file is never held whole), as JSON-ready objects keyed by SQL
// column: INT64 → decimal string, timestamps and dates → ISO text, binary → bytea hex, nested → JSON. Partition
// values (strings in the log) are added as text PostgreSQL casts to the column's type; a timestamp's value without a
// zone ("2026-03-04 05:06:07", as Delta writes them) is UTC, never the database session's zone.
import { cachedAsyncBuffer, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import type { OneLakeClient } from "../client/onelake.ts";
import type { ColumnDef } from "../delta/schema.ts";

export interface RowGroupRows {
  rowGroup: number;
  rowGroups: number;
  rows: Record<string, unknown>[];
}

function jsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return `\\x${[...v].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  if (typeof v === "number" && !Number.isFinite(v)) return null;
  if (Array.isArray(v)) return v.map(jsonValue);
  if (typeof v === "object") {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, jsonValue(x)]));
  }
  return v;
}

export function partitionValue(raw: string | null | undefined, sqlType: string): string | null {
  if (raw === null || raw === undefined) return null;
  if (sqlType === "timestamptz" && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(raw)) {
    return `${raw.replace(" ", "T")}Z`;
  }
  return raw;
}

export async function* parquetRowGroups(
  client: OneLakeClient,
  path: string,
  size: number,
  columns: ColumnDef[],
  partitionValues: Record<string, string | null>,
  fromRowGroup = 0,
  onlyColumns?: string[],
): AsyncGenerator<RowGroupRows> {
  const file = cachedAsyncBuffer({
    byteLength: size,
    slice: (start, end) => client.readRange(path, start, end ?? size),
  });
  const metadata = await parquetMetadataAsync(file);
  const wanted = columns.filter((c) => !onlyColumns || onlyColumns.includes(c.column));
  const inFile = new Set(metadata.schema.map((s) => s.name));
  const read = wanted.filter((c) => inFile.has(c.source) && !(c.source in partitionValues)).map((c) => c.source);
  let start = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const end = start + Number(metadata.row_groups[g].num_rows);
    if (g >= fromRowGroup) {
      const raw = await parquetReadObjects({
        file,
        metadata,
        columns: read,
        rowStart: start,
        rowEnd: end,
        compressors,
      });
      const rows = raw.map((r) => {
        const out: Record<string, unknown> = {};
        for (const c of wanted) {
          out[c.column] = c.source in partitionValues
            ? partitionValue(partitionValues[c.source], c.sqlType)
            : jsonValue(r[c.source]);
        }
        return out;
      });
      yield { rowGroup: g, rowGroups: metadata.row_groups.length, rows };
    }
    start = end;
  }
}
