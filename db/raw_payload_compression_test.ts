// Migration 0055: raw pages are compressed with lz4 where the server has it (PostgreSQL built with lz4), and keep
// the default elsewhere (PGlite) — either way a large page round-trips unchanged.
import { assertEquals } from "../tests/support/assert.ts";
import { adapterKinds, withTestDb } from "../tests/support/db.ts";
import { createTenant } from "./seed.ts";

for (const kind of adapterKinds()) {
  Deno.test(`raw payload compression[${kind}]: lz4 where available; a 1 MB page reads back as written`, () =>
    withTestDb(kind, async (db) => {
      const [{ method, available }] = await db.query<{ method: string; available: boolean }>(
        `SELECT attcompression::text AS method,
                EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'
                         AND 'lz4' = ANY(enumvals)) AS available
           FROM pg_attribute WHERE attrelid = 'raw_extraction_data'::regclass AND attname = 'payload'`,
      );
      assertEquals(method, available ? "l" : "", available ? "lz4 when the server has it" : "the default otherwise");
      const tenantId = await createTenant(db, "Acme");
      const [{ id: integrationId }] = await db.query<{ id: number }>(
        "SELECT id FROM integrations WHERE tenant_id = $1 AND provider = 'github'",
        [tenantId],
      );
      const records = Array.from({ length: 2000 }, (_, i) => ({ id: `PR_${i}`, body: `text ${i} `.repeat(40) }));
      const [{ payload }] = await db.query<{ payload: unknown }>(
        `INSERT INTO raw_extraction_data (tenant_id, integration_id, step, kind, record_count, payload)
         VALUES ($1, $2, 'github_prs_commits_reviews_comments', 'github_pull_requests', $3, $4::jsonb)
         RETURNING payload`,
        [tenantId, integrationId, records.length, JSON.stringify(records)],
      );
      assertEquals(payload, records);
    }));
}
