// Zod schema → JSON Schema for the browser's generated forms (components/ui/form/schema.ts). The browser never
// loads zod (first-load budget): it renders from this, and the server validates with the zod schema itself.
// `.meta({ title, description, secret, widget, advanced, placeholder, enumLabels })` pass through as they are.
import { z } from "zod";
import type { JsonSchema } from "../../components/ui/form/schema.ts";

export function formSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema & { $schema?: string };
  delete json.$schema;
  return json;
}
