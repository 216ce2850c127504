// IP address arithmetic for the source address guard: parse IPv4/IPv6 literals, match CIDR ranges, and name the
// non-public range an address falls in (loopback, private, link-local, unique-local, CGNAT, metadata, …).
// IPv4 is held as an IPv4-mapped IPv6 address, so one 128-bit comparison serves both families, and addresses that
// embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by the IPv4 address they lead to.

/** A parsed address: 16 bytes (IPv4 as ::ffff:a.b.c.d). */
export type IpBytes = Uint8Array;

/** Strict dotted-quad IPv4 ("10.0.0.1"); other spellings are normalized by the URL parser before they get here. */
export function parseIPv4(text: string): IpBytes | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  for (let i = 0; i < 4; i++) {
    if (!/^\d{1,3}$/.test(parts[i])) return undefined;
    const n = Number(parts[i]);
    if (n > 255) return undefined;
    out[12 + i] = n;
  }
  return out;
}

/** IPv6 literal, with "::" and an optional trailing dotted IPv4 part; brackets and a zone id are accepted. */
export function parseIPv6(input: string): IpBytes | undefined {
  let text = input.replace(/^\[|\]$/g, "");
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(":")) return undefined;
  const words: number[] = [];
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parseHalf = (half: string): number[] | undefined => {
    if (half === "") return [];
    const out: number[] = [];
    const groups = half.split(":");
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (i === groups.length - 1 && g.includes(".")) {
        const v4 = parseIPv4(g);
        if (!v4) return undefined;
        out.push((v4[12] << 8) | v4[13], (v4[14] << 8) | v4[15]);
      } else if (/^[0-9a-f]{1,4}$/i.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = parseHalf(halves[0]);
  const tail = halves.length === 2 ? parseHalf(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1 && head.length !== 8) return undefined;
  if (halves.length === 2 && head.length + tail.length > 7) return undefined;
  words.push(...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail);
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

export function parseIp(text: string): IpBytes | undefined {
  return parseIPv4(text) ?? parseIPv6(text);
}

export function formatIp(ip: IpBytes): string {
  if (isMapped(ip)) return ip.slice(12).join(".");
  const words = Array.from({ length: 8 }, (_, i) => ((ip[2 * i] << 8) | ip[2 * i + 1]).toString(16));
  return words.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

export interface Cidr {
  base: IpBytes;
  /** Prefix length over the 128-bit form (an IPv4 /8 is /104 here). */
  bits: number;
}

/** "10.0.0.0/8", "fd00::/8", or a single address. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, len, ...rest] = text.trim().split("/");
  if (rest.length) return undefined;
  const base = parseIp(addr);
  if (!base) return undefined;
  const v4 = parseIPv4(addr) !== undefined;
  const max = v4 ? 32 : 128;
  const n = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(n >= 0 && n <= max)) return undefined;
  return { base, bits: v4 ? 96 + n : n };
}

export function inCidr(ip: IpBytes, cidr: Cidr): boolean {
  for (let bit = 0; bit < cidr.bits; bit += 8) {
    const take = Math.min(8, cidr.bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((ip[bit / 8] & mask) !== (cidr.base[bit / 8] & mask)) return false;
  }
  return true;
}

function isMapped(ip: IpBytes): boolean {
  return ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
}

function v4At(ip: IpBytes, offset: number): IpBytes {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(ip.slice(offset, offset + 4), 12);
  return out;
}

const range = (text: string, name: string) => ({ cidr: parseCidr(text)!, name });

// Not reachable on the public internet, or special enough that a tenant must not make Sluice talk to it.
const V4_RANGES = [
  range("0.0.0.0/8", "'this network'"),
  range("10.0.0.0/8", "private"),
  range("100.64.0.0/10", "shared (CGNAT)"),
  range("127.0.0.0/8", "loopback"),
  range("169.254.169.254/32", "cloud metadata"),
  range("169.254.0.0/16", "link-local"),
  range("172.16.0.0/12", "private"),
  range("192.0.0.0/24", "IETF protocol assignments"),
  range("192.0.2.0/24", "documentation"),
  range("192.168.0.0/16", "private"),
  range("198.18.0.0/15", "benchmarking"),
  range("198.51.100.0/24", "documentation"),
  range("203.0.113.0/24", "documentation"),
  range("224.0.0.0/4", "multicast"),
  range("240.0.0.0/4", "reserved"),
];

const V6_RANGES = [
  range("::/128", "unspecified"),
  range("::1/128", "loopback"),
  range("100::/64", "discard"),
  range("2001:db8::/32", "documentation"),
  range("fd00:ec2::254/128", "cloud metadata"),
  range("fc00::/7", "unique-local"),
  range("fe80::/10", "link-local"),
  range("fec0::/10", "site-local"),
  range("ff00::/8", "multicast"),
];

// IPv6 forms that carry an IPv4 address, and where it sits.
const EMBEDDED_V4 = [
  { cidr: parseCidr("::ffff:0:0/96")!, offset: 12 }, // IPv4-mapped
  { cidr: parseCidr("::/96")!, offset: 12 }, // IPv4-compatible (deprecated)
  { cidr: parseCidr("64:ff9b::/96")!, offset: 12 }, // NAT64
  { cidr: parseCidr("64:ff9b:1::/48")!, offset: 12 }, // local-use NAT64
  { cidr: parseCidr("2002::/16")!, offset: 2 }, // 6to4
];

/** The name of the non-public range `ip` belongs to, or undefined for a public address. */
export function nonPublicRange(ip: IpBytes): string | undefined {
  if (isMapped(ip)) return V4_RANGES.find((r) => inCidr(ip, r.cidr))?.name;
  const own = V6_RANGES.find((r) => inCidr(ip, r.cidr));
  if (own) return own.name;
  const embedded = EMBEDDED_V4.find((e) => inCidr(ip, e.cidr));
  return embedded ? nonPublicRange(v4At(ip, embedded.offset)) : undefined;
}
