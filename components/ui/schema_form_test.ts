import { z } from "zod";
import { assertEquals } from "../../tests/support/assert.ts";
import { fieldsFromSchema, humanize, initialValues, toInput, validateForm } from "./schema_form.ts";

const hierarchy = z.object({
  levelName: z.string().min(1, "required").max(40).meta({ title: "Level name", description: "Shown in reports" }),
  levelNumber: z.number().int().min(0).max(9),
  description: z.string().max(200).meta({ widget: "textarea" }).optional(),
  category: z.enum(["To Do", "In Progress", "Done"]).default("To Do"),
  integrationId: z.number().int(),
  active: z.boolean().default(true),
});

Deno.test("schema form: fields, labels, widgets and limits come from the zod schema", () => {
  const fields = fieldsFromSchema(hierarchy, {
    integrationId: { label: "Integration", options: [{ value: "3", label: "Jira" }] },
  });
  assertEquals(
    fields.map((f) => [f.name, f.label, f.kind, f.required]),
    [
      ["levelName", "Level name", "text", true],
      ["levelNumber", "Level number", "number", true],
      ["description", "Description", "textarea", false],
      ["category", "Category", "select", false],
      ["integrationId", "Integration", "select", true],
      ["active", "Active", "checkbox", false],
    ],
  );
  assertEquals(fields[0].help, "Shown in reports");
  assertEquals(fields[0].maxLength, 40);
  assertEquals([fields[1].min, fields[1].max], [0, 9]);
  assertEquals(fields[3].options?.map((o) => o.value), ["To Do", "In Progress", "Done"]);
  assertEquals(fields[4].numeric, true, "a number field with options is a numeric select");
  assertEquals(humanize("wit_from"), "Wit from");
});

Deno.test("schema form: create starts from defaults, edit from the record", () => {
  const fields = fieldsFromSchema(hierarchy);
  assertEquals(initialValues(fields), {
    levelName: "",
    levelNumber: "",
    description: "",
    category: "To Do",
    integrationId: "",
    active: true,
  });
  assertEquals(initialValues(fields, { levelName: "Epic", levelNumber: 2, active: false }).levelNumber, "2");
});

Deno.test("schema form: validation gives one readable message per field", () => {
  const fields = fieldsFromSchema(hierarchy, { integrationId: { options: [{ value: "3", label: "Jira" }] } });
  const empty = validateForm(hierarchy, fields, initialValues(fields));
  assertEquals(empty, {
    ok: false,
    errors: { levelName: "required", levelNumber: "enter a number", integrationId: "enter a number" },
  });
  const bad = validateForm(hierarchy, fields, {
    ...initialValues(fields),
    levelName: "Epic",
    levelNumber: "1.5",
    integrationId: "3",
  });
  assertEquals(bad, { ok: false, errors: { levelNumber: "must be a whole number" } });
  const good = validateForm(hierarchy, fields, {
    ...initialValues(fields),
    levelName: " Epic ",
    levelNumber: "2",
    integrationId: "3",
    active: false,
  });
  assertEquals(good, {
    ok: true,
    data: { levelName: "Epic", levelNumber: 2, category: "To Do", integrationId: 3, active: false },
  });
  assertEquals(toInput(fields, { ...initialValues(fields), description: "  " }).description, undefined);
});
