// Which addresses a source request may reach. A tenant's admin chooses an integration's base URL, so without this
// guard any tenant could make Sluice probe the instance's own network (loopback services, the cloud metadata
// endpoint, databases on private addresses). By default every non-public address is refused; the instance operator
// allows them all (SLUICE_ALLOW_PRIVATE_SOURCES=true, e.g. an on-premises Jira) or some (an allow-list of host names
// and CIDRs).
//
// The check happens when the connection is made, not when the URL is saved: the guard resolves the host itself and
// the request is tunnelled through an in-process SOCKS5 gate (socks_gate.ts) that connects only to the address it
// has just checked. A DNS answer that changes between a check and the connection (rebinding) therefore cannot reach
// a private address, and neither can a redirect, which is a new connection through the same gate.
import { formatIp, inCidr, nonPublicRange, parseCidr, parseIp, parseIPv4 } from "./ip_ranges.ts";
import { type SocksGate, startSocksGate } from "./socks_gate.ts";

export interface SourceAddressPolicy {
  /** Every address may be reached (the operator's SLUICE_ALLOW_PRIVATE_SOURCES=true). */
  allowPrivate: boolean;
  /** Host names ("jira.corp", "*.corp.example") and addresses/CIDRs ("10.1.0.0/16") allowed although not public. */
  allowList: readonly string[];
}

/** A source address the policy refuses; never retried, and worded without anything the target said. */
export class AddressRefusedError extends Error {
  override readonly name = "AddressRefusedError";
}

/** Parses SLUICE_PRIVATE_SOURCE_ALLOWLIST (comma or space separated); returns the entries that are not valid. */
export function invalidAllowListEntries(entries: readonly string[]): string[] {
  return entries.filter((e) =>
    !parseCidr(e) && !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(e)
  );
}

export function splitAllowList(text: string | undefined): string[] {
  return (text ?? "").split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

export interface ResolvedTarget {
  /** The address to connect to (the first allowed answer). */
  address: string;
}

type Resolver = (host: string) => Promise<string[]>;

async function resolveAll(host: string): Promise<string[]> {
  const answers = await Promise.allSettled([Deno.resolveDns(host, "A"), Deno.resolveDns(host, "AAAA")]);
  const found = answers.flatMap((a) => (a.status === "fulfilled" ? a.value : []));
  if (found.length === 0) {
    const reason = answers.find((a) => a.status === "rejected") as PromiseRejectedResult | undefined;
    throw new TypeError(`dns error: failed to lookup address information for ${host}`, { cause: reason?.reason });
  }
  return found;
}

export class SourceAddressGuard {
  readonly policy: SourceAddressPolicy;
  readonly #hosts: string[];
  readonly #cidrs: ReturnType<typeof parseCidr>[];
  readonly #resolve: Resolver;
  #gate: Promise<SocksGate> | undefined;
  /** What the gate refused lately, by host: a connection it refuses surfaces in fetch only as a SOCKS error. */
  readonly #refusedAtConnect = new Map<string, AddressRefusedError>();
  #client: Deno.HttpClient | undefined;

  constructor(policy: SourceAddressPolicy, options: { resolve?: Resolver } = {}) {
    const bad = invalidAllowListEntries(policy.allowList);
    if (bad.length) throw new Error(`not a host name or CIDR: ${bad.join(", ")}`);
    this.policy = policy;
    this.#hosts = policy.allowList.filter((e) => !parseCidr(e)).map((e) => e.toLowerCase());
    this.#cidrs = policy.allowList.map((e) => parseCidr(e)).filter(Boolean);
    this.#resolve = options.resolve ?? resolveAll;
  }

  /** True when nothing is checked (every address allowed): requests go out directly. */
  get open(): boolean {
    return this.policy.allowPrivate;
  }

  #hostAllowed(host: string): boolean {
    const h = host.toLowerCase().replace(/\.$/, "");
    return this.#hosts.some((e) => (e.startsWith("*.") ? h.endsWith(e.slice(1)) : h === e));
  }

  /**
   * Resolves `host` (a name or an address literal) and checks every answer; throws AddressRefusedError when one is
   * not public and not allowed. A name with one private answer among public ones is refused as a whole: which
   * answer a connection would use is not ours to predict.
   */
  async check(rawHost: string): Promise<ResolvedTarget> {
    const host = rawHost.replace(/^\[|\]$/g, "");
    const literal = parseIp(host);
    if (this.open || (!literal && this.#hostAllowed(host))) {
      return { address: literal ? formatIp(literal) : host };
    }
    const addresses = literal ? [host] : await this.#resolve(host);
    const ips = addresses.map((a) => parseIp(a)).filter((ip) => ip !== undefined);
    if (ips.length === 0) throw new TypeError(`dns error: no usable address for ${host}`);
    for (const ip of ips) {
      const range = nonPublicRange(ip);
      if (range && !this.#cidrs.some((c) => inCidr(ip, c!))) {
        const what = literal ? `${host} is a ${range} address` : `${host} resolves to a ${range} address`;
        throw new AddressRefusedError(
          `${what}; private and internal addresses are not allowed as sources on this instance ` +
            `(the operator can allow them with SLUICE_ALLOW_PRIVATE_SOURCES or SLUICE_PRIVATE_SOURCE_ALLOWLIST)`,
        );
      }
    }
    // IPv4 first: a dual-stack name then behaves as it would for a plain client
    const chosen = ips.find((ip) => parseIPv4(formatIp(ip))) ?? ips[0];
    return { address: formatIp(chosen) };
  }

  /** The HTTP client every guarded request uses (connections through the gate); undefined when the guard is open. */
  async httpClient(): Promise<Deno.HttpClient | undefined> {
    if (this.open) return undefined;
    if (!this.#client) {
      this.#gate ??= startSocksGate((host) =>
        this.check(host).catch((e) => {
          if (e instanceof AddressRefusedError) this.#refusedAtConnect.set(host.replace(/^\[|\]$/g, ""), e);
          throw e;
        })
      );
      const gate = await this.#gate;
      this.#client ??= Deno.createHttpClient({
        proxy: { transport: "socks5", url: `socks5h://127.0.0.1:${gate.port}` },
      });
    }
    return this.#client;
  }

  /**
   * A request through this guard: the host is checked first, for a clear refusal before anything is sent, and the
   * gate behind the client checks again as it connects, so a DNS answer that changes in between cannot slip through.
   * Redirects are never followed (the caller decides; one could carry credentials elsewhere).
   */
  async fetch(
    url: URL,
    init: RequestInit,
    fetchFn: (url: URL, init: RequestInit) => Promise<Response> = fetch,
  ): Promise<Response> {
    if (!this.open) await this.check(url.hostname);
    const client = await this.httpClient();
    const guarded: RequestInit & { client?: Deno.HttpClient } = { ...init, redirect: "manual" };
    if (client) guarded.client = client;
    return await fetchFn(url, guarded);
  }

  /** Why a request to `host` failed, when the guard refused it (at the check or at connect time); else undefined. */
  refusal(error: unknown, host: string): AddressRefusedError | undefined {
    return error instanceof AddressRefusedError ? error : this.takeRefusal(host);
  }

  /** The refusal behind a failed connection to `host`, if the gate refused it (DNS rebinding); cleared on read. */
  takeRefusal(host: string): AddressRefusedError | undefined {
    const key = host.replace(/^\[|\]$/g, "");
    const refusal = this.#refusedAtConnect.get(key);
    this.#refusedAtConnect.delete(key);
    return refusal;
  }

  async close(): Promise<void> {
    this.#client?.close();
    this.#client = undefined;
    const gate = this.#gate;
    this.#gate = undefined;
    if (gate) await (await gate).close();
  }
}

/** Allows every address: for local fakes in tests and benches, and for operator-configured services. */
export const OPEN_ADDRESSES = new SourceAddressGuard({ allowPrivate: true, allowList: [] });

let defaultGuard: SourceAddressGuard | undefined;

/** What a source client uses when it is given no guard: refuse every non-public address (a new install's default). */
export function defaultAddressGuard(): SourceAddressGuard {
  defaultGuard ??= new SourceAddressGuard({ allowPrivate: false, allowList: [] });
  return defaultGuard;
}

const byPolicy = new Map<string, SourceAddressGuard>();

/** One guard (and one gate) per distinct policy in the process. */
export function addressGuardFor(policy: SourceAddressPolicy): SourceAddressGuard {
  if (policy.allowPrivate) return OPEN_ADDRESSES;
  if (policy.allowList.length === 0) return defaultAddressGuard();
  const key = JSON.stringify(policy.allowList);
  let guard = byPolicy.get(key);
  if (!guard) byPolicy.set(key, guard = new SourceAddressGuard(policy));
  return guard;
}
