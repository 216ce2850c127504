// A minimal in-process SOCKS5 server (RFC 1928, CONNECT without authentication) on 127.0.0.1 that connects only to
// addresses its `check` approves. fetch is pointed at it with `socks5h://`, so the host name arrives here unresolved,
// is resolved and checked here, and the connection goes to exactly the address that was checked (see
// address_guard.ts). TLS stays end to end: the gate only moves bytes.
import { AddressRefusedError, type ResolvedTarget } from "./address_guard.ts";

export interface SocksGate {
  port: number;
  close(): Promise<void>;
}

// Reply codes (RFC 1928 §6)
const GENERAL_FAILURE = 1;
const NOT_ALLOWED = 2;
const HOST_UNREACHABLE = 4;
const CONNECTION_REFUSED = 5;
const COMMAND_NOT_SUPPORTED = 7;
const ADDRESS_NOT_SUPPORTED = 8;

/** Reads exact byte counts from a connection, keeping what arrives early for the tunnel. */
class ExactReader {
  #buffered = new Uint8Array(0);
  constructor(private readonly conn: Deno.Conn) {}

  async take(n: number): Promise<Uint8Array> {
    while (this.#buffered.length < n) {
      const chunk = new Uint8Array(4096);
      const read = await this.conn.read(chunk);
      if (read === null) throw new Error("client closed during the SOCKS handshake");
      const next = new Uint8Array(this.#buffered.length + read);
      next.set(this.#buffered);
      next.set(chunk.subarray(0, read), this.#buffered.length);
      this.#buffered = next;
    }
    const out = this.#buffered.slice(0, n);
    this.#buffered = this.#buffered.slice(n);
    return out;
  }

  rest(): Uint8Array {
    return this.#buffered;
  }
}

function reply(code: number): Uint8Array {
  return new Uint8Array([5, code, 0, 1, 0, 0, 0, 0, 0, 0]);
}

/** Greeting, then our choice of "no authentication", then the CONNECT request. */
async function readTarget(reader: ExactReader, client: Deno.Conn): Promise<{ host: string; port: number } | number> {
  const [version, nMethods] = await reader.take(2);
  if (version !== 5) return GENERAL_FAILURE;
  await reader.take(nMethods);
  await client.write(new Uint8Array([5, 0]));
  return await readRequest(reader);
}

async function readRequest(reader: ExactReader): Promise<{ host: string; port: number } | number> {
  const [, command, , type] = await reader.take(4);
  let host: string;
  if (type === 1) host = (await reader.take(4)).join(".");
  else if (type === 3) host = new TextDecoder().decode(await reader.take((await reader.take(1))[0]));
  else if (type === 4) {
    const b = await reader.take(16);
    host = Array.from({ length: 8 }, (_, i) => ((b[2 * i] << 8) | b[2 * i + 1]).toString(16)).join(":");
  } else return ADDRESS_NOT_SUPPORTED;
  const [hi, lo] = await reader.take(2);
  return command === 1 ? { host, port: (hi << 8) | lo } : COMMAND_NOT_SUPPORTED;
}

async function serve(client: Deno.Conn, check: (host: string) => Promise<ResolvedTarget>, open: Set<Deno.Conn>) {
  const reader = new ExactReader(client);
  let upstream: Deno.Conn | undefined;
  try {
    const target = await readTarget(reader, client);
    if (typeof target === "number") {
      await client.write(reply(target));
      return;
    }
    let code = 0;
    try {
      const { address } = await check(target.host);
      upstream = await Deno.connect({ hostname: address, port: target.port });
      open.add(upstream);
    } catch (e) {
      code = e instanceof AddressRefusedError
        ? NOT_ALLOWED
        : e instanceof Deno.errors.ConnectionRefused
        ? CONNECTION_REFUSED
        : HOST_UNREACHABLE;
    }
    await client.write(reply(code));
    if (!upstream) return;
    const early = reader.rest();
    if (early.length) await upstream.write(early);
    await Promise.allSettled([
      client.readable.pipeTo(upstream.writable),
      upstream.readable.pipeTo(client.writable),
    ]);
  } catch {
    // a client that goes away mid-handshake or mid-tunnel: nothing to report, the fetch sees its own error
  } finally {
    for (const c of [client, upstream]) {
      if (!c) continue;
      open.delete(c);
      try {
        c.close();
      } catch { /* already closed by pipeTo */ }
    }
  }
}

export async function startSocksGate(check: (host: string) => Promise<ResolvedTarget>): Promise<SocksGate> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  listener.unref(); // a gate alone never keeps the process alive
  const open = new Set<Deno.Conn>();
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        open.add(conn);
        serve(conn, check, open);
      }
    } catch { /* listener closed */ }
  })();
  await Promise.resolve();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async close() {
      listener.close();
      for (const c of open) {
        try {
          c.close();
        } catch { /* closed meanwhile */ }
      }
      open.clear();
      await accepting;
    },
  };
}
