// Reading a Delta table's transaction log (_delta_log/NNNNNNNNNNNNNNNNNNNN.json, one JSON action per line) for a
// read-only loader: which versions exist, the actions of each, and the protocol features this reader can honour.
// Unknown actions and fields are ignored, as the protocol asks. Checkpoint Parquet files are not read: a log whose
// early commits were cleaned up can be read incrementally from a version we hold, not walked from scratch.
import type { OneLakeClient } from "../client/onelake.ts";

export interface AddAction {
  path: string;
  size: number;
  partitionValues?: Record<string, string | null>;
  dataChange?: boolean;
  deletionVector?: unknown;
}

export interface RemoveAction {
  path: string;
  dataChange?: boolean;
}

export interface CommitActions {
  version: number;
  adds: AddAction[];
  removes: RemoveAction[];
  schemaString: string | null;
  partitionColumns: string[] | null;
  timestamp: number | null;
}

export class DeltaUnsupportedError extends Error {
  override readonly name = "DeltaUnsupportedError";
}

const COMMIT = /(?:^|\/)(\d{20})\.json$/;
/** Reader features that change what rows are returned; this reader implements none of them. */
const SUPPORTED_READER_FEATURES = new Set(["timestampNtz"]);

export function logDir(tableDir: string): string {
  return `${tableDir}/_delta_log`;
}

/** Versions present in the log (path by version). */
export async function listVersions(client: OneLakeClient, tableDir: string): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const entry of await client.list(logDir(tableDir))) {
    const m = COMMIT.exec(entry.name);
    if (m && !entry.isDirectory) out.set(Number(m[1]), `${logDir(tableDir)}/${m[1]}.json`);
  }
  return out;
}

export function parseCommit(version: number, text: string): CommitActions {
  const out: CommitActions = {
    version,
    adds: [],
    removes: [],
    schemaString: null,
    partitionColumns: null,
    timestamp: null,
  };
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const action = JSON.parse(line) as Record<string, Record<string, unknown>>;
    if (action.protocol) checkProtocol(action.protocol);
    if (action.metaData) {
      const cfg = (action.metaData.configuration ?? {}) as Record<string, string>;
      const mode = cfg["delta.columnMapping.mode"];
      if (mode && mode !== "none") throw new DeltaUnsupportedError(`column mapping mode ${mode} is not supported`);
      out.schemaString = String(action.metaData.schemaString);
      out.partitionColumns = (action.metaData.partitionColumns as string[] | undefined) ?? [];
    }
    if (action.add) {
      if (action.add.deletionVector) {
        throw new DeltaUnsupportedError("the table uses deletion vectors, which this reader does not apply");
      }
      out.adds.push({ ...action.add, path: decodeURIComponent(String(action.add.path)) } as AddAction);
    }
    if (action.remove) {
      out.removes.push({ ...action.remove, path: decodeURIComponent(String(action.remove.path)) } as RemoveAction);
    }
    if (action.commitInfo && typeof action.commitInfo.timestamp === "number") {
      out.timestamp = action.commitInfo.timestamp;
    }
  }
  return out;
}

function checkProtocol(protocol: Record<string, unknown>) {
  const features = (protocol.readerFeatures as string[] | undefined) ?? [];
  const unsupported = features.filter((f) => !SUPPORTED_READER_FEATURES.has(f));
  if (unsupported.length) {
    throw new DeltaUnsupportedError(`the table needs reader features this reader lacks: ${unsupported.join(", ")}`);
  }
  if (Number(protocol.minReaderVersion ?? 1) === 2) {
    throw new DeltaUnsupportedError("the table needs reader version 2 (column mapping), which is not supported");
  }
}

export async function readCommit(client: OneLakeClient, path: string, version: number): Promise<CommitActions> {
  return parseCommit(version, await client.readText(path));
}
