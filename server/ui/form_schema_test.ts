import { z } from "zod";
import { assertEquals } from "../../tests/support/assert.ts";
import { formSchema } from "./form_schema.ts";
import {
  fieldsFromJsonSchema,
  initialValues,
  placeErrors,
  toPayload,
  validateValues,
} from "../../components/ui/form/schema.ts";

const schema = z.object({
  name: z.string().trim().min(1).max(40).meta({ title: "Name", description: "Shown on the cards" }),
  baseUrl: z.url().optional().meta({ title: "Base URL" }),
  settings: z.object({
    projectKeys: z.array(z.string().regex(/^[A-Z][A-Z0-9]*$/)).default([]).meta({ title: "Projects" }),
    requestsPerSecond: z.number().min(0.2).max(100).default(10).meta({ advanced: true }),
    apiVersion: z.enum(["2", "3"]).default("3"),
    verbose: z.boolean().default(false),
  }),
  credentials: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("basic"), email: z.email(), token: z.string().min(1) }),
    z.object({ kind: z.literal("bearer"), token: z.string().min(1) }),
  ]).meta({ title: "Credentials", secret: true }),
});

Deno.test("form schema: zod → JSON Schema → field tree with labels, help, defaults and variants", () => {
  const nodes = fieldsFromJsonSchema(formSchema(schema));
  assertEquals(nodes.map((n) => [n.path, n.kind, n.label, n.required]), [
    ["name", "text", "Name", true],
    ["baseUrl", "text", "Base URL", false],
    ["settings", "group", "Settings", true],
    ["credentials", "variant", "Credentials", true],
  ]);
  const settings = nodes[2].kind === "group" ? nodes[2].children : [];
  assertEquals(settings.map((n) => [n.path, n.kind, n.advanced]), [
    ["settings.projectKeys", "list", false],
    ["settings.requestsPerSecond", "number", true],
    ["settings.apiVersion", "select", false],
    ["settings.verbose", "checkbox", false],
  ]);
  const creds = nodes[3];
  if (creds.kind !== "variant") throw new Error("credentials should be a variant");
  assertEquals(creds.key, "kind");
  assertEquals(creds.variants.map((v) => [v.value, v.children.map((c) => [c.path, c.kind, c.secret])]), [
    ["basic", [["credentials.email", "text", true], ["credentials.token", "password", true]]],
    ["bearer", [["credentials.token", "password", true]]],
  ]);
  const raw = initialValues(nodes);
  assertEquals(raw["settings.requestsPerSecond"], "10");
  assertEquals(raw["settings.apiVersion"], "3");
  assertEquals(raw["credentials.kind"], "basic");
});

Deno.test("form schema: checks, payload and server errors placed on their fields", () => {
  const nodes = fieldsFromJsonSchema(formSchema(schema));
  const raw = initialValues(nodes, { name: "Jira", settings: { projectKeys: ["ABC", "XYZ"] } });
  assertEquals(raw["settings.projectKeys"], "ABC, XYZ");
  raw["settings.projectKeys"] = "ABC, bad key";
  raw["settings.requestsPerSecond"] = "500";
  raw["baseUrl"] = "ftp://x";
  assertEquals(validateValues(nodes, raw), {
    "baseUrl": "must be an http(s) URL",
    "settings.projectKeys": "“bad key”: not in the expected format",
    "settings.requestsPerSecond": "must be at most 100",
    "credentials.email": "required",
    "credentials.token": "required",
  });
  // stored credentials that are not being replaced are neither checked nor sent
  raw["baseUrl"] = "https://x.atlassian.net";
  raw["settings.projectKeys"] = "ABC\nXYZ";
  raw["settings.requestsPerSecond"] = "2.5";
  const skip = new Set(["credentials"]);
  assertEquals(validateValues(nodes, raw, skip), {});
  assertEquals(toPayload(nodes, raw, skip), {
    name: "Jira",
    baseUrl: "https://x.atlassian.net",
    settings: { projectKeys: ["ABC", "XYZ"], requestsPerSecond: 2.5, apiVersion: "3", verbose: false },
  });
  raw["credentials.kind"] = "bearer";
  raw["credentials.token"] = " secret with spaces ";
  assertEquals(toPayload(nodes, raw).credentials, { kind: "bearer", token: " secret with spaces " });
  assertEquals(
    placeErrors(nodes, raw, [
      { field: "settings.projectKeys.1", message: "not a Jira project key" },
      { field: "credentials.kind", message: 'must be "basic"' },
      { field: "name", message: "already used" },
      { field: "elsewhere", message: "odd" },
    ]),
    {
      "settings.projectKeys": "not a Jira project key",
      "credentials.kind": 'must be "basic"',
      name: "already used",
      "(form)": "elsewhere: odd",
    },
  );
});
