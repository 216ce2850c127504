// Crash tests compare a resumed sync with a clean one: the clean run's content digest, and a second database with
// the same tenant to run the interrupted sync in (cleaned up afterwards).
import type { Db } from "../../db/port.ts";
import { createTenant } from "../../db/seed.ts";
import { type AdapterKind, createTestDb } from "./db.ts";
import { assert } from "./assert.ts";
import { type ContentDigest, contentDigest } from "./content_hash.ts";

export async function cleanDigest(db: Db, sync: () => Promise<{ stopped: boolean }>): Promise<ContentDigest> {
  const clean = await sync();
  assert(!clean.stopped, "the clean run finished");
  return await contentDigest(db);
}

/** Runs fn against a fresh database holding a tenant named like the test's ("Acme"). */
export async function inFreshTenant<T>(kind: AdapterKind, fn: (db: Db, tenantId: number) => Promise<T>): Promise<T> {
  const other = await createTestDb(kind);
  try {
    return await fn(other.db, await createTenant(other.db, "Acme"));
  } finally {
    await other.close();
  }
}
