// `sluice user add`: creates a user in an existing tenant (or a new tenant, seeded, when the name is new).
import { z } from "zod";
import type { Config } from "./config.ts";
import { openDatabase } from "../db/connect.ts";
import { migrate } from "../db/migrate.ts";
import { createTenant } from "../db/seed.ts";
import { createUser, findUserByEmail } from "./auth/users.ts";
import { randomSecret } from "./secrets.ts";

const args = z.object({
  email: z.string({ error: "--email is required" }).trim().email("--email must be an e-mail address"),
  role: z.enum(["admin", "user", "viewer"], { error: "--role must be admin, user or viewer" }),
  tenant: z.string({ error: "--tenant is required" }).trim().min(1, "--tenant is required"),
  "password-stdin": z.boolean().optional(),
});

async function readStdinLine(): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of Deno.stdin.readable) chunks.push(chunk);
  const text = new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  return text.split(/\r?\n/)[0];
}

export async function addUserCommand(config: Config, raw: Record<string, unknown>): Promise<number> {
  const parsed = args.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(issue.message);
    return 2;
  }
  const { email, role, tenant } = parsed.data;
  const password = parsed.data["password-stdin"] ? await readStdinLine() : randomSecret(15);
  if (password.length < 12) {
    console.error("password must be at least 12 characters");
    return 2;
  }
  const db = await openDatabase(config);
  try {
    await migrate(db);
    if (await findUserByEmail(db, email)) {
      console.error(`a user with e-mail ${email} already exists`);
      return 2;
    }
    await db.transaction(async (tx) => {
      const tenantId = await createTenant(tx, tenant);
      await createUser(tx, { tenantId, email, role, password });
    });
    console.log(`created ${role} ${email} in tenant "${tenant}"`);
    if (!parsed.data["password-stdin"]) console.log(`password (shown once): ${password}`);
    return 0;
  } finally {
    await db.close();
  }
}
