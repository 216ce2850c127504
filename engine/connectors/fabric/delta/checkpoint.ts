// Delta checkpoints: the table's state at one version (live files as `add`, the `metaData`, the `protocol`) in one
// Parquet file or several parts, so readers need not replay the log from version 0 — and once the log is cleaned up
// they cannot. `_delta_log/_last_checkpoint` names the newest ({"version": n, "parts": k}); the listing is the
// authority on what is present, so a hint naming files that are gone (or a checkpoint newer than the version being
// read) falls back to the newest complete checkpoint the listing has. Checkpoint `remove` rows are tombstones kept
// for VACUUM and are not read.
import { cachedAsyncBuffer, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { FileGoneError, type OneLakeClient } from "../client/onelake.ts";
import { applyAction, type CheckpointFiles, type CommitActions, emptyActions, logDir, type LogListing } from "./log.ts";

/** The `_last_checkpoint` hint: its version, or null when there is none or it does not parse. */
export async function lastCheckpointVersion(client: OneLakeClient, tableDir: string): Promise<number | null> {
  let text: string;
  try {
    text = await client.readText(`${logDir(tableDir)}/_last_checkpoint`);
  } catch (e) {
    if (e instanceof FileGoneError) return null;
    throw e;
  }
  try {
    const version = Number((JSON.parse(text) as { version?: unknown }).version);
    return Number.isSafeInteger(version) && version >= 0 ? version : null;
  } catch {
    return null;
  }
}

/**
 * The checkpoint to start a full read at `target` from: the hinted one when it is present and every later commit up
 * to the target is too, else the newest such checkpoint; null when none qualifies.
 */
export function chooseCheckpoint(listing: LogListing, hint: number | null, target: number): CheckpointFiles | null {
  const usable = (v: number) => {
    if (v > target || !listing.checkpoints.has(v)) return false;
    for (let c = v + 1; c <= target; c++) if (!listing.commits.has(c)) return false;
    return true;
  };
  if (hint !== null && usable(hint)) return listing.checkpoints.get(hint)!;
  const versions = [...listing.checkpoints.keys()].filter(usable).sort((a, b) => b - a);
  return versions.length ? listing.checkpoints.get(versions[0])! : null;
}

/** The state a checkpoint holds, as the actions of its version (every part, over Range reads). */
export async function readCheckpoint(client: OneLakeClient, checkpoint: CheckpointFiles): Promise<CommitActions> {
  const out = emptyActions(checkpoint.version);
  for (const part of checkpoint.files) {
    const file = cachedAsyncBuffer({
      byteLength: part.size,
      slice: (start, end) => client.readRange(part.path, start, end ?? part.size),
    });
    const metadata = await parquetMetadataAsync(file);
    const present = new Set(metadata.schema.map((s) => s.name));
    const columns = ["protocol", "metaData", "add"].filter((c) => present.has(c));
    const rows = await parquetReadObjects({ file, metadata, columns, compressors });
    for (const row of rows) applyAction(out, row as Record<string, Record<string, unknown> | null>);
  }
  return out;
}
