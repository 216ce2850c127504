import { h } from "preact";
import { signal } from "@preact/signals";
import { assert, assertEquals, assertThrows } from "../../tests/support/assert.ts";
import { escapeJsonForScript, IslandPropsError, PropsSerializer, SlotRef } from "./serialize.ts";
import { StateDecoder } from "./client/deserialize.ts";
import type { IslandState } from "./format.ts";

/** Serializes like the server, ships through JSON text, decodes like the browser. */
function roundTrip(islands: Record<string, unknown>[], slot = (id: number) => `slot#${id}`) {
  const s = new PropsSerializer();
  const indexes = islands.map((props, i) => s.addIsland(`I${i}`, props));
  const state: IslandState = JSON.parse(JSON.stringify(s.state()));
  const decoder = new StateDecoder(state, { signal, slot });
  return indexes.map((i) => decoder.props(i));
}

Deno.test("serializer: special values survive the trip with their types", () => {
  const [p] = roundTrip([{
    s: "x",
    n: 1.5,
    b: false,
    nil: null,
    undef: undefined,
    nan: NaN,
    inf: Infinity,
    ninf: -Infinity,
    negZero: -0,
    big: -12345678901234567890n,
    date: new Date("2024-01-02T03:04:05.678Z"),
    bad: new Date(NaN),
    url: new URL("https://a.test/p?q=1#h"),
    re: /a+b/gi,
    map: new Map<unknown, unknown>([[1, "one"], ["k", new Set([1])]]),
    set: new Set(["a", "b"]),
    bytes: new Uint8Array([0, 128, 255]),
    sparse: [1, , 3],
    proto: JSON.parse('{"__proto__": {"polluted": true}}'),
  }]);
  assertEquals(p.s, "x");
  assertEquals(p.n, 1.5);
  assertEquals(p.b, false);
  assertEquals(p.nil, null);
  assert("undef" in p && p.undef === undefined);
  assert(Number.isNaN(p.nan));
  assertEquals(p.inf, Infinity);
  assertEquals(p.ninf, -Infinity);
  assert(Object.is(p.negZero, -0));
  assertEquals(p.big, -12345678901234567890n);
  assertEquals((p.date as Date).toISOString(), "2024-01-02T03:04:05.678Z");
  assert(Number.isNaN((p.bad as Date).getTime()));
  assertEquals((p.url as URL).href, "https://a.test/p?q=1#h");
  assertEquals(String(p.re), "/a+b/gi");
  assertEquals((p.map as Map<unknown, unknown>).get(1), "one");
  assert((p.map as Map<unknown, Set<number>>).get("k")!.has(1));
  assertEquals([...(p.set as Set<string>)], ["a", "b"]);
  assertEquals([...(p.bytes as Uint8Array)], [0, 128, 255]);
  const sparse = p.sparse as unknown[];
  assertEquals(sparse.length, 3);
  assert(!(1 in sparse), "hole stays a hole");
  // "__proto__" arrives as an own data property, not as the object's prototype.
  assertEquals(Object.getPrototypeOf(p.proto), Object.prototype);
  assertEquals(Object.keys(p.proto as object), ["__proto__"]);
  assertEquals(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("serializer: shared objects, shared signals and cycles keep identity across islands", () => {
  const count = signal(3);
  const shared = { tags: ["a"] };
  const cyc: Record<string, unknown> = { name: "c" };
  cyc.self = cyc;
  cyc.list = [cyc];
  const [a, b] = roundTrip([{ count, shared, cyc }, { count, shared }]);
  assert(a.count === b.count, "one signal in the browser");
  assert(a.shared === b.shared);
  const s = a.count as { value: number };
  assertEquals(s.value, 3);
  s.value = 4;
  assertEquals((b.count as { value: number }).value, 4);
  const c = a.cyc as Record<string, unknown>;
  assert(c.self === c);
  assert((c.list as unknown[])[0] === c);
});

Deno.test("serializer: slot references decode through the slot hook", () => {
  const [p] = roundTrip([{ children: new SlotRef(7), footer: new SlotRef(8) }]);
  assertEquals(p.children, "slot#7");
  assertEquals(p.footer, "slot#8");
});

Deno.test("serializer: functions, class instances, symbols and nested JSX fail naming island and prop", () => {
  const s = new PropsSerializer();
  const fn = assertThrows(
    () => s.addIsland("JobCard", { onRun: () => {} }),
    'Island "JobCard": prop "onRun" is a function',
  );
  assert(fn instanceof IslandPropsError);
  assertEquals((fn as IslandPropsError).prop, "onRun");
  assertThrows(
    () => s.addIsland("Table", { rows: [{ id: 1, format: () => "" }] }),
    'Island "Table": prop "rows[0].format" is a function',
  );
  class Money {
    constructor(readonly cents: number) {}
  }
  assertThrows(() => s.addIsland("Price", { amount: new Money(5) }), 'prop "amount" is an instance of Money');
  assertThrows(() => s.addIsland("Tag", { kind: Symbol("x") }), 'prop "kind" is a symbol');
  assertThrows(() => s.addIsland("Menu", { items: [{ icon: h("svg", null) }] }), 'prop "items[0].icon" is JSX nested');
  assertThrows(() => s.addIsland("M", { m: new Map([["k", () => 1]]) }), 'prop "m<value 0>" is a function');
});

Deno.test("escapeJsonForScript: no </script, <!-- or line separators survive, and JSON.parse restores the text", () => {
  const evil = "</script><script>alert(1)</script><!-- \u2028\u2029 </SCRIPT";
  const json = escapeJsonForScript(JSON.stringify({ evil }));
  assertEquals(json.includes("<"), false);
  assertEquals(/<\/script|<!--/i.test(json), false);
  assertEquals(json.includes("\u2028") || json.includes("\u2029"), false);
  assertEquals(JSON.parse(json).evil, evil);
});
