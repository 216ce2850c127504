// A history's timestamp is read by several loader steps (ordering, status changes, sprint and story-point
// events); parsing Jira's "…+0800" dates is the hot spot of a large load, so each history is parsed once.
import { parseJiraDate, sortHistories } from "./changelog.ts";
import type { JiraHistory } from "./types.ts";

const cache = new WeakMap<JiraHistory, number>();

/** Epoch ms of a history's `created` (NaN when unparseable), parsed once per history object. */
export function historyTime(h: JiraHistory): number {
  let at = cache.get(h);
  if (at === undefined) {
    at = parseJiraDate(h.created);
    cache.set(h, at);
  }
  return at;
}

/** Histories oldest first (ties by numeric id); already-ordered input — the usual case — is not re-sorted. */
export function orderedHistories(histories: readonly JiraHistory[]): JiraHistory[] {
  for (let i = 1; i < histories.length; i++) {
    const d = historyTime(histories[i]) - historyTime(histories[i - 1]);
    if (!(d > 0 || (d === 0 && Number(histories[i].id) > Number(histories[i - 1].id)))) {
      return sortHistories(histories);
    }
  }
  return [...histories];
}
