// Qdrant's filter semantics for the double: `must` (all), `should` (at least one, or `min_should.min_count`),
// `must_not` (none), nested filters, `has_id`, `is_empty`, `is_null`, and field conditions with `match`
// (`value`, `any`, `except`) and `range` (gt/gte/lt/lte). A payload array matches when any element matches, as in
// Qdrant. Tenant indexes (`is_tenant`) change where Qdrant stores points, never which points a filter returns.
export type Payload = Record<string, unknown>;
type Condition = Record<string, unknown>;

function valuesAt(payload: Payload, key: string): unknown[] {
  let current: unknown[] = [payload];
  for (const part of key.split(".")) {
    const next: unknown[] = [];
    for (const c of current) {
      if (c && typeof c === "object" && !Array.isArray(c) && part in (c as Payload)) {
        const v = (c as Payload)[part];
        if (Array.isArray(v)) next.push(...v);
        else next.push(v);
      }
    }
    current = next;
  }
  return current;
}

function matchField(values: unknown[], cond: Condition): boolean {
  const match = cond.match as Record<string, unknown> | undefined;
  if (match) {
    if ("value" in match) return values.some((v) => v === match.value);
    if ("any" in match) return values.some((v) => (match.any as unknown[]).includes(v));
    if ("except" in match) return values.every((v) => !(match.except as unknown[]).includes(v));
    return false;
  }
  const range = cond.range as Record<string, number | null | undefined> | undefined;
  if (range) {
    return values.some((v) =>
      typeof v === "number" &&
      (range.gt == null || v > range.gt) && (range.gte == null || v >= range.gte) &&
      (range.lt == null || v < range.lt) && (range.lte == null || v <= range.lte)
    );
  }
  return false;
}

function conditionHolds(id: string | number, payload: Payload, cond: Condition): boolean {
  if ("must" in cond || "should" in cond || "must_not" in cond) return filterMatches(id, payload, cond);
  if ("filter" in cond) return filterMatches(id, payload, cond.filter as Condition);
  if ("has_id" in cond) return (cond.has_id as Array<string | number>).map(String).includes(String(id));
  if ("is_empty" in cond) {
    const vs = valuesAt(payload, (cond.is_empty as { key: string }).key);
    return vs.length === 0 || vs.every((v) => v === null);
  }
  if ("is_null" in cond) return valuesAt(payload, (cond.is_null as { key: string }).key).some((v) => v === null);
  if (typeof cond.key === "string") return matchField(valuesAt(payload, cond.key), cond);
  throw new Error(`the Qdrant double does not implement condition ${JSON.stringify(cond)}`);
}

const list = (x: unknown): Condition[] => (x == null ? [] : Array.isArray(x) ? x : [x]) as Condition[];

export function filterMatches(id: string | number, payload: Payload, filter: Condition | null | undefined): boolean {
  if (!filter) return true;
  const must = list(filter.must);
  const should = list(filter.should);
  const mustNot = list(filter.must_not);
  if (!must.every((c) => conditionHolds(id, payload, c))) return false;
  if (mustNot.some((c) => conditionHolds(id, payload, c))) return false;
  const minShould = filter.min_should as { conditions: Condition[]; min_count: number } | undefined;
  if (minShould) {
    if (minShould.conditions.filter((c) => conditionHolds(id, payload, c)).length < minShould.min_count) return false;
  }
  if (should.length > 0 && !should.some((c) => conditionHolds(id, payload, c))) return false;
  return true;
}
