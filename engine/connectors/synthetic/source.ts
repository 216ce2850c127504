// A real HTTP source for engine tests and benchmarks: a small Deno.serve server on 127.0.0.1 that serves generated
// groups and items with cursor pagination and an `since` filter, and can be told to answer 429 + Retry-After,
// to be slow, or to include poison records (an item whose title is null, which the connector's load refuses).
//
//   GET /groups?limit=&cursor=          → { records: Group[], next: string | null }
//   GET /items?limit=&cursor=&since=ISO → { records: Item[], next: string | null }   (updated_at ≥ since)

export interface SyntheticGroup {
  id: string;
  name: string;
  updated_at: string;
}

export interface SyntheticItem {
  id: string;
  group: string;
  title: string | null;
  body: string;
  status: string;
  points: number;
  updated_at: string;
}

export interface SyntheticSourceOptions {
  groups?: number;
  items?: number;
  /** Page size when the request has no limit (default 100); requests may ask for up to 1,000. */
  pageSize?: number;
  /** Delay before each answer, in ms (makes runs long enough to interrupt). */
  latencyMs?: number;
  /** Item indexes served with title null (poison). */
  poisonItems?: number[];
  /** updated_at of item i is baseTime + i seconds (default 2026-01-01T00:00:00Z). */
  baseTime?: Date;
}

interface FaultRule {
  path: string;
  /** Answer `status` to this request number (1-based, counted per path) … */
  atRequest: number;
  /** … and to this many requests in a row from there. */
  times: number;
  status: number;
  /** Sent as Retry-After when given. */
  retryAfterSeconds?: number;
}

const STATUSES = ["todo", "in progress", "review", "done"];
const WORDS = ["pipeline", "sluice", "queue", "batch", "watermark", "cursor", "schema", "retry", "vector", "token"];

export class SyntheticSource {
  readonly groups: number;
  readonly items: number;
  readonly pageSize: number;
  latencyMs: number;
  #poison: Set<number>;
  #base: number;
  #touched = new Map<number, { at: number; suffix: string }>();
  #rules: FaultRule[] = [];
  #counts = new Map<string, number>();
  #server: Deno.HttpServer<Deno.NetAddr>;

  constructor(options: SyntheticSourceOptions = {}) {
    this.groups = options.groups ?? 5;
    this.items = options.items ?? 1000;
    this.pageSize = options.pageSize ?? 100;
    this.latencyMs = options.latencyMs ?? 0;
    this.#poison = new Set(options.poisonItems ?? []);
    this.#base = (options.baseTime ?? new Date("2026-01-01T00:00:00Z")).getTime();
    this.#server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => this.#handle(req));
  }

  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** Requests answered so far on a path ("/items"), or on all paths. */
  requests(path?: string): number {
    if (path) return this.#counts.get(path) ?? 0;
    return [...this.#counts.values()].reduce((a, b) => a + b, 0);
  }

  /** From request number `atRequest` on `path`, answer 429 with Retry-After `times` times. */
  rateLimit(path: string, atRequest: number, retryAfterSeconds: number, times = 1): void {
    this.#rules.push({ path, atRequest, retryAfterSeconds, times, status: 429 });
  }

  /** From request number `atRequest` on `path`, answer `status` (a server error) `times` times. */
  fail(path: string, atRequest: number, status: number, times = 1): void {
    this.#rules.push({ path, atRequest, times, status });
  }

  /** Serves these item indexes with title null from now on (an empty list heals the source). */
  setPoison(indexes: number[]): void {
    this.#poison = new Set(indexes);
  }

  /** Changes items (new title suffix, updated_at = at), as a source edit between two runs would. */
  touch(indexes: number[], at: Date, suffix = "edited"): void {
    for (const i of indexes) this.#touched.set(i, { at: at.getTime(), suffix });
  }

  group(i: number): SyntheticGroup {
    return { id: `g${i}`, name: `Group ${i}`, updated_at: new Date(this.#base).toISOString() };
  }

  item(i: number): SyntheticItem {
    const touched = this.#touched.get(i);
    const words = Array.from({ length: 6 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]);
    return {
      id: `i${i}`,
      group: `g${i % this.groups}`,
      title: this.#poison.has(i) ? null : `Item ${i}${touched ? ` (${touched.suffix})` : ""}`,
      body: `${words.join(" ")} number ${i}`,
      status: STATUSES[i % STATUSES.length],
      points: i % 13,
      updated_at: new Date(touched?.at ?? this.#base + i * 1000).toISOString(),
    };
  }

  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const count = (this.#counts.get(url.pathname) ?? 0) + 1;
    this.#counts.set(url.pathname, count);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const rule = this.#rules.find((r) =>
      r.path === url.pathname && count >= r.atRequest && count < r.atRequest + r.times
    );
    if (rule) {
      const headers = rule.retryAfterSeconds === undefined ? undefined : { "retry-after": `${rule.retryAfterSeconds}` };
      return Response.json({ error: rule.status === 429 ? "rate limited" : "failed" }, {
        status: rule.status,
        headers,
      });
    }
    const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get("limit") ?? this.pageSize) || this.pageSize));
    const after = url.searchParams.has("cursor") ? Number(url.searchParams.get("cursor")) : -1;
    if (!Number.isInteger(after) || after < -1) return Response.json({ error: "bad cursor" }, { status: 400 });
    if (url.pathname === "/groups") return Response.json(this.#page(this.groups, after, limit, (i) => this.group(i)));
    if (url.pathname === "/items") {
      const since = url.searchParams.get("since");
      const from = since ? Date.parse(since) : -Infinity;
      if (Number.isNaN(from)) return Response.json({ error: "bad since" }, { status: 400 });
      return Response.json(
        this.#page(this.items, after, limit, (i) => this.item(i), (r) => Date.parse(r.updated_at) >= from),
      );
    }
    return Response.json({ error: "not found" }, { status: 404 });
  }

  /** Records with index > after that pass the filter, at most limit; next = last index when more may follow. */
  #page<T>(total: number, after: number, limit: number, make: (i: number) => T, keep: (r: T) => boolean = () => true) {
    const records: T[] = [];
    let i = after + 1;
    for (; i < total && records.length < limit; i++) {
      const r = make(i);
      if (keep(r)) records.push(r);
    }
    return { records, next: i < total ? String(i - 1) : null };
  }
}

export function startSyntheticSource(options: SyntheticSourceOptions = {}): SyntheticSource {
  return new SyntheticSource(options);
}
