// The vector ports from the configuration: Qdrant when QDRANT_URL is set, else pgvector in the database; an
// OpenAI-compatible embedder when EMBEDDINGS_URL is set, else the offline lexical one. `sluice serve` opens them
// strictly: PostgreSQL without pgvector (and no QDRANT_URL) stops startup with the fix named. Leniently (engine
// services started by tests on such a server) the database store uses its exact mode instead. Background
// maintenance (re-embedding, orphans) runs on the same ports.
import type { Config } from "./config.ts";
import { ConfigError } from "./config.ts";
import type { Db } from "../db/port.ts";
import type { Embedder } from "../engine/vectors/embedder.ts";
import { HashingEmbedder } from "../engine/vectors/lexical_embedder.ts";
import { OpenAiEmbedder } from "../engine/vectors/openai_embedder.ts";
import type { VectorStore } from "../engine/vectors/store.ts";
import { QdrantStore } from "../engine/vectors/qdrant_store.ts";
import { DatabaseVectorStore, PgvectorMissingError } from "../engine/vectors/db_store.ts";
import { VectorMaintenance } from "../engine/vectors/maintenance.ts";
import { log } from "../lib/log.ts";

export interface VectorServices {
  embedder: Embedder;
  vectorStore: VectorStore;
  maintenance: VectorMaintenance;
}

export function embedderFor(config: Config): Embedder {
  if (!config.EMBEDDINGS_URL) return new HashingEmbedder(256);
  return new OpenAiEmbedder({
    url: config.EMBEDDINGS_URL,
    model: config.EMBEDDINGS_MODEL!,
    apiKey: config.EMBEDDINGS_API_KEY,
  });
}

/** Opens the store and embedder; strict: a database without pgvector (and no QDRANT_URL) is a ConfigError. */
export async function openVectorServices(
  config: Config,
  db: Db,
  options: { strict?: boolean } = {},
): Promise<VectorServices> {
  const embedder = embedderFor(config);
  let vectorStore: VectorStore;
  if (config.QDRANT_URL) {
    vectorStore = new QdrantStore({ url: config.QDRANT_URL, apiKey: config.QDRANT_API_KEY });
    // Qdrant down at start is an outage, not a misconfiguration: embed batches retry and the page shows its health
    await vectorStore.ready().catch((e) => log.warn("Qdrant is not reachable yet", { error: (e as Error).message }));
  } else {
    vectorStore = new DatabaseVectorStore(db, { requirePgvector: options.strict });
    try {
      await vectorStore.ready();
    } catch (e) {
      if (e instanceof PgvectorMissingError) throw new ConfigError([`DATABASE_URL: ${e.message}`]);
      throw e;
    }
  }
  return { embedder, vectorStore, maintenance: new VectorMaintenance(db, { embedder, vectorStore }) };
}
