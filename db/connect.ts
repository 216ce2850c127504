// Chooses the Db adapter from configuration: PostgreSQL when DATABASE_URL is set, PGlite in the data dir otherwise.
import { join } from "node:path";
import type { Db } from "./port.ts";
import { connectPostgres } from "./postgres.ts";
import { openPglite } from "./pglite.ts";

export async function openDatabase(config: { DATABASE_URL?: string; SLUICE_DATA_DIR: string }): Promise<Db> {
  if (config.DATABASE_URL) return connectPostgres(config.DATABASE_URL);
  return await openPglite(join(config.SLUICE_DATA_DIR, "pg"));
}
