// SQL for the integrations aggregate. Read paths never select the encrypted credentials; they only report
// whether credentials are set.
import type { Queryable } from "./port.ts";

export interface IntegrationView {
  id: number;
  provider: string;
  name: string;
  type: string;
  baseUrl: string | null;
  settings: Record<string, unknown>;
  logoFilename: string | null;
  active: boolean;
  hasCredentials: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const VIEW_COLUMNS = `id, provider, name, type, base_url AS "baseUrl", settings, logo_filename AS "logoFilename",
  active, credentials_enc IS NOT NULL AS "hasCredentials", created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function listIntegrations(db: Queryable, tenantId: number): Promise<IntegrationView[]> {
  return await db.query<IntegrationView>(
    `SELECT ${VIEW_COLUMNS} FROM integrations WHERE tenant_id = $1 ORDER BY name`,
    [tenantId],
  );
}

export async function getIntegration(
  db: Queryable,
  tenantId: number,
  id: number,
): Promise<IntegrationView | undefined> {
  const [row] = await db.query<IntegrationView>(
    `SELECT ${VIEW_COLUMNS} FROM integrations WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  return row;
}

export async function setIntegrationCredentials(
  db: Queryable,
  tenantId: number,
  id: number,
  sealed: string | null,
): Promise<boolean> {
  const rows = await db.query(
    "UPDATE integrations SET credentials_enc = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING id",
    [tenantId, id, sealed],
  );
  return rows.length === 1;
}

/** Engine-side read of the sealed credentials (never exposed through the API). */
export async function getSealedCredentials(db: Queryable, tenantId: number, id: number): Promise<string | null> {
  const [row] = await db.query<{ credentials_enc: string | null }>(
    "SELECT credentials_enc FROM integrations WHERE tenant_id = $1 AND id = $2",
    [tenantId, id],
  );
  return row?.credentials_enc ?? null;
}
