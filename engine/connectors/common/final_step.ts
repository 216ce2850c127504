// A step that reads no source: one page with one marker record, whose load does the step's work in the engine's
// transaction (commit the versions or delta links a run reached, retire what a full read no longer listed). Its
// checkpoint says "done", so a run resumed after that page commits does not do it twice.
import type { ExtractedPage } from "../../connector.ts";

export async function* finalStepPage(kind: string, checkpoint: unknown): AsyncGenerator<ExtractedPage> {
  if ((checkpoint as { done?: boolean } | null)?.done) return;
  yield { kind, records: [{ [kind]: true }], checkpoint: { done: true } };
}
