// Island props → JSON that survives the trip to the browser. One serializer is used for a whole page render, so an
// object (or signal) given to two islands is stored once and revived as one object — a shared signal stays shared.
// Anything that cannot be revived faithfully (functions, class instances, symbols, JSX below the top level) fails the
// render with an error naming the island and the prop path, instead of silently arriving as `{}` in the browser.
import { isValidElement } from "preact";
import { Signal } from "@preact/signals";
import { type Encoded, type IslandState, type TableEntry, TAG } from "./format.ts";

/** Stands for a top-level JSX prop that was rendered on the server as a slot (see ssr.ts). */
export class SlotRef {
  constructor(readonly id: number) {}
}

export class IslandPropsError extends Error {
  constructor(readonly island: string, readonly prop: string, reason: string) {
    super(`Island "${island}": prop "${prop}" ${reason}`);
    this.name = "IslandPropsError";
  }
}

export class PropsSerializer {
  #table: TableEntry[] = [];
  #ids = new Map<object, number>();
  #props: Encoded[] = [];

  /** Encodes one island's props object; returns its props index (the number in the island's start marker). */
  addIsland(island: string, props: Record<string, unknown>): number {
    const entries: [string, Encoded][] = [];
    for (const [key, value] of Object.entries(props)) entries.push([key, this.#encode(value, island, key)]);
    const index = this.#table.push([TAG.object, entries]) - 1;
    return this.#props.push([TAG.ref, index]) - 1;
  }

  get islandCount(): number {
    return this.#props.length;
  }

  state(): IslandState {
    return { t: this.#table, p: this.#props };
  }

  #encode(value: unknown, island: string, path: string): Encoded {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        if (Number.isFinite(value) && !Object.is(value, -0)) return value;
        return [TAG.number, Object.is(value, -0) ? "-0" : String(value) as "NaN" | "Infinity" | "-Infinity"];
      case "undefined":
        return [TAG.undefined];
      case "bigint":
        return [TAG.bigint, value.toString()];
      case "function":
        throw new IslandPropsError(
          island,
          path,
          "is a function; functions cannot be sent to the browser (define the handler inside the island, or pass data)",
        );
      case "symbol":
        throw new IslandPropsError(island, path, "is a symbol; symbols cannot be sent to the browser");
    }
    if (value === null) return null;
    if (value instanceof SlotRef) return [TAG.slot, value.id];
    const obj = value as object;
    const known = this.#ids.get(obj);
    if (known !== undefined) return [TAG.ref, known];
    // Reserve the index before encoding children so cycles point back at this entry.
    const index = this.#table.push([TAG.object, []]) - 1;
    this.#ids.set(obj, index);
    this.#table[index] = this.#entry(obj, island, path);
    return [TAG.ref, index];
  }

  #entry(obj: object, island: string, path: string): TableEntry {
    if (Array.isArray(obj)) {
      const items: Encoded[] = [];
      for (let i = 0; i < obj.length; i++) {
        items.push(i in obj ? this.#encode(obj[i], island, `${path}[${i}]`) : [TAG.hole]);
      }
      return [TAG.array, items];
    }
    if (obj instanceof Signal) return [TAG.signal, this.#encode(obj.peek(), island, `${path}.value`)];
    if (obj instanceof Date) return [TAG.date, this.#encode(obj.getTime(), island, path)];
    if (obj instanceof URL) return [TAG.url, obj.href];
    if (obj instanceof RegExp) return [TAG.regexp, obj.source, obj.flags];
    if (obj instanceof Map) {
      let i = 0;
      const pairs: [Encoded, Encoded][] = [];
      for (const [k, v] of obj) {
        pairs.push([this.#encode(k, island, `${path}<key ${i}>`), this.#encode(v, island, `${path}<value ${i}>`)]);
        i++;
      }
      return [TAG.map, pairs];
    }
    if (obj instanceof Set) {
      let i = 0;
      return [TAG.set, [...obj].map((v) => this.#encode(v, island, `${path}<item ${i++}>`))];
    }
    if (obj instanceof Uint8Array) return [TAG.bytes, toBase64(obj)];
    if (isValidElement(obj)) {
      throw new IslandPropsError(
        island,
        path,
        "is JSX nested inside another value; pass JSX only as a top-level prop (or children) so it becomes a slot",
      );
    }
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      const kind = proto?.constructor?.name ?? "unknown";
      throw new IslandPropsError(
        island,
        path,
        `is an instance of ${kind}; only plain objects, arrays, Date, URL, RegExp, Map, Set, Uint8Array and signals ` +
          "can be sent to the browser",
      );
    }
    const entries: [string, Encoded][] = [];
    for (const [k, v] of Object.entries(obj)) entries.push([k, this.#encode(v, island, `${path}.${k}`)]);
    return [TAG.object, entries];
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * JSON for embedding in an HTML `<script>` element. Every `<` is written as `\u003c` — JSON only has `<` inside
 * strings, where the escape means the same character — so neither `</script` nor `<!--` can appear in the markup.
 * U+2028/U+2029 are escaped too for tools that treat the text as JavaScript.
 */
export function escapeJsonForScript(json: string): string {
  return json.replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
