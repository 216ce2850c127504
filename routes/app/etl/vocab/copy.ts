// POST /app/etl/integrations/:id/vocabulary — replaces an integration's vocabulary (hierarchy levels, work item
// types and their source names, workflow steps, status mappings) with a copy of another integration's of the same
// tenant. The integration's own source types and statuses stay and are mapped again by name at once; flow metrics
// follow with a re-transform.
import { z } from "zod";
import { apiRouter } from "../../../../server/api/route.ts";
import { id, idParams } from "../../../../server/api/schemas.ts";
import { clearVocabulary, readVocabulary, writeVocabulary } from "../../../../db/vocabulary/vocabulary.ts";
import { resolveStatusMappings, resolveWitMappings } from "../../../../engine/connectors/jira/load/references.ts";
import { dbOf, invalidField, notFound, requireIntegration, tenantOf } from "./common.ts";

const copied = z.object({
  levels: z.number().int(),
  types: z.number().int(),
  steps: z.number().int(),
  statusMappings: z.number().int(),
});

export function vocabularyCopyRoutes() {
  const r = apiRouter("/app/etl/integrations", "vocabulary");
  r.route({
    method: "post",
    path: "/:id/vocabulary",
    summary: "Replace the integration's vocabulary with a copy of another integration's",
    roles: ["admin"],
    params: idParams,
    body: z.object({ fromIntegrationId: id }).strict(),
    responses: { 200: { description: "what was copied", schema: copied }, 404: notFound },
  }, async (c, { params, body }) => {
    const db = dbOf(c);
    const tenantId = tenantOf(c);
    await requireIntegration(db, tenantId, params.id, "params.id");
    await requireIntegration(db, tenantId, body.fromIntegrationId, "fromIntegrationId");
    if (body.fromIntegrationId === params.id) invalidField("fromIntegrationId", "must be another integration");
    const vocab = await readVocabulary(db, tenantId, body.fromIntegrationId);
    await db.transaction(async (tx) => {
      await clearVocabulary(tx, tenantId, params.id);
      await writeVocabulary(tx, tenantId, params.id, vocab);
      const scope = { tx, tenantId, integrationId: params.id };
      await resolveStatusMappings(scope);
      await resolveWitMappings(scope);
    });
    return c.json({
      levels: vocab.levels.length,
      types: vocab.types.length,
      steps: vocab.steps.length,
      statusMappings: Object.values(vocab.statuses).reduce((n, names) => n + names.length, 0),
    });
  });
  return r.app;
}
