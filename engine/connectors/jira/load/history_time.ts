// A history's timestamp is read by several loader steps (ordering, status changes, sprint and story-point
// events); parsing Jira's "…+0800" dates is the hot spot of a large load, so each history is parsed once, without a
// regular expression, and ordering compares the parsed times instead of re-parsing in the sort comparator.
import { parseJiraDate } from "../client/changelog.ts";
import type { JiraHistory } from "../client/types.ts";

const cache = new WeakMap<JiraHistory, number>();

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * parseJiraDate with a fast path for Jira's usual "2021-03-28T16:06:08.713+0800": the offset gets its colon by
 * slicing (what parseJiraDate's replace does, at a fraction of the cost); every other shape goes through
 * parseJiraDate itself, so both always agree.
 */
export function jiraTime(value: unknown): number {
  if (typeof value === "string" && value.length === 28) {
    const sign = value.charCodeAt(23);
    if (
      (sign === 43 || sign === 45) && isDigit(value.charCodeAt(24)) && isDigit(value.charCodeAt(25)) &&
      isDigit(value.charCodeAt(26)) && isDigit(value.charCodeAt(27))
    ) {
      return Date.parse(`${value.slice(0, 26)}:${value.slice(26)}`);
    }
  }
  return parseJiraDate(value);
}

/** Epoch ms of a history's `created` (NaN when unparseable), parsed once per history object. */
export function historyTime(h: JiraHistory): number {
  let at = cache.get(h);
  if (at === undefined) {
    at = jiraTime(h.created);
    cache.set(h, at);
  }
  return at;
}

/** changelog.ts sortHistories' order (time, then numeric id, then id text) on already-parsed times. */
function compare(a: JiraHistory, ta: number, b: JiraHistory, tb: number): number {
  return (ta - tb) || (Number(a.id) - Number(b.id)) || a.id.localeCompare(b.id);
}

/**
 * Histories oldest first (ties by numeric id), the order sortHistories gives. Already-ordered input is copied as
 * is and strictly newest-first input (search's embedded changelog) is reversed; anything else is sorted.
 */
export function orderedHistories(histories: readonly JiraHistory[]): JiraHistory[] {
  const times = histories.map(historyTime);
  let ascending = true;
  let descending = times.every(Number.isFinite); // NaN makes the comparator inconsistent: leave that to the sort
  for (let i = 1; i < histories.length && (ascending || descending); i++) {
    const c = compare(histories[i - 1], times[i - 1], histories[i], times[i]);
    if (!(c < 0)) ascending = false;
    if (!(c > 0)) descending = false;
  }
  if (ascending) return [...histories];
  if (descending) return [...histories].reverse();
  return histories.map((_, i) => i)
    .sort((a, b) => compare(histories[a], times[a], histories[b], times[b]))
    .map((i) => histories[i]);
}
