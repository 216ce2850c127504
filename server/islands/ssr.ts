// Server-side island detection. Preact's `options` hooks see every vnode preact-render-to-string diffs; when one is
// a registered island component and no island is open around it, the vnode is swapped for an IslandBoundary that
// records its props and wraps its output in `<!--sluice:island:NAME:IDX-->…<!--/sluice:island-->`. Islands inside
// that island render as plain components (only the outermost one is revived in the browser, so two islands never
// fight over the same DOM). JSX-valued top-level props become slots: rendered here between slot markers, rebuilt
// from the DOM in the browser. Islands placed in slot content are outermost again (slot content is server content).
import { Fragment, h, isValidElement, options, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { Signal } from "@preact/signals";
import { ISLAND_END, ISLAND_START, type IslandState, SLOT_END, SLOT_START, SLOT_TEMPLATE_ATTR } from "./format.ts";
import { PropsSerializer, SlotRef } from "./serialize.ts";
import { nestingProblem } from "./nesting.ts";

// deno-lint-ignore ban-types
export type IslandComponent = Function;

/** One island component as the page needs it: its name and the chunk + export the browser imports. */
export interface IslandRef {
  name: string;
  chunkUrl: string;
  exportName: string;
}

export interface IslandRender {
  /** Body HTML with island and slot markers. */
  html: string;
  /** `<template>`s for slots that islands did not render on the server (append at the end of `<body>`). */
  templates: string;
  /** Islands revived on this page (outermost only), each once. Empty → the page needs no JavaScript. */
  islands: IslandRef[];
  state: IslandState;
  /** Invalid HTML nesting the browser's parser would "fix" by moving island markers. */
  warnings: string[];
}

interface Marker {
  label: string;
  base: number;
  /** One warning per range: after the first misplacement the rest of the range is moved anyway. */
  warned?: boolean;
  /** Props index, for island ranges (set when the boundary renders). */
  island?: number;
  hasElements?: boolean;
}

interface Swapped {
  type: unknown;
  props: unknown;
}

class RenderContext {
  serializer = new PropsSerializer();
  used = new Map<string, IslandRef>();
  islandDepth = 0;
  depthStack: number[] = [];
  elements: string[] = [];
  markers: Marker[] = [];
  swapped = new Map<VNode, Swapped>();
  slots: { id: number; content: unknown; rendered: boolean }[] = [];
  warnings: string[] = [];
  withElements: number[] = [];
  constructor(readonly registry: ReadonlyMap<IslandComponent, IslandRef>) {}
}

let current: RenderContext | null = null;
/** Inner vnodes created by an IslandBoundary: already marked, so the hook must not wrap them again. */
const boundaryInner = new WeakSet<VNode>();

interface BoundaryProps {
  island: IslandRef;
  component: IslandComponent;
  props: Record<string, unknown>;
}

const comment = (text: string) => h(Fragment, { UNSTABLE_comment: text } as Record<string, unknown>);

function IslandBoundary({ island, component, props }: BoundaryProps) {
  const ctx = current!;
  const serverProps: Record<string, unknown> = {};
  const clientProps: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (isJsx(value)) {
      const id = ctx.slots.push({ id: ctx.slots.length, content: value, rendered: false }) - 1;
      serverProps[key] = h(Slot, { id, children: value } as SlotProps);
      clientProps[key] = new SlotRef(id);
    } else {
      serverProps[key] = clientProps[key] = value;
    }
  }
  const index = ctx.serializer.addIsland(island.name, clientProps);
  ctx.markers[ctx.markers.length - 1].island = index;
  ctx.used.set(island.name, island);
  const inner = h(component as never, serverProps);
  boundaryInner.add(inner);
  return [comment(`${ISLAND_START}${island.name}:${index}`), inner, comment(ISLAND_END)];
}

interface SlotProps {
  id: number;
  children: unknown;
}

function Slot({ id, children }: SlotProps) {
  current!.slots[id].rendered = true;
  return [comment(`${SLOT_START}${id}`), children as VNode, comment(SLOT_END)];
}

/**
 * A prop is JSX when it is a vnode, or an array (nested) of children holding at least one vnode. Signals pass
 * Preact's isValidElement (@preact/signals lets them render as text) but are data here.
 */
function isJsx(value: unknown): boolean {
  if (value instanceof Signal) return false;
  if (isValidElement(value)) return true;
  if (!Array.isArray(value)) return false;
  let found = false;
  for (const item of value) {
    if (item instanceof Signal) return false;
    if (isValidElement(item) || (Array.isArray(item) && isJsx(item))) found = true;
    else if (item !== null && typeof item === "object") return false;
  }
  return found;
}

function beforeDiff(ctx: RenderContext, vnode: VNode) {
  const type = vnode.type as unknown;
  if (typeof type === "string") {
    if (ctx.markers.length) {
      checkNesting(ctx, type);
      noteElement(ctx);
    }
    ctx.elements.push(type);
  } else if (type === Slot) {
    ctx.depthStack.push(ctx.islandDepth);
    ctx.islandDepth = 0;
    ctx.markers.push({ label: `slot content of island "${openIslandName(ctx)}"`, base: ctx.elements.length });
  } else if (typeof type === "function" && ctx.registry.has(type)) {
    if (ctx.islandDepth > 0 || boundaryInner.has(vnode)) {
      ctx.islandDepth++;
      return;
    }
    const island = ctx.registry.get(type)!;
    ctx.swapped.set(vnode, { type, props: vnode.props });
    ctx.markers.push({ label: `island "${island.name}"`, base: ctx.elements.length });
    const props: BoundaryProps = { island, component: type, props: vnode.props as Record<string, unknown> };
    (vnode as { type: unknown }).type = IslandBoundary;
    (vnode as { props: unknown }).props = props;
  }
}

function afterDiff(ctx: RenderContext, vnode: VNode) {
  const type = vnode.type as unknown;
  if (typeof type === "string") {
    ctx.elements.pop();
  } else if (type === Slot) {
    ctx.islandDepth = ctx.depthStack.pop() ?? 0;
    ctx.markers.pop();
  } else if (type === IslandBoundary) {
    // Put the page author's vnode back as it was: it may be rendered again elsewhere.
    const original = ctx.swapped.get(vnode);
    if (original) {
      (vnode as { type: unknown }).type = original.type;
      (vnode as { props: unknown }).props = original.props;
      ctx.swapped.delete(vnode);
    }
    ctx.markers.pop();
  } else if (typeof type === "function" && ctx.registry.has(type)) {
    ctx.islandDepth--;
  }
}

function openIslandName(ctx: RenderContext): string {
  for (let i = ctx.markers.length - 1; i >= 0; i--) {
    const m = /^island "(.*)"$/.exec(ctx.markers[i].label);
    if (m) return m[1];
  }
  return "?";
}

function checkNesting(ctx: RenderContext, tag: string) {
  const marker = ctx.markers[ctx.markers.length - 1];
  if (marker.warned) return;
  const problem = nestingProblem(ctx.elements, marker.base, tag);
  if (problem) {
    marker.warned = true;
    ctx.warnings.push(
      `${marker.label}: ${problem}; the browser's HTML parser moves it, so the island cannot be revived`,
    );
  }
}

/** Records that the innermost open island (and so every island around it) rendered an element. */
function noteElement(ctx: RenderContext) {
  for (let i = ctx.markers.length - 1; i >= 0; i--) {
    const m = ctx.markers[i];
    if (m.island === undefined) continue;
    if (m.hasElements) return;
    m.hasElements = true;
    ctx.withElements.push(m.island);
  }
}

let installed = false;
function installHooks() {
  if (installed) return;
  installed = true;
  // `__b` is Preact's mangled name for the before-diff hook; preact-render-to-string calls it for every vnode.
  const hooks = options as unknown as Record<string, ((vnode: VNode) => void) | undefined>;
  const prevDiff = hooks.__b;
  hooks.__b = (vnode) => {
    if (current) beforeDiff(current, vnode);
    prevDiff?.(vnode);
  };
  const prevDiffed = hooks.diffed;
  hooks.diffed = (vnode) => {
    prevDiffed?.(vnode);
    if (current) afterDiff(current, vnode);
  };
}

/**
 * Renders `vnode` to HTML, marking outermost islands found in `registry`. Throws `IslandPropsError` when an island
 * gets a prop that cannot be sent to the browser.
 */
export function renderWithIslands(vnode: unknown, registry: ReadonlyMap<IslandComponent, IslandRef>): IslandRender {
  installHooks();
  const ctx = new RenderContext(registry);
  const outer = current;
  current = ctx;
  try {
    const html = renderToString(vnode as VNode);
    // Slots the island never rendered still belong to its props: ship them as templates. Their content may hold
    // islands with slots of their own, hence the growing loop.
    let templates = "";
    for (let i = 0; i < ctx.slots.length; i++) {
      const slot = ctx.slots[i];
      if (slot.rendered) continue;
      ctx.islandDepth = 0;
      templates += `<template ${SLOT_TEMPLATE_ATTR}="${slot.id}">${renderToString(slot.content as VNode)}</template>`;
    }
    return {
      html,
      templates,
      islands: [...ctx.used.values()],
      state: { ...ctx.serializer.state(), e: ctx.withElements.sort((a, b) => a - b) },
      warnings: ctx.warnings,
    };
  } finally {
    // A failed render can leave author vnodes swapped; restore them so a retry renders the real components.
    for (const [vnode, original] of ctx.swapped) {
      (vnode as { type: unknown }).type = original.type;
      (vnode as { props: unknown }).props = original.props;
    }
    current = outer;
  }
}
