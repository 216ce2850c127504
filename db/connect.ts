// Chooses the Db adapter from configuration: PostgreSQL when DATABASE_URL is set, PGlite in the data dir otherwise.
import { join } from "node:path";
import type { Db } from "./port.ts";
import { connectPostgres } from "./postgres.ts";
import { openPglite } from "./pglite.ts";
import { initPgliteInChild, isFreshPgliteDir } from "./pglite_init.ts";

export async function openDatabase(config: { DATABASE_URL?: string; SLUICE_DATA_DIR: string }): Promise<Db> {
  if (config.DATABASE_URL) return connectPostgres(config.DATABASE_URL);
  const dir = join(config.SLUICE_DATA_DIR, "pg");
  // a first start creates the database in a child process, so its initialisation memory does not stay here
  if (await isFreshPgliteDir(dir)) await initPgliteInChild(dir);
  return await openPglite(dir);
}
