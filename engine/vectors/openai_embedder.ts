// Embedder adapter for any OpenAI-compatible `POST …/embeddings` (OpenAI, Azure OpenAI, Ollama, vLLM, LiteLLM).
// Requests go through the engine's source HTTP client, so 429 and 5xx are retried with back-off, Retry-After is
// honoured, and a budget that stays gone longer than the client will sleep becomes RateLimitedError (the embed
// stage parks the run). Inputs are batched up to a count limit and an estimated token budget per request; the
// vector length is learned from the first answer and every later vector is checked against it. An answer that is
// short, out of order, wrongly sized or zero is refused (EmbeddingShapeError) — nothing is ever padded or zeroed.
import { SourceHttpClient, type SourceHttpClientOptions } from "../http/mod.ts";
import { OPEN_ADDRESSES } from "../http/address_guard.ts";
import { type Embedder, EmbeddingShapeError, unitVector } from "./embedder.ts";

export interface OpenAiEmbedderOptions {
  /** EMBEDDINGS_URL: the API base (`https://api.openai.com/v1`) or the full `…/embeddings` URL (Azure, with its
   * `?api-version=`). */
  url: string;
  /** EMBEDDINGS_MODEL (for Azure the deployment is in the URL; the model name still labels the vectors). */
  model: string;
  /** EMBEDDINGS_API_KEY; sent as `Authorization: Bearer`, or as `api-key` to Azure OpenAI hosts. */
  apiKey?: string;
  /** Inputs per request (OpenAI allows 2,048; smaller requests keep bodies and retries small). Default 128. */
  maxInputs?: number;
  /** Estimated tokens per request (OpenAI allows 300,000 summed over the inputs). Default 200,000. */
  maxRequestTokens?: number;
  /** Estimated tokens per input (OpenAI: 8,192); longer inputs are cut to it. Default 8,000. */
  maxInputTokens?: number;
  /** Overrides for the HTTP client (tests: no pacing, quick back-off). */
  http?: Partial<SourceHttpClientOptions>;
}

interface EmbeddingsResponse {
  data?: Array<{ index?: number; embedding?: unknown }>;
}

/** A conservative token estimate without a tokenizer: ~2.5 UTF-8 bytes per token (English averages ~4). */
export function estimateTokens(text: string): number {
  return Math.ceil(new TextEncoder().encode(text).byteLength / 2.5);
}

/** Splits texts into request batches within both limits; keeps order. */
export function planBatches(texts: string[], maxInputs: number, maxRequestTokens: number): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let tokens = 0;
  texts.forEach((text, i) => {
    const t = estimateTokens(text);
    if (current.length > 0 && (current.length >= maxInputs || tokens + t > maxRequestTokens)) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(i);
    tokens += t;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The API base, whether the operator gave the base (`…/v1`) or the full `…/embeddings` URL (query kept). */
function baseOf(url: string): string {
  const u = new URL(url);
  u.pathname = u.pathname.replace(/\/+$/, "").replace(/\/embeddings$/, "") || "/";
  return u.href;
}

function isAzure(url: string): boolean {
  const host = new URL(url).hostname;
  return host.endsWith(".openai.azure.com") || host.endsWith(".cognitiveservices.azure.com");
}

export class OpenAiEmbedder implements Embedder {
  readonly kind = "semantic" as const;
  readonly id: string;
  #dimensions: number | undefined;
  #probe: Promise<number> | undefined;
  readonly #client: SourceHttpClient;
  readonly #model: string;
  readonly #maxInputs: number;
  readonly #maxRequestTokens: number;
  readonly #maxInputBytes: number;

  constructor(options: OpenAiEmbedderOptions) {
    if (!options.model.trim()) throw new Error("EMBEDDINGS_MODEL must name a model");
    this.#model = options.model.trim();
    this.id = this.#model;
    this.#maxInputs = options.maxInputs ?? 128;
    this.#maxRequestTokens = options.maxRequestTokens ?? 200_000;
    this.#maxInputBytes = Math.floor((options.maxInputTokens ?? 8_000) * 2.5);
    const key = options.apiKey;
    const azure = isAzure(options.url);
    this.#client = new SourceHttpClient({
      baseUrl: baseOf(options.url),
      timeoutMs: 120_000,
      maxAttempts: 5,
      headers: key && azure ? { "api-key": key } : undefined,
      authorization: key && !azure ? () => `Bearer ${key}` : undefined,
      secrets: () => (key ? [key] : []),
      // EMBEDDINGS_URL is the operator's own setting (often a model server on the private network), not a tenant's
      addressGuard: OPEN_ADDRESSES,
      ...options.http,
    });
  }

  get dimensions(): number | undefined {
    return this.#dimensions;
  }

  /** HTTP requests sent so far (retries included). */
  get requestsMade(): number {
    return this.#client.requestsMade;
  }

  ready(signal?: AbortSignal): Promise<number> {
    if (this.#dimensions !== undefined) return Promise.resolve(this.#dimensions);
    // One probe however many callers ask at once; a failed probe is forgotten so the next call tries again.
    this.#probe ??= this.#request(["dimension probe"], signal).then((v) => v[0].length).finally(() => {
      this.#probe = undefined;
    });
    return this.#probe;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (texts.some((t) => t.trim() === "")) throw new Error("cannot embed an empty text");
    const inputs = texts.map((t) => this.#bounded(t));
    const out = new Array<number[]>(texts.length);
    for (const batch of planBatches(inputs, this.#maxInputs, this.#maxRequestTokens)) {
      const vectors = await this.#request(batch.map((i) => inputs[i]), signal);
      batch.forEach((i, j) => out[i] = vectors[j]);
    }
    return out;
  }

  /** Cuts an input to the per-input budget at a character boundary. */
  #bounded(text: string): string {
    const bytes = new TextEncoder().encode(text);
    if (bytes.byteLength <= this.#maxInputBytes) return text;
    return new TextDecoder().decode(bytes.slice(0, this.#maxInputBytes)).replace(/\uFFFD$/, "");
  }

  async #request(input: string[], signal?: AbortSignal): Promise<number[][]> {
    const res = await this.#client.request<EmbeddingsResponse>({
      method: "POST",
      path: "/embeddings",
      endpoint: "POST embeddings",
      body: { model: this.#model, input, encoding_format: "float" },
      signal,
    });
    const data = res.body?.data;
    if (!Array.isArray(data)) throw new EmbeddingShapeError("the embeddings answer has no data array");
    if (data.length !== input.length) {
      throw new EmbeddingShapeError(`asked for ${input.length} embeddings, got ${data.length}`);
    }
    // Servers may answer out of order: `index` says which input each vector belongs to.
    const vectors = new Array<number[]>(input.length);
    for (const item of data) {
      const i = item?.index;
      if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= input.length || vectors[i]) {
        throw new EmbeddingShapeError(`embedding index ${JSON.stringify(i)} is missing, repeated or out of range`);
      }
      if (!Array.isArray(item.embedding)) throw new EmbeddingShapeError(`embedding ${i} is not a list of numbers`);
      vectors[i] = item.embedding as number[];
    }
    const expected = this.#dimensions ?? vectors[0].length;
    vectors.forEach((v, i) => {
      if (v.length !== expected) {
        throw new EmbeddingShapeError(
          `embedding ${i} has ${v.length} dimensions, expected ${expected} (model ${this.#model})`,
        );
      }
    });
    const unit = vectors.map((v, i) => unitVector(v, `embedding ${i}`));
    this.#dimensions ??= expected;
    return unit;
  }
}
