// People ↔ Jira/GitHub identities. An identity is linked automatically to the active directory person whose mail
// (preferred) or user principal name equals its e-mail, case-insensitively; an admin's manual choice (a person, or
// "nobody") is never replaced. Automatic links that no longer hold (person removed, address changed) are dropped.
import type { Queryable } from "../../../../db/port.ts";

const LINKABLE = "('jira', 'github')";

/** Re-evaluates automatic links for the tenant (or only the given identities); returns the links changed. */
export async function relinkIdentities(tx: Queryable, tenantId: number, identityIds: number[] | null = null) {
  const only = identityIds === null ? "" : "AND i.id = ANY($2::bigint[])";
  const args = identityIds === null ? [tenantId] : [tenantId, identityIds];
  const dropped = await tx.query(
    `DELETE FROM directory_identity_links l USING identities i
      WHERE l.tenant_id = $1 AND l.method <> 'manual' AND i.id = l.identity_id ${only}
        AND NOT EXISTS (
          SELECT 1 FROM directory_people p WHERE p.id = l.person_id AND p.active
             AND lower(CASE l.method WHEN 'mail' THEN p.mail ELSE p.user_principal_name END) = lower(i.email))
      RETURNING 1`,
    args,
  );
  const added = await tx.query(
    `INSERT INTO directory_identity_links (tenant_id, identity_id, person_id, method)
     SELECT DISTINCT ON (i.id) $1::int, i.id, p.id,
            CASE WHEN lower(p.mail) = lower(i.email) THEN 'mail' ELSE 'upn' END
       FROM identities i
       JOIN integrations ig ON ig.id = i.integration_id AND ig.provider IN ${LINKABLE}
       JOIN directory_people p ON p.tenant_id = $1 AND p.active
        AND (lower(p.mail) = lower(i.email) OR lower(p.user_principal_name) = lower(i.email))
      WHERE i.tenant_id = $1 AND i.email IS NOT NULL ${only}
        AND NOT EXISTS (SELECT 1 FROM directory_identity_links l WHERE l.tenant_id = $1 AND l.identity_id = i.id)
      ORDER BY i.id, (lower(p.mail) = lower(i.email)) DESC, p.id
     ON CONFLICT DO NOTHING
     RETURNING 1`,
    args,
  );
  return dropped.length + added.length;
}

/** Counts for the job details: people linked, and Jira/GitHub identities with no link to review. */
export const LINK_FIGURES = {
  linked: `SELECT count(DISTINCT l.person_id) FROM directory_identity_links l
             JOIN directory_people p ON p.id = l.person_id
            WHERE l.tenant_id = $1 AND p.integration_id = $2 AND p.active`,
  unlinked: `SELECT count(*) FROM identities i JOIN integrations ig ON ig.id = i.integration_id
              WHERE i.tenant_id = $1 AND ig.provider IN ${LINKABLE} AND i.active AND $2::int IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM directory_identity_links l WHERE l.tenant_id = $1 AND l.identity_id = i.id)`,
};
