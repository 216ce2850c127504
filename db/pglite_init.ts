// First start of the embedded database, done in a child process. PGlite's WebAssembly memory grows while initdb
// runs and the migrations create the schema, and a WebAssembly memory never shrinks: done in the serving process,
// that growth stayed resident for the life of the server (680 MB idle instead of 340 MB after a restart). A worker
// was tried first; it left about 80 MB behind after it ended. A child process gives everything back, and the server
// then opens the finished folder like any restart.
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openPglite } from "./pglite.ts";
import { migrate } from "./migrate.ts";

/** The hidden command of main.ts that the child runs. */
export const INIT_COMMAND = "internal-init-embedded-db";
const INIT_SCRIPT = fileURLToPath(new URL("./pglite_init_main.ts", import.meta.url));

/** True when `dataDir` holds no embedded database yet. */
export async function isFreshPgliteDir(dataDir: string): Promise<boolean> {
  try {
    await Deno.stat(join(dataDir, "PG_VERSION"));
    return false;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return true;
    throw e;
  }
}

/** The child: from source a small script that loads only the database modules; compiled, the binary itself. */
function childCommand(dataDir: string): { cmd: string; args: string[] } {
  const exe = Deno.execPath();
  if (/^deno(\.exe)?$/i.test(basename(exe))) return { cmd: exe, args: ["run", "-A", INIT_SCRIPT, dataDir] };
  return { cmd: exe, args: [INIT_COMMAND, dataDir] };
}

/** What the child does: create the database in `dataDir`, apply the migrations, close it. */
export async function initPgliteFolder(dataDir: string): Promise<void> {
  if (!dataDir) throw new Error("no data folder given");
  const db = await openPglite(dataDir);
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
}

/** Creates and migrates the embedded database in `dataDir` in a child process of this program. */
export async function initPgliteInChild(dataDir: string): Promise<void> {
  const { cmd, args } = childCommand(dataDir);
  const out = await new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    const detail = new TextDecoder().decode(out.stderr).trim() || new TextDecoder().decode(out.stdout).trim();
    throw new Error(`creating the embedded database in ${dataDir} failed: ${detail}`);
  }
}
