// The offline lexical embedder, Sluice's embedded default: feature hashing of word unigrams and bigrams into a fixed
// number of dimensions, signed, log-scaled and L2-normalised. It needs no network and no model, is deterministic,
// and is honest about what it is — kind "lexical": texts sharing words score high, synonyms do not.
import type { Embedder } from "./embedder.ts";

const TOKEN = /[\p{L}\p{N}]+/gu;

/** FNV-1a 32-bit: fast, stable across platforms, good enough spread for feature hashing. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class HashingEmbedder implements Embedder {
  readonly kind = "lexical" as const;
  readonly id: string;
  readonly dimensions: number;

  constructor(dimensions = 256) {
    if (!Number.isInteger(dimensions) || dimensions < 8 || dimensions > 4096) {
      throw new Error(`dimensions must be a whole number from 8 to 4096, got ${dimensions}`);
    }
    this.dimensions = dimensions;
    this.id = `lexical-hash-${dimensions}`;
  }

  ready(): Promise<number> {
    return Promise.resolve(this.dimensions);
  }

  embed(texts: string[]): Promise<number[][]> {
    return Promise.resolve(texts.map((t) => this.#one(t)));
  }

  #one(text: string): number[] {
    const words = text.toLowerCase().match(TOKEN) ?? [];
    if (words.length === 0) throw new Error("cannot embed a text without words");
    const counts = new Map<string, number>();
    for (let i = 0; i < words.length; i++) {
      counts.set(words[i], (counts.get(words[i]) ?? 0) + 1);
      if (i > 0) {
        const bigram = `${words[i - 1]} ${words[i]}`;
        counts.set(bigram, (counts.get(bigram) ?? 0) + 0.5);
      }
    }
    const v = new Array<number>(this.dimensions).fill(0);
    for (const [feature, count] of counts) {
      const h = fnv1a(feature);
      // The top bit picks the sign so that collisions cancel out on average instead of piling up.
      v[h % this.dimensions] += (h & 0x80000000 ? -1 : 1) * (1 + Math.log(count));
    }
    const norm = Math.hypot(...v);
    // All features may collide and cancel; fall back to the unsigned histogram rather than a zero vector.
    if (norm === 0) {
      for (const [feature] of counts) v[fnv1a(feature) % this.dimensions] += 1;
      return normalise(v);
    }
    return v.map((x) => x / norm);
  }
}

function normalise(v: number[]): number[] {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}
