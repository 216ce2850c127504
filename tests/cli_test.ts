// The sluice command line as users run it: help, version, configuration errors (exit 2, one line each, no stack
// trace), migrate, user add, and a first embedded start that serves the login page and prints a one-time password.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./support/assert.ts";
import { createTestDb, needsPostgres } from "./support/db.ts";
import { findUserByEmail } from "../server/auth/users.ts";
import { verifyPassword } from "../server/auth/password.ts";
import { VERSION } from "../server/version.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

async function sluice(args: string[], env: Record<string, string> = {}, stdin?: string) {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { LOG_LEVEL: "error", ...env },
    clearEnv: true,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("cli: --help and version", async () => {
  const help = await sluice(["--help"]);
  assertEquals(help.code, 0);
  for (const word of ["serve", "migrate", "user add", "version"]) assertStringIncludes(help.stdout, word);
  const v = await sluice(["version"]);
  assertEquals(v.stdout.trim(), VERSION);
});

Deno.test("cli: bad configuration exits 2 with one line per problem and no stack trace", async () => {
  const r = await sluice(["serve"], { PORT: "abc", LOG_LEVEL: "loud", DATABASE_URL: "mysql://x" });
  assertEquals(r.code, 2);
  const lines = r.stderr.trim().split("\n");
  assertEquals(lines.length, 5, r.stderr); // PORT, LOG_LEVEL, DATABASE_URL, JWT_SECRET, SLUICE_SECRET_KEY
  for (const name of ["PORT", "LOG_LEVEL", "DATABASE_URL", "JWT_SECRET", "SLUICE_SECRET_KEY"]) {
    assert(lines.some((l) => l.startsWith(`${name}: `)), `${name} missing in ${r.stderr}`);
  }
  assert(!/\s+at\s+\S+:\d+/.test(r.stderr), "no stack trace");
});

Deno.test("cli: unknown commands and options are usage errors (exit 2)", async () => {
  assertEquals((await sluice(["frobnicate"])).code, 2);
  assertEquals((await sluice(["--bogus"])).code, 2);
  const missing = await sluice(["user", "add", "--email", "x@y.test"], { SLUICE_DATA_DIR: "/nonexistent" });
  assertEquals(missing.code, 2);
  assertStringIncludes(missing.stderr, "--role");
});

Deno.test(needsPostgres("cli: migrate and user add against PostgreSQL"), async () => {
  const t = await createTestDb("postgres", { migrate: false });
  const env = { DATABASE_URL: t.url!, JWT_SECRET: "j".repeat(40), SLUICE_SECRET_KEY: "k".repeat(40) };
  try {
    const first = await sluice(["migrate"], env);
    assertEquals(first.code, 0, first.stderr);
    assertMatch(first.stdout, /applied migrations 1/);
    const second = await sluice(["migrate"], env);
    assertStringIncludes(second.stdout, "up to date");
    const add = await sluice(["user", "add", "--email", "Ops@Acme.test", "--role", "viewer", "--tenant", "Acme"], env);
    assertEquals(add.code, 0, add.stderr);
    const password = /password \(shown once\): (\S+)/.exec(add.stdout)![1];
    const user = await findUserByEmail(t.db, "ops@acme.test");
    assertEquals(user?.role, "viewer");
    assert(await verifyPassword(password, user!.password_hash!));
    const dup = await sluice(["user", "add", "--email", "ops@acme.test", "--role", "user", "--tenant", "Acme"], env);
    assertEquals(dup.code, 2);
    const piped = await sluice(
      ["user", "add", "--email", "dev@acme.test", "--role", "user", "--tenant", "Acme", "--password-stdin"],
      env,
      "a-long-chosen-password\n",
    );
    assertEquals(piped.code, 0, piped.stderr);
    assert(!piped.stdout.includes("a-long-chosen-password"));
    assert(
      await verifyPassword("a-long-chosen-password", (await findUserByEmail(t.db, "dev@acme.test"))!.password_hash!),
    );
  } finally {
    await t.close();
  }
});

async function serveOnce(dataDir: string, expectPassword: boolean) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", "--port", "0"],
    env: { SLUICE_DATA_DIR: dataDir, LOG_LEVEL: "info", HOSTNAME: "127.0.0.1" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  const deadline = Date.now() + 60_000;
  while (!/running at (http\S+)/.test(out) || (expectPassword && !out.includes("shown only now"))) {
    if (Date.now() > deadline) throw new Error(`no startup banner: ${out}`);
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  const url = /running at (http\S+)/.exec(out)![1];
  return {
    out,
    url,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await reader.cancel();
      await child.stderr.cancel();
    },
  };
}

Deno.test("cli: first embedded start creates secrets and an admin, serves the login page; the password is shown once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = await serveOnce(dir, true);
    try {
      assertStringIncludes(first.out, "admin@sluice.local");
      const password = /one-time password\s+(\S+)/.exec(first.out)![1];
      const page = await fetch(first.url.replace("localhost", "127.0.0.1") + "/login");
      assertEquals(page.status, 200);
      assertStringIncludes(await page.text(), "<form");
      const login = await fetch(first.url.replace("localhost", "127.0.0.1") + "/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "admin@sluice.local", password }),
      });
      assertEquals(login.status, 200);
      assertEquals((await login.json()).mustChangePassword, true);
      const ready = await fetch(first.url.replace("localhost", "127.0.0.1") + "/readyz");
      assertEquals((await ready.json()).status, "ready");
      assert(!/"msg":"[^"]*"[^\n]*password/i.test(first.out.split("\n").filter((l) => l.startsWith("{")).join("\n")));
    } finally {
      await first.stop();
    }
    const stat = await Deno.stat(`${dir}/secrets.json`);
    assertEquals(stat.mode! & 0o777, 0o600);
    const second = await serveOnce(dir, false);
    await second.stop();
    assert(!second.out.includes("one-time password"), "the password is printed only on the first start");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
