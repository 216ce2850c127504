// Browser side of serialize.ts: turns the page's island state back into values. Table entries are decoded once and
// cached by index, so shared objects and signals keep their identity and cycles close. `signal` and `slot` are
// injected: the boot module passes @preact/signals' `signal` and the slot VNodes it rebuilt from the DOM.
import { type Encoded, type IslandState, type TableEntry, TAG } from "../format.ts";

export interface DecodeHooks {
  signal(value: unknown): { value: unknown };
  slot(id: number): unknown;
}

export class StateDecoder {
  #cache = new Map<number, unknown>();
  constructor(private state: IslandState, private hooks: DecodeHooks) {}

  /** Props of the island whose start marker carries `index`. */
  props(index: number): Record<string, unknown> {
    if (index < 0 || index >= this.state.p.length) throw new Error(`no serialized props at index ${index}`);
    return this.decode(this.state.p[index]) as Record<string, unknown>;
  }

  decode(value: Encoded): unknown {
    if (!Array.isArray(value)) return value;
    switch (value[0]) {
      case TAG.undefined:
      case TAG.hole:
        return undefined;
      case TAG.number:
        return value[1] === "-0" ? -0 : Number(value[1]);
      case TAG.bigint:
        return BigInt(value[1]);
      case TAG.slot:
        return this.hooks.slot(value[1]);
      case TAG.ref:
        return this.#ref(value[1]);
    }
    throw new Error(`unknown encoded value ${JSON.stringify(value)}`);
  }

  #ref(index: number): unknown {
    if (this.#cache.has(index)) return this.#cache.get(index);
    const entry = this.state.t[index];
    if (!entry) throw new Error(`dangling reference ${index}`);
    return this.#build(index, entry);
  }

  // Containers are cached before their contents are decoded so that a cycle resolves to the same object.
  #build(index: number, entry: TableEntry): unknown {
    const cache = <T>(v: T): T => (this.#cache.set(index, v), v);
    switch (entry[0]) {
      case TAG.array: {
        const out = cache(new Array(entry[1].length));
        entry[1].forEach((item, i) => {
          if (!(Array.isArray(item) && item[0] === TAG.hole)) out[i] = this.decode(item);
        });
        return out;
      }
      case TAG.object: {
        const out = cache({} as Record<string, unknown>);
        // defineProperty so a "__proto__" key stays data instead of replacing the prototype.
        for (const [k, v] of entry[1]) {
          Object.defineProperty(out, k, {
            value: this.decode(v),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return out;
      }
      case TAG.date:
        return cache(new Date(this.decode(entry[1]) as number));
      case TAG.url:
        return cache(new URL(entry[1]));
      case TAG.regexp:
        return cache(new RegExp(entry[1], entry[2]));
      case TAG.map: {
        const out = cache(new Map());
        for (const [k, v] of entry[1]) out.set(this.decode(k), this.decode(v));
        return out;
      }
      case TAG.set: {
        const out = cache(new Set());
        for (const v of entry[1]) out.add(this.decode(v));
        return out;
      }
      case TAG.bytes: {
        const raw = atob(entry[1]);
        const out = new Uint8Array(raw.length);
        for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
        return cache(out);
      }
      case TAG.signal: {
        const s = cache(this.hooks.signal(undefined));
        s.value = this.decode(entry[1]);
        return s;
      }
    }
    throw new Error(`unknown table entry ${JSON.stringify(entry)}`);
  }
}
