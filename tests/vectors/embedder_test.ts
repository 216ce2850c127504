// Embedders: the conformance suite on the lexical default and on the OpenAI-compatible client against the
// embeddings double; then the client's behaviour under the double's faults — 429 and 5xx retried with back-off,
// a budget gone for longer than the client waits raises RateLimitedError, and short, wrongly sized, zero or
// out-of-order answers are refused or put right, never stored as zeros.
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { HashingEmbedder } from "../../engine/vectors/lexical_embedder.ts";
import { estimateTokens, OpenAiEmbedder, planBatches } from "../../engine/vectors/openai_embedder.ts";
import { runEmbedderConformance } from "../../engine/vectors/embedder_conformance.ts";
import { startFakeEmbeddings } from "../fakes/embeddings/server.ts";
import { RateLimitedError, SourceAuthError, SourceUnavailableError } from "../../engine/http/errors.ts";
import { EmbeddingShapeError } from "../../engine/vectors/embedder.ts";

/** Test HTTP settings: no pacing, millisecond back-off. */
const FAST = { pacer: false as const, backoffBaseMs: 1, backoffMaxMs: 5, maxWaitMs: 2_000 };

Deno.test("embedder conformance [lexical]", async (t) => {
  await runEmbedderConformance(t, new HashingEmbedder(128));
});

Deno.test("embedder conformance [OpenAI-compatible client against the embeddings double]", async (t) => {
  const fake = startFakeEmbeddings({ dimensions: 96, maxInputs: 100 });
  try {
    const embedder = new OpenAiEmbedder({
      url: fake.url,
      model: "text-embedding-3-small",
      apiKey: fake.apiKey,
      maxInputs: 64,
      http: FAST,
    });
    assertEquals(embedder.dimensions, undefined, "unknown until asked");
    await runEmbedderConformance(t, embedder);
    assertEquals(embedder.kind, "semantic");
    assertEquals(embedder.id, "text-embedding-3-small");
    assert(fake.requests.every((r) => r.inputs <= 64 && r.authorized && r.model === "text-embedding-3-small"));
    assertEquals(fake.requests.filter((r) => r.inputs === 1).length >= 1, true, "one dimension probe");
  } finally {
    await fake.close();
  }
});

Deno.test("OpenAI embedder: batches stay within the input count and the token budget", () => {
  assertEquals(planBatches(["a", "b", "c", "d", "e"], 2, 1000), [[0, 1], [2, 3], [4]]);
  const big = "x".repeat(2500); // ≈ 1,000 tokens
  assertEquals(estimateTokens(big), 1000);
  assertEquals(planBatches([big, big, big, "y"], 100, 2000), [[0, 1], [2, 3]]);
  assertEquals(planBatches(["z".repeat(10_000)], 100, 2000), [[0]], "an oversized input still goes, alone");
});

Deno.test("OpenAI embedder: 429 and 500 are retried; answers out of order are put back in order", async () => {
  const fake = startFakeEmbeddings({ dimensions: 32, reverseOrder: true });
  try {
    const embedder = new OpenAiEmbedder({ url: `${fake.url}/embeddings`, model: "m", apiKey: fake.apiKey, http: FAST });
    fake.faults.push({ kind: "status", status: 429, retryAfterSeconds: 0 }, { kind: "status", status: 500 }, {
      kind: "status",
      status: 503,
    });
    const [a, b] = await embedder.embed(["alpha beta", "gamma delta"]);
    const [a2] = await new HashingEmbedder(32).embed(["alpha beta"]);
    assertEquals(a.map((x) => x.toFixed(5)), a2.map((x) => x.toFixed(5)), "index order, not array order");
    assert(b.length === 32);
    assertEquals(fake.requests.map((r) => r.status), [429, 500, 503, 200]);
  } finally {
    await fake.close();
  }
});

Deno.test("OpenAI embedder: an outage and a long rate limit surface as errors the engine acts on", async () => {
  const fake = startFakeEmbeddings({ dimensions: 16 });
  try {
    const embedder = new OpenAiEmbedder({ url: fake.url, model: "m", apiKey: fake.apiKey, http: FAST });
    fake.outage = { kind: "status", status: 500 };
    await assertRejects(() => embedder.embed(["x y"]), "server error").then((e) =>
      assert(e instanceof SourceUnavailableError)
    );
    assertEquals(fake.requests.length, 5, "five attempts, then it gives up");
    fake.outage = { kind: "status", status: 429, retryAfterSeconds: 3600 };
    const limited = await assertRejects(() => embedder.embed(["x y"]));
    assert(limited instanceof RateLimitedError, String(limited));
    assert((limited as RateLimitedError).resumeAt.getTime() > Date.now() + 3000_000);
    fake.outage = null;
    const wrongKey = new OpenAiEmbedder({ url: fake.url, model: "m", apiKey: "sk-wrong", http: FAST });
    const auth = await assertRejects(() => wrongKey.embed(["x y"]), "authentication failed");
    assert(auth instanceof SourceAuthError);
    assert(!auth.message.includes("sk-wrong"), "the key never appears in errors");
  } finally {
    await fake.close();
  }
});

Deno.test("OpenAI embedder: short batches, wrong dimensions and zero vectors are refused", async () => {
  const fake = startFakeEmbeddings({ dimensions: 16 });
  try {
    const embedder = new OpenAiEmbedder({ url: fake.url, model: "m", apiKey: fake.apiKey, http: FAST });
    assertEquals(await embedder.ready(), 16);
    fake.faults.push({ kind: "short_batch" });
    const short = await assertRejects(() => embedder.embed(["a b", "c d"]), "asked for 2 embeddings, got 1");
    assert(short instanceof EmbeddingShapeError);
    fake.faults.push({ kind: "wrong_dimension" });
    await assertRejects(() => embedder.embed(["a b"]), "has 15 dimensions, expected 16");
    fake.faults.push({ kind: "zero_vector" });
    await assertRejects(() => embedder.embed(["a b"]), "zero vector");
    assertEquals((await embedder.embed(["a b"]))[0].length, 16, "works again once the server does");
  } finally {
    await fake.close();
  }
});
