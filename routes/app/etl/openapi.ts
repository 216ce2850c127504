// GET /app/etl/openapi.json — the OpenAPI 3.1 document of every declared route, for signed-in users (the API
// reference page at /api renders the same document).
import { z } from "zod";
import { apiRouter } from "../../../server/api/route.ts";
import { openApiDocument } from "../../../server/api/openapi.ts";
import { VERSION } from "../../../server/version.ts";

const document = z.looseObject({
  openapi: z.literal("3.1.0"),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.looseObject({}),
}).meta({ description: "an OpenAPI 3.1 document" });

export function openApiRoutes() {
  const r = apiRouter("/app/etl/openapi.json", "meta");
  r.route({
    method: "get",
    path: "/",
    summary: "This API's OpenAPI 3.1 document",
    operationId: "getOpenApiDocument",
    responses: { 200: { description: "the document", schema: document } },
  }, (c) => c.json(openApiDocument(VERSION)));
  return r.app;
}
