// Wire format shared by the server (SSR, serializer) and the browser runtime (boot, reviver). Imports nothing, so
// the client bundle pulls in no server code.

/** `<!--sluice:island:NAME:PROPS_INDEX-->` opens an outermost island's DOM range. */
export const ISLAND_START = "sluice:island:";
/** `<!--/sluice:island-->` closes it. */
export const ISLAND_END = "/sluice:island";
/** `<!--sluice:slot:ID-->` opens server-rendered JSX passed to an island as a prop (children included). */
export const SLOT_START = "sluice:slot:";
export const SLOT_END = "/sluice:slot";
/** Slots an island did not render on the server are kept in `<template data-sluice-slot="ID">` for the client. */
export const SLOT_TEMPLATE_ATTR = "data-sluice-slot";
/** `<script type="application/json" id=…>` holding the page's serialized island props. */
export const STATE_SCRIPT_ID = "__SLUICE_STATE__";
/** Set on `<html>` (and dispatched as an event on `document`) once every island on the page was revived. */
export const READY_ATTR = "data-sluice-ready";
export const READY_EVENT = "sluice:ready";

/** True in the browser bundle, false during SSR: guard browser-only APIs in islands with it. */
export const IS_BROWSER = typeof document !== "undefined";

/**
 * Serialized props. Inline values are JSON primitives or tagged arrays; every object lives once in the table and is
 * referenced by index, so shared objects (a signal passed to two islands) and cycles keep their identity.
 */
export type Encoded = string | number | boolean | null | EncodedTagged;
export type EncodedTagged =
  | [typeof TAG.undefined]
  | [typeof TAG.number, "NaN" | "Infinity" | "-Infinity" | "-0"]
  | [typeof TAG.bigint, string]
  | [typeof TAG.ref, number]
  | [typeof TAG.slot, number]
  | [typeof TAG.hole];

export type TableEntry =
  | [typeof TAG.array, Encoded[]]
  | [typeof TAG.object, [string, Encoded][]]
  | [typeof TAG.date, Encoded]
  | [typeof TAG.url, string]
  | [typeof TAG.regexp, string, string]
  | [typeof TAG.map, [Encoded, Encoded][]]
  | [typeof TAG.set, Encoded[]]
  | [typeof TAG.bytes, string]
  | [typeof TAG.signal, Encoded];

export const TAG = {
  undefined: "u",
  number: "n",
  bigint: "b",
  ref: "r",
  slot: "J",
  hole: "h",
  array: "A",
  object: "O",
  date: "D",
  url: "U",
  regexp: "R",
  map: "M",
  set: "S",
  bytes: "B",
  signal: "G",
} as const;

/** What the state script holds: the shared table and, per island props index, that island's encoded props. */
export interface IslandState {
  t: TableEntry[];
  p: Encoded[];
  /**
   * Props indexes of islands that rendered at least one element. If such a range arrives empty, the parser
   * foster-parented its content (island directly inside a table) and the island must not be revived.
   */
  e?: number[];
}

/** Island names become part of HTML comments and JS import lists, so keep them to a safe alphabet. */
export const ISLAND_NAME = /^[A-Za-z0-9_$][A-Za-z0-9_$./-]*$/;
