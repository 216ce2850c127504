// The Embedder port. Two adapters sit beside it: the offline lexical embedder (lexical_embedder.ts, the embedded
// default: feature hashing, no network, no model) and any OpenAI-compatible /v1/embeddings server
// (openai_embedder.ts). Both pass the same conformance suite (embedder_conformance.ts).

export interface Embedder {
  /** Model id, recorded in the bridge (qdrant_vectors.embedder) and part of the content hash and collection name. */
  readonly id: string;
  /** "lexical" results are labelled as such wherever they are shown: similar words, not similar meaning. */
  readonly kind: "lexical" | "semantic";
  /** Vector length; remote embedders learn it with their first call (see `ready`). */
  readonly dimensions: number | undefined;
  /** Resolves the dimension once (a remote embedder asks its server); later calls return the known value. */
  ready(signal?: AbortSignal): Promise<number>;
  /**
   * One unit-length vector per text, same order. Texts must be non-empty. Throws rather than return a partial,
   * zero or wrongly sized vector: a failed batch is retried or dead-lettered, never stored as zeros.
   */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

/** The embedder answered with something that is not a valid vector per input (never stored). */
export class EmbeddingShapeError extends Error {
  override name = "EmbeddingShapeError";
}

/** Scales to unit length; a zero or non-finite vector is refused (cosine similarity is undefined for it). */
export function unitVector(v: number[], what: string): number[] {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new EmbeddingShapeError(`${what}: component ${i} is not a finite number`);
    }
    sum += x * x;
  }
  if (sum === 0) throw new EmbeddingShapeError(`${what}: the embedder returned a zero vector`);
  const norm = Math.sqrt(sum);
  return Math.abs(norm - 1) < 1e-6 ? v : v.map((x) => x / norm);
}
