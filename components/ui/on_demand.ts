// Code an island needs only when someone acts (dialogs): fetched on first use as a separate chunk, shared after, and
// fetched again on the next try if the network failed.
import { showToast } from "./toasts.ts";

export function onDemand<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () =>
    loading ??= load().catch((e) => {
      loading = null;
      throw e;
    });
}

/** Loads the chunk, then hands it over; a chunk that cannot be fetched is said in a toast. */
export async function withChunk<T>(chunk: () => Promise<T>, use: (loaded: T) => void): Promise<void> {
  let loaded: T;
  try {
    loaded = await chunk();
  } catch {
    return showToast("error", "Could not load this dialog; check the connection and try again");
  }
  use(loaded);
}
