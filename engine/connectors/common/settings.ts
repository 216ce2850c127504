// Reading a connector's stored settings with its zod schema: a row that no longer validates is a configuration
// error naming each field (`settings.<path>: <reason>`), thrown as the connector's own error class.
import type { z } from "zod";

export function readSettingsWith<T>(
  schema: z.ZodType<T>,
  raw: unknown,
  product: string,
  ErrorClass: new (message: string) => Error,
): T {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => `settings.${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ErrorClass(`invalid ${product} settings (${what})`);
  }
  return parsed.data;
}
