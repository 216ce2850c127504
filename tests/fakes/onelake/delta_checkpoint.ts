// Delta checkpoint Parquet as a writer produces it (hyparquet-writer with an explicit nested schema): one row per
// action, a struct column per action type (`protocol`, `metaData`, `add`, `remove`), `partitionValues` and
// `configuration` as Parquet MAPs, `partitionColumns` as a LIST. The rows can be spread over several parts
// (multi-part checkpoint, `<version>.checkpoint.<part>.<parts>.parquet`).
import { parquetWriteBuffer } from "hyparquet-writer";

type Element = Record<string, unknown>;

const str = (name: string, repetition = "OPTIONAL"): Element => ({
  name,
  type: "BYTE_ARRAY",
  converted_type: "UTF8",
  repetition_type: repetition,
});
const leaf = (name: string, type: string): Element => ({ name, type, repetition_type: "OPTIONAL" });
const stringMap = (name: string): Element[] => [
  { name, repetition_type: "OPTIONAL", converted_type: "MAP", num_children: 1 },
  { name: "key_value", repetition_type: "REPEATED", num_children: 2 },
  str("key", "REQUIRED"),
  str("value"),
];
const stringList = (name: string): Element[] => [
  { name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  str("element"),
];
const group = (name: string, children: Element[][]): Element[] => [
  { name, repetition_type: "OPTIONAL", num_children: children.length },
  ...children.flat(),
];

const SCHEMA: Element[] = [
  { name: "spark_schema", num_children: 4 },
  ...group("protocol", [[leaf("minReaderVersion", "INT32")], [leaf("minWriterVersion", "INT32")]]),
  ...group("metaData", [
    [str("id")],
    [str("schemaString")],
    stringList("partitionColumns"),
    stringMap("configuration"),
    [leaf("createdTime", "INT64")],
  ]),
  ...group("add", [
    [str("path")],
    stringMap("partitionValues"),
    [leaf("size", "INT64")],
    [leaf("modificationTime", "INT64")],
    [leaf("dataChange", "BOOLEAN")],
    [str("stats")],
  ]),
  ...group("remove", [[str("path")], [leaf("deletionTimestamp", "INT64")], [leaf("dataChange", "BOOLEAN")]]),
];

export type CheckpointAction = Partial<Record<"protocol" | "metaData" | "add" | "remove", Record<string, unknown>>>;

const COLUMNS = ["protocol", "metaData", "add", "remove"] as const;
const INT64 = new Set(["size", "modificationTime", "createdTime", "deletionTimestamp"]);

/** Numbers of INT64 fields as bigint, as the writer wants them. */
function int64s(value: Record<string, unknown> | undefined): Record<string, unknown> | null {
  if (!value) return null;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, INT64.has(k) && typeof v === "number" ? BigInt(v) : v]),
  );
}

/** The checkpoint files' bytes: the actions spread evenly over `parts` files. */
export function checkpointParquet(actions: CheckpointAction[], parts = 1): Uint8Array[] {
  const per = Math.ceil(actions.length / parts);
  return Array.from({ length: parts }, (_, i) => {
    const slice = actions.slice(i * per, (i + 1) * per);
    const buffer = parquetWriteBuffer({
      // deno-lint-ignore no-explicit-any
      schema: SCHEMA as any,
      columnData: COLUMNS.map((name) => ({ name, data: slice.map((a) => int64s(a[name])) })),
    });
    return new Uint8Array(buffer);
  });
}
