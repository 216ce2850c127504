// An OpenAI-compatible embeddings server for tests: `POST /v1/embeddings` with OpenAI's request and response shapes
// (input string or string[], `data[{object, index, embedding}]`, `usage`), checks the Bearer key, and answers with
// deterministic vectors (feature hashing of the words, so similar texts score high and search results make sense).
// Faults are queued per request or switched on for every request: 429 with Retry-After, 500, a wrong dimension,
// a short batch (fewer embeddings than inputs), answers in reverse index order, and a full outage.
import { HashingEmbedder } from "../../../engine/vectors/lexical_embedder.ts";

export type EmbeddingFault =
  | { kind: "status"; status: 429 | 500 | 503; retryAfterSeconds?: number }
  | { kind: "wrong_dimension" }
  | { kind: "short_batch" }
  | { kind: "zero_vector" };

export interface FakeEmbeddingsOptions {
  dimensions?: number;
  apiKey?: string;
  /** Most inputs accepted per request (OpenAI: 2,048); more → 400 like OpenAI. */
  maxInputs?: number;
  /** Answer data in reverse index order (servers need not keep order). */
  reverseOrder?: boolean;
}

export interface FakeEmbeddings {
  url: string;
  apiKey: string;
  dimensions: number;
  /** Inputs of every request that reached the handler (faulted ones included). */
  requests: Array<{ inputs: number; model: string; authorized: boolean; status: number }>;
  /** Queued faults, used one per request in order. */
  faults: EmbeddingFault[];
  /** While set, every request gets this fault (an outage). */
  outage: EmbeddingFault | null;
  /** Texts embedded successfully (one entry per input). */
  embedded: string[];
  close(): Promise<void>;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

function openAiError(status: number, message: string, type: string): Response {
  return json(status, { error: { message, type, param: null, code: null } });
}

export function startFakeEmbeddings(options: FakeEmbeddingsOptions = {}): FakeEmbeddings {
  const dimensions = options.dimensions ?? 64;
  const apiKey = options.apiKey ?? "sk-test-embeddings-key";
  const hashing = new HashingEmbedder(dimensions);
  const fake: Omit<FakeEmbeddings, "url" | "close"> = {
    apiKey,
    dimensions,
    requests: [],
    faults: [],
    outage: null,
    embedded: [],
  };

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (req.method !== "POST" || !/^\/v1\/embeddings\/?$/.test(url.pathname)) {
      return openAiError(404, `unknown route ${req.method} ${url.pathname}`, "invalid_request_error");
    }
    const authorized = req.headers.get("authorization") === `Bearer ${apiKey}`;
    let body: { input?: unknown; model?: unknown; encoding_format?: unknown };
    try {
      body = await req.json();
    } catch {
      return openAiError(400, "We could not parse the JSON body of your request.", "invalid_request_error");
    }
    const inputs = typeof body.input === "string" ? [body.input] : body.input;
    const record = (status: number) =>
      fake.requests.push({
        inputs: Array.isArray(inputs) ? inputs.length : 0,
        model: String(body.model),
        authorized,
        status,
      });
    if (!authorized) {
      record(401);
      return openAiError(401, "Incorrect API key provided.", "invalid_request_error");
    }
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.some((i) => typeof i !== "string" || i === "")) {
      record(400);
      return openAiError(
        400,
        "'input' must be a non-empty string or array of non-empty strings",
        "invalid_request_error",
      );
    }
    if (typeof body.model !== "string" || body.model === "") {
      record(400);
      return openAiError(400, "you must provide a model parameter", "invalid_request_error");
    }
    if (inputs.length > (options.maxInputs ?? 2048)) {
      record(400);
      return openAiError(
        400,
        `'input' array must be ${options.maxInputs ?? 2048} dimensions or less`,
        "invalid_request_error",
      );
    }
    const fault = fake.outage ?? fake.faults.shift();
    if (fault?.kind === "status") {
      record(fault.status);
      const headers: Record<string, string> = fault.retryAfterSeconds === undefined
        ? {}
        : { "retry-after": String(fault.retryAfterSeconds) };
      return json(fault.status, {
        error: {
          message: fault.status === 429 ? "Rate limit reached" : "The server had an error",
          type: "server_error",
        },
      }, headers);
    }
    const vectors = await hashing.embed(inputs as string[]);
    let data = vectors.map((embedding, index) => ({ object: "embedding", index, embedding }));
    if (fault?.kind === "wrong_dimension") data = data.map((d) => ({ ...d, embedding: d.embedding.slice(1) }));
    if (fault?.kind === "zero_vector") data = data.map((d) => ({ ...d, embedding: d.embedding.map(() => 0) }));
    if (fault?.kind === "short_batch") data = data.slice(0, Math.max(0, data.length - 1));
    if (options.reverseOrder) data = data.reverse();
    if (!fault) fake.embedded.push(...(inputs as string[]));
    record(200);
    const tokens = (inputs as string[]).reduce((n, t) => n + Math.ceil(t.length / 4), 0);
    return json(200, {
      object: "list",
      data,
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handle);
  return Object.assign(fake, {
    url: `http://127.0.0.1:${server.addr.port}/v1`,
    close: () => server.shutdown(),
  });
}
