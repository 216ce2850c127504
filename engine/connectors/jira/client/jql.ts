// Safe JQL construction for the issue extraction window.
// - Keys and values are always quoted: a project called "AND" or a key with odd characters cannot change the query.
// - Date literals have minute precision and Jira evaluates them in the *API user's* time zone (not UTC, not ours),
//   so they are rendered in that zone (read it from /myself). Both bounds are floored to the minute: the lower bound
//   then re-reads up to a minute of the previous window (harmless, loads are upserts) and the exclusive upper bound
//   leaves the current partial minute to the next run, whose floored lower bound starts exactly there.
// - Order is pinned (`updated ASC, key ASC`) so page tokens walk a stable sequence.

export interface IssueJqlOptions {
  projectKeys: readonly string[];
  /** Operator-provided restriction, e.g. `issuetype != Epic`; wrapped in parentheses. Must not contain ORDER BY. */
  baseJql?: string;
  /** Inclusive lower bound on `updated`. */
  updatedFrom?: Date;
  /** Exclusive upper bound on `updated`. */
  updatedTo?: Date;
  /** IANA zone of the Jira API user (from /myself `timeZone`); default UTC. */
  timeZone?: string;
}

export class JqlError extends Error {
  override readonly name = "JqlError";
}

/** Double-quoted JQL string literal with backslash and quote escaping. */
export function quoteJqlValue(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** "yyyy-MM-dd HH:mm" of `date` as a wall clock in `timeZone`, floored to the minute. */
export function formatJqlDateTime(date: Date, timeZone = "UTC"): string {
  if (Number.isNaN(date.getTime())) throw new JqlError("invalid date for a JQL bound");
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(date);
  } catch {
    throw new JqlError(`unknown time zone ${JSON.stringify(timeZone)}`);
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
}

/** Removes quoted literals so keyword checks do not trip over text inside strings. */
function withoutLiterals(jql: string): string {
  return jql.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
}

export function buildIssueJql(options: IssueJqlOptions): string {
  const keys = [...new Set(options.projectKeys.map((k) => k.trim()).filter((k) => k !== ""))];
  // Jira refuses unbounded queries on /search/jql, and an empty scope would mean "everything the token can see".
  if (keys.length === 0) throw new JqlError("at least one project key is required");
  const clauses = [`project IN (${keys.map(quoteJqlValue).join(", ")})`];
  const base = options.baseJql?.trim();
  if (base) {
    const bare = withoutLiterals(base);
    if (/\border\s+by\b/i.test(bare)) throw new JqlError("base JQL must not contain ORDER BY");
    let depth = 0;
    for (const ch of bare) {
      depth += ch === "(" ? 1 : ch === ")" ? -1 : 0;
      if (depth < 0) break;
    }
    if (depth !== 0) throw new JqlError("base JQL has unbalanced parentheses");
    clauses.push(`(${base})`);
  }
  const zone = options.timeZone ?? "UTC";
  if (options.updatedFrom && options.updatedTo && options.updatedFrom >= options.updatedTo) {
    throw new JqlError("updatedFrom must be before updatedTo");
  }
  if (options.updatedFrom) clauses.push(`updated >= ${quoteJqlValue(formatJqlDateTime(options.updatedFrom, zone))}`);
  if (options.updatedTo) clauses.push(`updated < ${quoteJqlValue(formatJqlDateTime(options.updatedTo, zone))}`);
  return `${clauses.join(" AND ")} ORDER BY updated ASC, key ASC`;
}
