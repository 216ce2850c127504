import { z } from "zod";
import { jobCard, runSummary } from "../server/api/shapes.ts";
console.log(JSON.stringify(z.toJSONSchema(z.array(runSummary), { io: "output" })).slice(0, 600));
console.log(JSON.stringify(z.toJSONSchema(runSummary, { io: "output" })).slice(0, 300));
console.log(JSON.stringify(z.toJSONSchema(z.object({a: jobCard, b: z.array(jobCard)}), { io: "output" })).slice(0, 300));
