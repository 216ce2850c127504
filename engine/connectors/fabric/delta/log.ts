// Reading a Delta table's transaction log (_delta_log/NNNNNNNNNNNNNNNNNNNN.json, one JSON action per line) for a
// read-only loader: which versions exist, the actions of each, and the protocol features this reader can honour.
// Unknown actions and fields are ignored, as the protocol asks. The listing also finds checkpoints (checkpoint.ts
// reads them), so a log whose early commits were cleaned up is read from its checkpoint.
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
  partitionValues?: Record<string, string | null>;
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
/** `<version>.checkpoint.parquet`, or part `<part>` of `<parts>`: `<version>.checkpoint.<part>.<parts>.parquet`. */
const CHECKPOINT = /(?:^|\/)(\d{20})\.checkpoint(?:\.(\d{10})\.(\d{10}))?\.parquet$/;
/** Reader features that change what rows are returned; this reader implements none of them. */
const SUPPORTED_READER_FEATURES = new Set(["timestampNtz"]);

export function logDir(tableDir: string): string {
  return `${tableDir}/_delta_log`;
}

/** A checkpoint of one version: every part, in order (one for a single-file checkpoint). */
export interface CheckpointFiles {
  version: number;
  files: Array<{ path: string; size: number }>;
}

export interface LogListing {
  /** JSON commits present (path by version). */
  commits: Map<number, string>;
  /** Complete checkpoints present (a multi-part one with a part missing is left out). */
  checkpoints: Map<number, CheckpointFiles>;
}

/** The commits and checkpoints present in the log. */
export async function listLog(client: OneLakeClient, tableDir: string): Promise<LogListing> {
  const commits = new Map<number, string>();
  const parts = new Map<string, Array<{ part: number; path: string; size: number }>>();
  for (const entry of await client.list(logDir(tableDir))) {
    if (entry.isDirectory) continue;
    const name = entry.name.split("/").pop()!;
    const path = `${logDir(tableDir)}/${name}`;
    const commit = COMMIT.exec(name);
    if (commit) commits.set(Number(commit[1]), path);
    const cp = CHECKPOINT.exec(name);
    if (cp) {
      const key = `${Number(cp[1])}/${Number(cp[3] ?? 1)}`;
      parts.set(key, [...parts.get(key) ?? [], { part: Number(cp[2] ?? 1), path, size: entry.contentLength }]);
    }
  }
  const checkpoints = new Map<number, CheckpointFiles>();
  for (const [key, files] of parts) {
    const [version, count] = key.split("/").map(Number);
    const distinct = new Set(files.map((f) => f.part));
    if (distinct.size !== count || [...distinct].some((p) => p < 1 || p > count)) continue;
    const sorted = files.sort((a, b) => a.part - b.part).map(({ path, size }) => ({ path, size }));
    checkpoints.set(version, { version, files: sorted });
  }
  return { commits, checkpoints };
}

export function emptyActions(version: number): CommitActions {
  return { version, adds: [], removes: [], schemaString: null, partitionColumns: null, timestamp: null };
}

/** Folds one log action (a JSON line of a commit, or a row of a checkpoint) into `out`. */
export function applyAction(out: CommitActions, action: Record<string, Record<string, unknown> | null | undefined>) {
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
    out.adds.push({ ...action.add, path: decodeURIComponent(String(action.add.path)) } as unknown as AddAction);
  }
  if (action.remove) {
    out.removes.push({ ...action.remove, path: decodeURIComponent(String(action.remove.path)) } as RemoveAction);
  }
  if (action.commitInfo && typeof action.commitInfo.timestamp === "number") {
    out.timestamp = action.commitInfo.timestamp;
  }
}

export function parseCommit(version: number, text: string): CommitActions {
  const out = emptyActions(version);
  for (const line of text.split("\n")) {
    if (line.trim()) applyAction(out, JSON.parse(line));
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
