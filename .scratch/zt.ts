import { z } from "zod";
import { idText, pageQuery, id } from "../server/api/schemas.ts";
const q = z.object(pageQuery());
console.log(JSON.stringify(z.toJSONSchema(q, { io: "input" })));
console.log(JSON.stringify(z.toJSONSchema(z.object({a: id, b: z.string().nullable().optional(), c: z.unknown(), d: z.enum(["x","y"]), e: z.boolean().default(false)}).strict(), { io: "input" })));
console.log(JSON.stringify(z.toJSONSchema(z.object({a: id, e: z.boolean().default(false)}), { io: "output" })));
console.log(JSON.stringify(z.toJSONSchema(z.object({a: z.iso.datetime(), d: z.date()}), { io: "output", unrepresentable: "any" })));
