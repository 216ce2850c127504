// The source client refuses non-public addresses unless the operator allows them. Every server here listens on
// loopback; refused addresses (10/8, metadata) are never connected to — the refusal happens before any socket opens,
// and the test counts what reached the one real server.
import { assert, assertEquals, assertRejects } from "../../tests/support/assert.ts";
import { SourceHttpClient } from "./client.ts";
import { SourceBlockedError, SourceRequestError } from "./errors.ts";
import { invalidAllowListEntries, OPEN_ADDRESSES, SourceAddressGuard } from "./address_guard.ts";

async function withServer(
  fn: (port: number, hits: string[]) => Promise<void>,
  handler: (req: Request) => Response = () => Response.json({ ok: true }),
) {
  const hits: string[] = [];
  const server = Deno.serve({ hostname: "::", port: 0, onListen() {} }, (req) => {
    hits.push(new URL(req.url).pathname);
    return handler(req);
  });
  try {
    await fn(server.addr.port, hits);
  } finally {
    await server.shutdown();
  }
}

async function withGuard(
  policy: ConstructorParameters<typeof SourceAddressGuard>[0],
  fn: (guard: SourceAddressGuard) => Promise<void>,
  resolve?: (host: string) => Promise<string[]>,
) {
  const guard = new SourceAddressGuard(policy, { resolve });
  try {
    await fn(guard);
  } finally {
    await guard.close();
  }
}

async function rejectsWith<E extends Error>(
  fn: () => Promise<unknown>,
  type: new (...args: never[]) => E,
  match?: string,
): Promise<E> {
  const error = await assertRejects(fn, match);
  assert(error instanceof type, `expected ${type.name}, got ${error.name}: ${error.message}`);
  return error;
}

const REFUSE = { allowPrivate: false, allowList: [] };
const client = (baseUrl: string, guard: SourceAddressGuard) =>
  new SourceHttpClient({ baseUrl, addressGuard: guard, pacer: false, maxAttempts: 2, backoffBaseMs: 1 });

Deno.test("address guard: loopback, private, metadata and IPv6 forms are refused before any connection", async () => {
  await withServer(async (port, hits) => {
    await withGuard(REFUSE, async (guard) => {
      const targets = [
        `http://127.0.0.1:${port}/`,
        `http://[::1]:${port}/`,
        `http://[::ffff:127.0.0.1]:${port}/`,
        `http://2130706433:${port}/`,
        `http://0177.0.0.1:${port}/`,
        `http://localhost:${port}/`, // a host name that resolves to loopback
        `http://10.0.0.1:${port}/`,
        `http://169.254.169.254/`,
        `http://[fd00::1]:${port}/`,
      ];
      for (const target of targets) {
        const error = await rejectsWith(() => client(target, guard).getJson("/probe"), SourceBlockedError);
        assert(/not allowed as sources/.test(error.message), error.message);
        assertEquals(error.status, undefined, "nothing answered, so there is no status");
        assertEquals(error.attempts, 1, `${target}: refused once, never retried`);
      }
      assertEquals(hits, [], "no request reached the server");
    });
  });
});

Deno.test("address guard: the operator's allowance (all, or an allow-list of CIDRs and host names) lets requests through", async () => {
  await withServer(async (port, hits) => {
    assertEquals((await client(`http://127.0.0.1:${port}/`, OPEN_ADDRESSES).getJson("/open")).body, { ok: true });
    await withGuard({ allowPrivate: false, allowList: ["127.0.0.0/8"] }, async (guard) => {
      assertEquals((await client(`http://127.0.0.1:${port}/`, guard).getJson("/cidr")).body, { ok: true });
      await rejectsWith(() => client(`http://[::1]:${port}/`, guard).getJson("/v6"), SourceBlockedError);
    });
    await withGuard({ allowPrivate: false, allowList: ["localhost"] }, async (guard) => {
      assertEquals((await client(`http://localhost:${port}/`, guard).getJson("/name")).body, { ok: true });
      await rejectsWith(() => client(`http://127.0.0.1:${port}/`, guard).getJson("/literal"), SourceBlockedError);
    });
    assertEquals(hits, ["/open", "/cidr", "/name"]);
  });
  assertEquals(invalidAllowListEntries(["10.0.0.0/8", "*.corp.example", "jira.local", "10.0.0.0/40", "a b"]), [
    "10.0.0.0/40",
    "a b",
  ]);
});

Deno.test("address guard: a name that rebinds to a private address is refused at connect time, redirects included", async () => {
  // rebind.test first resolves to the allowed 127.0.0.1, then to 127.0.0.2 (not allowed); the client's own check and
  // the gate's connect-time check each resolve once per connection.
  const answers = ["127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2"];
  const resolve = (host: string) => {
    if (host !== "rebind.test") return Promise.reject(new Error(`unexpected lookup of ${host}`));
    return Promise.resolve([answers.shift() ?? "127.0.0.2"]);
  };
  await withServer(async (port, hits) => {
    await withGuard({ allowPrivate: false, allowList: ["127.0.0.1/32"] }, async (guard) => {
      const c = client(`http://rebind.test:${port}/`, guard);
      await rejectsWith(() => c.getJson("/start"), SourceBlockedError, "rebind.test resolves to a loopback");
      assertEquals(hits, ["/start"], "the first connection went to the checked address; the redirect was refused");
    }, resolve);
  }, (req) => {
    const path = new URL(req.url).pathname;
    // same origin, so the client follows it — with a fresh check of the name
    return path === "/start"
      ? Response.redirect(
        new URL("/next", req.url).href.replace(/\/\/[^/]+/, `//rebind.test:${new URL(req.url).port}`),
        302,
      )
      : Response.json({});
  });
});

Deno.test("address guard: an answer that changes between the client's check and the connection is refused by the gate", async () => {
  const answers = ["127.0.0.1", "127.0.0.2"]; // the client's check passes, the gate's connect-time check does not
  const resolve = () => Promise.resolve([answers.shift() ?? "127.0.0.2"]);
  await withServer(async (port, hits) => {
    await withGuard({ allowPrivate: false, allowList: ["127.0.0.1/32"] }, async (guard) => {
      const error = await rejectsWith(
        () => client(`http://rebind.test:${port}/`, guard).getJson("/x"),
        SourceBlockedError,
        "resolves to a loopback address",
      );
      assertEquals(error.attempts, 1);
      assertEquals(hits, []);
    }, resolve);
  });
});

Deno.test("address guard: a public source redirecting to a metadata address is not followed", async () => {
  await withServer(async (port) => {
    await withGuard({ allowPrivate: false, allowList: ["127.0.0.1/32"] }, async (guard) => {
      const error = await rejectsWith(
        () => client(`http://127.0.0.1:${port}/`, guard).getJson("/go"),
        SourceRequestError,
      );
      assertEquals(error.status, 302);
      assert(!/meta-data/.test(error.message), "the redirect target's answer is never read");
    });
  }, () => Response.redirect("http://169.254.169.254/latest/meta-data/", 302));
});
