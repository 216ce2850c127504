// Finds the outermost islands in the server HTML and builds the VNode each one is revived with. Everything is read
// before anything renders (rendering removes markers). Slot content is converted from DOM back into VNodes so the
// island renders it in place and Preact reuses those nodes; an island found inside slot content becomes a real
// component in its parent island's tree rather than a second root, so no two roots share DOM.
import { type ComponentType, h, type VNode } from "preact";
import { ISLAND_END, ISLAND_START, type IslandState, SLOT_END, SLOT_START, SLOT_TEMPLATE_ATTR } from "../format.ts";
import { type DecodeHooks, StateDecoder } from "./deserialize.ts";
import { between, matchingEnd } from "./range.ts";

// deno-lint-ignore no-explicit-any
export type IslandComponents = Record<string, ComponentType<any>>;

export interface IslandRoot {
  name: string;
  start: Comment;
  end: Comment;
  vnode: VNode;
}

export type ReviveErrorHandler = (island: string, message: string, cause?: unknown) => void;

export const SPLIT_MARKERS = "its markers were split by the browser's HTML parser (invalid nesting such as a <div> " +
  "inside a <p>, or an island directly inside <table>/<tr>/<select>); the server-rendered HTML is left in place";

function parseIslandStart(data: string): { name: string; index: number } | null {
  if (!data.startsWith(ISLAND_START)) return null;
  const rest = data.slice(ISLAND_START.length);
  const colon = rest.lastIndexOf(":");
  const index = Number(rest.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(index)) return null;
  return { name: rest.slice(0, colon), index };
}

class RevivalError extends Error {}

export class Reviver {
  #slots = new Map<number, unknown[]>();
  #decoder: StateDecoder;
  #withElements: Set<number>;

  constructor(private islands: IslandComponents, state: IslandState, signal: DecodeHooks["signal"]) {
    this.#decoder = new StateDecoder(state, { signal, slot: (id) => this.#slotContent(id) });
    this.#withElements = new Set(state.e ?? []);
  }

  /** Outermost islands below `root`, in document order. Islands that cannot be revived are reported and skipped. */
  collect(root: Node, onError: ReviveErrorHandler): IslandRoot[] {
    const roots: IslandRoot[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const island = parseIslandStart((node as Comment).data);
      if (!island) continue;
      const end = matchingEnd(node, ISLAND_START, ISLAND_END);
      if (!end) {
        onError(island.name, SPLIT_MARKERS);
        continue;
      }
      try {
        roots.push({ name: island.name, start: node as Comment, end, vnode: this.#island(island, node, end) });
      } catch (e) {
        onError(island.name, e instanceof RevivalError ? e.message : "its props or slots could not be revived", e);
      }
      walker.currentNode = end;
    }
    return roots;
  }

  #island(island: { name: string; index: number }, start: Node, end: Node): VNode {
    const component = this.islands[island.name];
    if (!component) throw new RevivalError(`its chunk was not loaded by the page's boot script`);
    const nodes = between(start, end);
    if (this.#withElements.has(island.index) && !nodes.some((n) => n.nodeType === Node.ELEMENT_NODE)) {
      throw new RevivalError(SPLIT_MARKERS);
    }
    this.#scanSlots(nodes, island.name);
    return h(component, this.#decoder.props(island.index));
  }

  // Slot markers of this island sit anywhere in its DOM, but never inside other slots' content.
  #scanSlots(nodes: Node[], island: string) {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (node.nodeType === Node.ELEMENT_NODE) {
        this.#scanSlots([...node.childNodes], island);
        continue;
      }
      if (node.nodeType !== Node.COMMENT_NODE || !(node as Comment).data.startsWith(SLOT_START)) continue;
      const id = Number((node as Comment).data.slice(SLOT_START.length));
      const end = matchingEnd(node, SLOT_START, SLOT_END);
      const endIndex = end ? nodes.indexOf(end, i) : -1;
      if (endIndex < 0) throw new RevivalError(`slot ${id} of island "${island}": ${SPLIT_MARKERS}`);
      if (!this.#slots.has(id)) this.#slots.set(id, this.#toVNodes(nodes.slice(i + 1, endIndex)));
      i = endIndex;
    }
  }

  #slotContent(id: number): unknown {
    let content = this.#slots.get(id);
    if (!content) {
      // Not rendered by the island on the server: the content waits in a <template> at the end of <body>.
      const template = document.querySelector(`template[${SLOT_TEMPLATE_ATTR}="${id}"]`) as HTMLTemplateElement | null;
      if (!template) throw new RevivalError(`slot ${id} is missing from the page`);
      content = this.#toVNodes([...template.content.childNodes]);
      this.#slots.set(id, content);
    }
    return content.length === 1 ? content[0] : content;
  }

  #toVNodes(nodes: Node[]): unknown[] {
    const out: unknown[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (node.nodeType === Node.TEXT_NODE) out.push((node as Text).data);
      else if (node.nodeType === Node.ELEMENT_NODE) out.push(this.#element(node as Element));
      else if (node.nodeType === Node.COMMENT_NODE) {
        const island = parseIslandStart((node as Comment).data);
        if (!island) continue; // other comments are dropped, as Preact would drop them anyway
        const end = matchingEnd(node, ISLAND_START, ISLAND_END);
        const endIndex = end ? nodes.indexOf(end, i) : -1;
        if (endIndex < 0) throw new RevivalError(`nested island "${island.name}": ${SPLIT_MARKERS}`);
        out.push(this.#island(island, node, end!));
        i = endIndex;
      }
    }
    return out;
  }

  #element(el: Element): VNode {
    const props: Record<string, unknown> = {};
    for (const attr of el.attributes) {
      // Inline handler attributes are not Preact props (Preact would treat the string as a listener).
      if (attr.name.startsWith("on")) continue;
      const current = (el as unknown as Record<string, unknown>)[attr.name];
      // Live state wins over the server attribute, so reviving never resets what the user already typed/checked.
      props[attr.name] = typeof current === "boolean" ? current : attr.value;
    }
    const tag = el.localName;
    if (tag === "input" || tag === "textarea" || tag === "select") {
      props.value = (el as HTMLInputElement).value;
      if (tag === "textarea") return h(tag, props) as VNode;
    }
    const children = tag === "template"
      ? this.#toVNodes([...(el as HTMLTemplateElement).content.childNodes])
      : this.#toVNodes([...el.childNodes]);
    return h(tag, props, ...children as VNode[]) as VNode;
  }
}
