// The Embedder conformance suite: every adapter (the lexical default, the OpenAI-compatible client against the
// embeddings double) gives one unit vector per text in order, of the dimension it reports, deterministically, with
// similar texts closer than unrelated ones, and refuses empty texts.
import type { Embedder } from "./embedder.ts";
import { assert, assertEquals, assertRejects } from "../../tests/support/assert.ts";

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

export async function runEmbedderConformance(t: Deno.TestContext, embedder: Embedder): Promise<void> {
  await t.step("the dimension is known after ready() and every vector has it", async () => {
    const dims = await embedder.ready();
    assert(Number.isInteger(dims) && dims > 0);
    assertEquals(embedder.dimensions, dims);
    const vectors = await embedder.embed(["one text", "another text", "a third"]);
    assertEquals(vectors.length, 3);
    for (const v of vectors) {
      assertEquals(v.length, dims);
      assert(Math.abs(Math.hypot(...v) - 1) < 1e-6, "unit length");
    }
  });

  await t.step("one vector per text, in order, deterministic; similar texts score higher", async () => {
    const texts = ["login page times out for sso users", "quarterly budget export", "sso login times out"];
    const [a, b, c] = await embedder.embed(texts);
    const [c2, a2] = await embedder.embed([texts[2], texts[0]]);
    assertEquals(a2.map((x) => x.toFixed(6)), a.map((x) => x.toFixed(6)));
    assertEquals(c2.map((x) => x.toFixed(6)), c.map((x) => x.toFixed(6)));
    assert(dot(a, c) > dot(a, b), `similar ${dot(a, c)} > unrelated ${dot(a, b)}`);
  });

  await t.step("many texts in one call come back complete", async () => {
    const texts = Array.from({ length: 300 }, (_, i) => `record number ${i} about topic ${i % 7}`);
    const vectors = await embedder.embed(texts);
    assertEquals(vectors.length, 300);
    assertEquals(new Set(vectors.map((v) => v.slice(0, 4).join())).size > 1, true);
  });

  await t.step("an empty text is refused, not embedded as zeros", async () => {
    await assertRejects(() => embedder.embed(["fine", "   "]));
  });
}
