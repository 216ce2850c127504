// Sluice entry point: `serve` (default), `migrate`, `user add`, `version`. Configuration errors exit with code 2
// and one line per problem.
import { parseArgs } from "node:util";
import { ConfigError, parseConfig } from "./server/config.ts";
import { setLogLevel } from "./lib/log.ts";
import { VERSION } from "./server/version.ts";
import { openDatabase } from "./db/connect.ts";
import { INIT_COMMAND, initPgliteFolder } from "./db/pglite_init.ts";
import { migrate } from "./db/migrate.ts";
import { serve } from "./server/serve.ts";
import { addUserCommand } from "./server/cli_user.ts";

const HELP = `Sluice ${VERSION} — ETL for engineering data

Usage: sluice [command] [options]

Commands:
  serve                 start the web server, API and engine (default)
  migrate               apply database migrations and exit
  user add --email E --role admin|user|viewer --tenant NAME [--password-stdin]
                        create a user (prints a generated password unless --password-stdin)
  version               print the version

Options:
  --port N              override PORT for serve
  -h, --help            show this help

Configuration comes from environment variables; see README.md.`;

export class UsageError extends Error {}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: "boolean", short: "h" },
      port: { type: "string" },
      email: { type: "string" },
      role: { type: "string" },
      tenant: { type: "string" },
      "password-stdin": { type: "boolean" },
      dev: { type: "boolean" },
    },
  });
  const [command = "serve", sub] = positionals;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (command === "version") {
    console.log(VERSION);
    return 0;
  }
  if (command === INIT_COMMAND) {
    // not for users: the embedded database's first start, run by openDatabase in a process of its own
    if (!sub) throw new UsageError(`${INIT_COMMAND} needs a folder`);
    await initPgliteFolder(sub);
    return 0;
  }
  const env = Deno.env.toObject();
  if (values.port) env.PORT = values.port;
  const config = parseConfig(env);
  setLogLevel(config.LOG_LEVEL);
  switch (command) {
    case "serve":
      await serve(config, { dev: values.dev ?? false });
      return 0;
    case "migrate": {
      const db = await openDatabase(config);
      try {
        const applied = await migrate(db);
        console.log(applied.length ? `applied migrations ${applied.join(", ")}` : "database is up to date");
      } finally {
        await db.close();
      }
      return 0;
    }
    case "user":
      if (sub !== "add") throw new UsageError(`unknown user command "${sub ?? ""}" (expected: user add)`);
      return await addUserCommand(config, values);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main(Deno.args);
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const line of e.lines) console.error(line);
      Deno.exit(2);
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`${(e as Error).message}\nRun with --help for usage.`);
      Deno.exit(2);
    }
    console.error(`sluice: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
