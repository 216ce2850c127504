// The create and edit forms of the vocabulary pages, as JSON Schema for the islands' generated modals (the islands
// never load zod); the API validates what they send with its own schemas, whose field rules these reuse.
import { z } from "zod";
import { formSchema } from "../../../server/ui/form_schema.ts";
import { levelNumber } from "../../app/etl/vocab/hierarchies.ts";
import { name } from "../../app/etl/vocab/common.ts";
import { category } from "../../app/etl/vocab/workflows.ts";

// optional and not nullable: the generated form leaves an empty optional field out
const description = z.string().trim().max(500).optional().meta({ title: "Description", widget: "textarea" });

export function levelForms() {
  const fields = z.object({
    number: levelNumber.meta({ title: "Level number", description: "higher levels hold lower ones; unique" }),
    name: name.meta({ title: "Name" }),
    description,
  });
  return { create: formSchema(fields), edit: formSchema(fields) };
}

export function stepForms() {
  const commitmentPoint = z.boolean().optional().meta({
    title: "Commitment point",
    description: "lead time starts when a work item enters this step; to move it, tick it on another step",
  });
  const fields = {
    name: name.meta({ title: "Name" }),
    category: category.meta({ title: "Category" }),
    commitmentPoint,
  };
  return { create: formSchema(z.object(fields)), edit: formSchema(z.object(fields)) };
}

export function typeForms(levels: Array<{ id: number; number: number; name: string }>) {
  const ids = levels.map((l) => String(l.id));
  const levelId = z.enum(ids as [string, ...string[]]).meta({
    title: "Hierarchy level",
    enumLabels: Object.fromEntries(levels.map((l) => [String(l.id), `${l.number} · ${l.name}`])),
  });
  const fields = { name: name.meta({ title: "Name" }), levelId, description };
  return { create: formSchema(z.object(fields)), edit: formSchema(z.object(fields)) };
}
