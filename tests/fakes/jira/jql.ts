// The JQL subset the fake understands — enough for what connectors send: AND/OR/NOT, parentheses, `project`,
// `key`, `id`, `issuetype`, `status`, `updated`/`created` with = != < <= > >= (date literals read in the API user's
// time zone, minute precision, or relative "-3d"), IN / NOT IN lists, IS [NOT] EMPTY, and ORDER BY.
// Anything else is rejected with Jira's 400 wording rather than silently ignored, so a connector that drifts from
// the subset fails its tests instead of passing them with wrong filtering.
import { parseJqlDate } from "./dates.ts";
import type { IssueRow, StoredIssue } from "./store.ts";

export class JqlSyntaxError extends Error {}

type Token = { t: "str" | "word" | "op" | "(" | ")" | ","; v: string };

function tokenize(jql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let v = "";
      i++;
      while (i < jql.length && jql[i] !== c) {
        if (jql[i] === "\\" && i + 1 < jql.length) i++;
        v += jql[i++];
      }
      if (i >= jql.length) throw new JqlSyntaxError("Error in the JQL Query: unterminated string.");
      i++;
      out.push({ t: "str", v });
    } else if ("(),".includes(c)) {
      out.push({ t: c as "(" | ")" | ",", v: c });
      i++;
    } else if (/[!<>=~]/.test(c)) {
      const two = jql.slice(i, i + 2);
      const op = ["!=", ">=", "<=", "!~"].includes(two) ? two : c;
      out.push({ t: "op", v: op });
      i += op.length;
    } else {
      const m = jql.slice(i).match(/^[A-Za-z0-9_.\-/:+[\]]+/);
      if (!m) throw new JqlSyntaxError(`Error in the JQL Query: the character '${c}' is a reserved JQL character.`);
      out.push({ t: "word", v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

export type Predicate = (row: IssueRow, full: () => StoredIssue) => boolean;
export interface OrderTerm {
  field: "updated" | "created" | "key" | "id" | "project";
  desc: boolean;
}
export interface CompiledJql {
  where: Predicate;
  order: OrderTerm[];
  /** Jira's enhanced search refuses queries without any restriction. */
  bounded: boolean;
}

const FIELD_ALIASES: Record<string, string> = {
  project: "project",
  key: "key",
  issuekey: "key",
  id: "id",
  issuetype: "issuetype",
  type: "issuetype",
  status: "status",
  updated: "updated",
  updateddate: "updated",
  created: "created",
  createddate: "created",
};

function keyParts(key: string): [string, number] {
  const dash = key.lastIndexOf("-");
  return [key.slice(0, dash), Number(key.slice(dash + 1))];
}

export function compareKeys(a: string, b: string): number {
  const [pa, na] = keyParts(a);
  const [pb, nb] = keyParts(b);
  return pa < pb ? -1 : pa > pb ? 1 : na - nb;
}

export function compileJql(jql: string, timeZone: string, nowMs: number): CompiledJql {
  const tokens = tokenize(jql);
  let pos = 0;
  let clauses = 0;
  const peek = () => tokens[pos];
  const isWord = (w: string) => peek()?.t === "word" && peek().v.toLowerCase() === w;
  const expect = (t: Token["t"]) => {
    const tok = tokens[pos++];
    if (!tok || tok.t !== t) throw new JqlSyntaxError(`Error in the JQL Query: expected '${t}' at position ${pos}.`);
    return tok;
  };
  const value = () => {
    const tok = tokens[pos++];
    if (!tok || (tok.t !== "str" && tok.t !== "word")) throw new JqlSyntaxError("Error in the JQL Query: value.");
    return tok.v;
  };

  const dateValue = (literal: string): number => {
    const rel = literal.match(/^([-+]?)(\d+)([mhdw])$/);
    if (rel) {
      const unit = { m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[rel[3] as "m" | "h" | "d" | "w"];
      return nowMs + (rel[1] === "-" ? -1 : 1) * Number(rel[2]) * unit;
    }
    const ms = parseJqlDate(literal, timeZone);
    if (Number.isNaN(ms)) {
      throw new JqlSyntaxError(
        `Date value '${literal}' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', ` +
          `'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
      );
    }
    return ms;
  };

  const accessor = (field: string): (row: IssueRow, full: () => StoredIssue) => string[] | number => {
    switch (field) {
      case "project":
        return (r) => [r.projectKey.toLowerCase()];
      case "key":
        return (r) => [r.key.toLowerCase()];
      case "id":
        return (r) => [String(r.id)];
      case "issuetype":
        return (r) => [r.issueTypeName.toLowerCase(), r.issueTypeId];
      case "status":
        return (_r, full) => {
          const s = full().fields.status as { id?: string; name?: string } | undefined;
          return [String(s?.name ?? "").toLowerCase(), String(s?.id ?? "")];
        };
      case "updated":
        return (r) => r.updatedMs;
      default:
        return (r) => r.createdMs;
    }
  };

  const clause = (): Predicate => {
    const fieldTok = value();
    const field = FIELD_ALIASES[fieldTok.toLowerCase()];
    if (!field) {
      throw new JqlSyntaxError(`Field '${fieldTok}' does not exist or you do not have permission to view it.`);
    }
    clauses++;
    const get = accessor(field);
    const isDate = field === "updated" || field === "created";
    if (isWord("is")) {
      pos++;
      const negate = isWord("not") ? (pos++, true) : false;
      if (!isWord("empty") && !isWord("null")) throw new JqlSyntaxError("Error in the JQL Query: expected EMPTY.");
      pos++;
      return (r, f) => {
        const v = get(r, f);
        const empty = typeof v === "number" ? Number.isNaN(v) : v.every((x) => x === "");
        return negate ? !empty : empty;
      };
    }
    let negateIn = false;
    if (isWord("not")) {
      pos++;
      negateIn = true;
      if (!isWord("in")) throw new JqlSyntaxError("Error in the JQL Query: expected IN after NOT.");
    }
    if (isWord("in")) {
      pos++;
      expect("(");
      const list: string[] = [value()];
      while (peek()?.t === ",") {
        pos++;
        list.push(value());
      }
      expect(")");
      if (isDate) throw new JqlSyntaxError(`The operator 'in' is not supported by the '${fieldTok}' field.`);
      const wanted = new Set(list.map((v) => v.toLowerCase()));
      return (r, f) => (get(r, f) as string[]).some((v) => wanted.has(v)) !== negateIn;
    }
    const op = expect("op").v;
    const literal = value();
    if (isDate) {
      const at = dateValue(literal);
      const cmp: Record<string, (x: number) => boolean> = {
        "=": (x) => x === at,
        "!=": (x) => x !== at,
        ">": (x) => x > at,
        ">=": (x) => x >= at,
        "<": (x) => x < at,
        "<=": (x) => x <= at,
      };
      const test = cmp[op];
      if (!test) throw new JqlSyntaxError(`The operator '${op}' is not supported by the '${fieldTok}' field.`);
      return (r, f) => test(get(r, f) as number);
    }
    if (op !== "=" && op !== "!=") {
      throw new JqlSyntaxError(`The operator '${op}' is not supported by the '${fieldTok}' field.`);
    }
    const want = literal.toLowerCase();
    return (r, f) => (get(r, f) as string[]).includes(want) !== (op === "!=");
  };

  const primary = (): Predicate => {
    if (peek()?.t === "(") {
      pos++;
      const inner = or();
      expect(")");
      return inner;
    }
    return clause();
  };
  const not = (): Predicate => {
    if (isWord("not")) {
      pos++;
      const inner = not();
      return (r, f) => !inner(r, f);
    }
    return primary();
  };
  const and = (): Predicate => {
    const parts = [not()];
    while (isWord("and")) {
      pos++;
      parts.push(not());
    }
    return parts.length === 1 ? parts[0] : (r, f) => parts.every((p) => p(r, f));
  };
  const or = (): Predicate => {
    const parts = [and()];
    while (isWord("or")) {
      pos++;
      parts.push(and());
    }
    return parts.length === 1 ? parts[0] : (r, f) => parts.some((p) => p(r, f));
  };

  const where = tokens.length === 0 || isWord("order") ? () => true : or();
  const order: OrderTerm[] = [];
  if (isWord("order")) {
    pos++;
    if (!isWord("by")) throw new JqlSyntaxError("Error in the JQL Query: expected BY after ORDER.");
    pos++;
    do {
      if (peek()?.t === ",") pos++;
      const name = FIELD_ALIASES[value().toLowerCase()];
      if (!name || !["updated", "created", "key", "id", "project"].includes(name)) {
        throw new JqlSyntaxError("Error in the JQL Query: unsupported ORDER BY field.");
      }
      let desc = false;
      if (isWord("asc") || isWord("desc")) desc = tokens[pos++].v.toLowerCase() === "desc";
      order.push({ field: name as OrderTerm["field"], desc });
    } while (peek()?.t === ",");
  }
  if (pos < tokens.length) {
    throw new JqlSyntaxError(`Error in the JQL Query: unexpected '${tokens[pos].v}' at position ${pos + 1}.`);
  }
  if (order.length === 0) order.push({ field: "key", desc: true }); // Jira's default ordering
  return { where, order, bounded: clauses > 0 };
}

export function compareRows(order: OrderTerm[]): (a: IssueRow, b: IssueRow) => number {
  return (a, b) => {
    for (const term of order) {
      let c = 0;
      if (term.field === "updated") c = a.updatedMs - b.updatedMs;
      else if (term.field === "created") c = a.createdMs - b.createdMs;
      else if (term.field === "id") c = a.id - b.id;
      else if (term.field === "project") c = a.projectKey < b.projectKey ? -1 : a.projectKey > b.projectKey ? 1 : 0;
      else c = compareKeys(a.key, b.key);
      if (c !== 0) return term.desc ? -c : c;
    }
    return compareKeys(a.key, b.key);
  };
}
