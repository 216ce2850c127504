// Entra ID integration settings: one zod schema for the API (field-named 400s, the Integrations form) and the
// connector. The integration's base URL is the identity platform's authority (login.microsoftonline.com, or a
// national cloud's); Graph's root is a setting because the two differ per cloud (graph.microsoft.us, …).
import { z } from "zod";
import { readSettingsWith } from "../common/settings.ts";

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const entraSettingsSchema = z.object({
  graphUrl: z.url({ protocol: /^https?$/, error: "not an http(s) URL" }).default("https://graph.microsoft.com")
    .meta({
      title: "Microsoft Graph URL",
      description: "https://graph.microsoft.com; national clouds have their own (e.g. https://graph.microsoft.us)",
      advanced: true,
    }),
  groupIds: z.array(z.string().trim().regex(GUID, "not a group object id (GUID)")).max(50, "at most 50 groups")
    .default([])
    .meta({
      title: "Groups",
      description: "Object ids of the groups to read with their members; empty reads every group",
    }),
  requestsPerSecond: z.number().min(0.2).max(50).default(10)
    .meta({
      title: "Requests per second",
      description: "Ceiling; Graph's Retry-After slows it further",
      advanced: true,
    }),
}).strict();

export type EntraSettings = z.infer<typeof entraSettingsSchema>;

export class EntraConfigError extends Error {
  override readonly name = "EntraConfigError";
}

export function readEntraSettings(raw: unknown): EntraSettings {
  return readSettingsWith(entraSettingsSchema, raw, "Entra ID", EntraConfigError);
}

export const GRAPH_USER_FIELDS = [
  "id",
  "displayName",
  "mail",
  "userPrincipalName",
  "jobTitle",
  "department",
  "accountEnabled",
  "manager",
] as const;

export const GRAPH_GROUP_FIELDS = ["id", "displayName", "mail", "description", "members"] as const;
