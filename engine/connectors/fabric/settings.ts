// Fabric integration settings: the workspace and lakehouse (names or GUIDs), the Delta tables to read with the key
// columns rows are upserted on, and OneLake's DFS endpoint. The base URL is the identity platform's authority
// (client credentials, shared with Entra ID); OneLake takes tokens for the Azure Storage audience.
import { z } from "zod";
import { readSettingsWith } from "../common/settings.ts";

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_ .-]{0,127}$/;
const TABLE = /^[A-Za-z0-9_]{1,64}(\/[A-Za-z0-9_]{1,64})?$/;
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export const fabricTableSchema = z.object({
  name: z.string().trim().regex(TABLE, "not a lakehouse table name (letters, digits, _; schema/table allowed)")
    .meta({ title: "Table", description: "Name under Tables/ (schema-enabled lakehouses: schema/table)" }),
  keyColumns: z.array(z.string().trim().regex(COLUMN, "not a column name")).min(1, "name at least one key column")
    .max(8).meta({ title: "Key columns", description: "Rows are upserted on these columns" }),
}).strict();

export const fabricSettingsSchema = z.object({
  workspace: z.string().trim().regex(NAME, "not a workspace name or GUID").default("")
    .meta({ title: "Workspace", description: "Workspace name or GUID (GUIDs survive renames)" }),
  lakehouse: z.string().trim().regex(NAME, "not a lakehouse name or GUID").default("")
    .meta({ title: "Lakehouse", description: "Lakehouse name (without .Lakehouse) or GUID" }),
  tables: z.array(fabricTableSchema).max(50).default([])
    .superRefine((tables, ctx) => {
      const seen = new Set<string>();
      tables.forEach((t, i) => {
        if (seen.has(t.name.toLowerCase())) {
          ctx.addIssue({ code: "custom", path: [i, "name"], message: "listed twice" });
        }
        seen.add(t.name.toLowerCase());
      });
    })
    .meta({ title: "Delta tables", description: "Tables to read, each with its key columns" }),
  onelakeUrl: z.url({ protocol: /^https?$/, error: "not an http(s) URL" })
    .default("https://onelake.dfs.fabric.microsoft.com")
    .meta({ title: "OneLake DFS URL", advanced: true }),
  rowsPerPage: z.number().int().min(1).max(10_000).default(1000)
    .meta({ title: "Rows per page", description: "Rows loaded per transaction", advanced: true }),
}).strict();

export type FabricSettings = z.infer<typeof fabricSettingsSchema>;
export type FabricTable = z.infer<typeof fabricTableSchema>;

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
