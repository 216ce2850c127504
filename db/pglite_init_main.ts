// `deno run -A db/pglite_init_main.ts <folder>`: the child process of an embedded first start (see pglite_init.ts)
// when running from source. It loads only the database modules, so it starts quickly; a compiled binary runs the
// same code through its hidden command instead.
import { initPgliteFolder } from "./pglite_init.ts";

await initPgliteFolder(Deno.args[0]);
