// Fabric integration settings: the workspace and lakehouse (names or GUIDs), the Delta tables to read with the key
// columns rows are upserted on, and OneLake's DFS endpoint. The base URL is the identity platform's authority
// (client credentials, shared with Entra ID); OneLake takes tokens for the Azure Storage audience.
import { z } from "zod";
import { readSettingsWith } from "../common/settings.ts";

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_ .-]{0,127}$/;

/** "table:key" or "schema/table:key1+key2": a table under Tables/ and the columns its rows are upserted on. */
const TABLE_SPEC =
  /^([A-Za-z0-9_]{1,64}(?:\/[A-Za-z0-9_]{1,64})?):([A-Za-z_][A-Za-z0-9_]{0,62}(?:\+[A-Za-z_][A-Za-z0-9_]{0,62}){0,7})$/;

export interface FabricTable {
  name: string;
  keyColumns: string[];
}

export const fabricSettingsSchema = z.object({
  workspace: z.string().trim().regex(NAME, "not a workspace name or GUID").default("")
    .meta({ title: "Workspace", description: "Workspace name or GUID (GUIDs survive renames)" }),
  lakehouse: z.string().trim().regex(NAME, "not a lakehouse name or GUID").default("")
    .meta({ title: "Lakehouse", description: "Lakehouse name (without .Lakehouse) or GUID" }),
  tables: z.array(
    z.string().trim().regex(TABLE_SPEC, "not table:key (a table under Tables/, key columns joined by +)"),
  ).max(50).default([])
    .superRefine((tables, ctx) => {
      const seen = new Set<string>();
      tables.forEach((t, i) => {
        const name = t.split(":")[0].toLowerCase();
        if (seen.has(name)) ctx.addIssue({ code: "custom", path: [i], message: "table listed twice" });
        seen.add(name);
      });
    })
    .meta({
      title: "Delta tables",
      description: "table:key columns joined by +, separated by commas (e.g. orders:OrderId, sales/lines:OrderId+Line)",
    }),
  onelakeUrl: z.url({ protocol: /^https?$/, error: "not an http(s) URL" })
    .default("https://onelake.dfs.fabric.microsoft.com")
    .meta({ title: "OneLake DFS URL", advanced: true }),
  rowsPerPage: z.number().int().min(1).max(10_000).default(1000)
    .meta({ title: "Rows per page", description: "Rows loaded per transaction", advanced: true }),
}).strict();

export type FabricSettings = z.infer<typeof fabricSettingsSchema>;

/** The configured tables with their key columns. */
export function configuredTables(settings: FabricSettings): FabricTable[] {
  return settings.tables.map((spec) => {
    const [, name, keys] = TABLE_SPEC.exec(spec)!;
    return { name, keyColumns: keys.split("+") };
  });
}

export class FabricConfigError extends Error {
  override readonly name = "FabricConfigError";
}

export function readFabricSettings(raw: unknown): FabricSettings {
  return readSettingsWith(fabricSettingsSchema, raw, "Fabric", FabricConfigError);
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The item folder below the workspace: a GUID as is, a name with its item type (`<name>.Lakehouse`). */
export function lakehouseFolder(lakehouse: string): string {
  return GUID.test(lakehouse) ? lakehouse : `${lakehouse}.Lakehouse`;
}
