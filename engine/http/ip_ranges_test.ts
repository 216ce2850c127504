import { assert, assertEquals } from "../../tests/support/assert.ts";
import { formatIp, inCidr, nonPublicRange, parseCidr, parseIp } from "./ip_ranges.ts";

// The host as the guard sees it: after the URL parser has normalized it (decimal, octal, hex, short IPv4 forms).
const hostOf = (url: string) => new URL(url).hostname.replace(/^\[|\]$/g, "");
const rangeOf = (url: string) => nonPublicRange(parseIp(hostOf(url))!);

Deno.test("ip ranges: loopback, private, link-local, CGNAT and metadata IPv4 addresses are not public", () => {
  assertEquals(rangeOf("http://127.0.0.1/"), "loopback");
  assertEquals(rangeOf("http://127.200.3.4/"), "loopback");
  assertEquals(rangeOf("http://10.1.2.3/"), "private");
  assertEquals(rangeOf("http://172.31.255.255/"), "private");
  assertEquals(rangeOf("http://192.168.0.10/"), "private");
  assertEquals(rangeOf("http://169.254.169.254/latest/meta-data/"), "cloud metadata");
  assertEquals(rangeOf("http://169.254.1.1/"), "link-local");
  assertEquals(rangeOf("http://100.100.100.200/"), "shared (CGNAT)");
  assertEquals(rangeOf("http://0.0.0.0/"), "'this network'");
  assertEquals(rangeOf("http://224.0.0.1/"), "multicast");
  assertEquals(rangeOf("http://8.8.8.8/"), undefined);
  assertEquals(rangeOf("http://172.32.0.1/"), undefined);
  assertEquals(rangeOf("http://100.128.0.1/"), undefined);
});

Deno.test("ip ranges: decimal, octal, hex and short IPv4 spellings are judged by the address they mean", () => {
  for (const url of ["http://2130706433/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://127.1/"]) {
    assertEquals(hostOf(url), "127.0.0.1", url);
    assertEquals(rangeOf(url), "loopback", url);
  }
  assertEquals(rangeOf("http://012.0.0.1/"), "private"); // octal 012 = 10
  assertEquals(rangeOf("http://0xa9fea9fe/"), "cloud metadata"); // 169.254.169.254
});

Deno.test("ip ranges: IPv6 loopback, unique-local, link-local and IPv4-carrying forms", () => {
  assertEquals(rangeOf("http://[::1]/"), "loopback");
  assertEquals(rangeOf("http://[::]/"), "unspecified");
  assertEquals(rangeOf("http://[fd12:3456::1]/"), "unique-local");
  assertEquals(rangeOf("http://[fe80::1]/"), "link-local");
  assertEquals(rangeOf("http://[fd00:ec2::254]/"), "cloud metadata");
  assertEquals(rangeOf("http://[::ffff:127.0.0.1]/"), "loopback"); // mapped; the URL parser writes ::ffff:7f00:1
  assertEquals(rangeOf("http://[::ffff:10.0.0.1]/"), "private");
  assertEquals(rangeOf("http://[::ffff:a9fe:a9fe]/"), "cloud metadata");
  assertEquals(rangeOf("http://[64:ff9b::7f00:1]/"), "loopback"); // NAT64 of 127.0.0.1
  assertEquals(rangeOf("http://[2002:c0a8:0101::1]/"), "private"); // 6to4 of 192.168.1.1
  assertEquals(rangeOf("http://[2606:4700::1111]/"), undefined);
  assertEquals(rangeOf("http://[::ffff:8.8.8.8]/"), undefined);
});

Deno.test("ip ranges: parsing rejects malformed literals, CIDRs match by prefix, formatting round-trips", () => {
  for (const bad of ["1.2.3", "1.2.3.256", "1:2:3:4:5:6:7:8:9", "1::2::3", "gggg::1", "example.com", ""]) {
    assertEquals(parseIp(bad), undefined, bad);
  }
  const net = parseCidr("10.1.0.0/16")!;
  assert(inCidr(parseIp("10.1.200.3")!, net));
  assert(!inCidr(parseIp("10.2.0.1")!, net));
  assert(inCidr(parseIp("fd00::5")!, parseCidr("fd00::/8")!));
  assert(!inCidr(parseIp("fe00::5")!, parseCidr("fd00::/8")!));
  assertEquals(parseCidr("10.0.0.0/33"), undefined);
  assertEquals(parseCidr("10.0.0.0/x"), undefined);
  assertEquals(formatIp(parseIp("10.0.0.1")!), "10.0.0.1");
  assertEquals(formatIp(parseIp("::1")!), "::1");
  assertEquals(formatIp(parseIp("fd00:0:0:0:0:0:0:5")!), "fd00::5");
});
