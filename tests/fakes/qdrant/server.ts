// A Qdrant double: a real HTTP server on 127.0.0.1 that serves the Qdrant REST calls Sluice makes, validating every
// request body against Qdrant's OpenAPI schema (spec.ts; an invalid body gets Qdrant's 400 and is recorded in
// `rejected`) and every answer against the declared response schema (a double bug is recorded in
// `internalErrors`). Points are scored by real cosine similarity, filters follow Qdrant's semantics (filter.ts), and
// faults can be injected per operation or for everything (an outage), with optional latency.
import { describeErrors, matchOperation } from "./spec.ts";
import { filterMatches, type Payload } from "./filter.ts";

interface Point {
  id: string | number;
  vector: number[];
  payload: Payload;
}

interface Collection {
  size: number;
  distance: string;
  metadata: Record<string, unknown> | null;
  payloadSchema: Record<string, { data_type: string; params?: unknown }>;
  points: Map<string, Point>;
}

export interface QdrantFault {
  /** operationId from the spec (upsert_points, query_points, …); undefined = any operation. */
  operation?: string;
  status: number;
  /** How many requests fail (default 1). */
  times?: number;
}

export interface FakeQdrantOptions {
  apiKey?: string;
  version?: string;
  latencyMs?: number;
}

export interface FakeQdrant {
  url: string;
  apiKey: string | undefined;
  collections: Map<string, Collection>;
  /** Every handled request: operation, the `wait` query parameter of writes, and the JSON body it sent. */
  requests: Array<{ operation: string; collection?: string; wait: string | null; status: number; body?: unknown }>;
  /** Requests whose body the OpenAPI schema refused (a client bug if non-empty). */
  rejected: string[];
  /** Answers the double produced that its own schema refuses (a double bug). */
  internalErrors: string[];
  faults: QdrantFault[];
  /** While true, every request answers 503 (Qdrant down behind a proxy). */
  down: boolean;
  latencyMs: number;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function normalise(v: number[]): number[] {
  const n = Math.hypot(...v);
  return n === 0 ? v : v.map((x) => x / n);
}

function idKey(id: unknown): string {
  if (typeof id === "number" && Number.isInteger(id) && id >= 0) return String(id);
  if (typeof id === "string" && UUID.test(id)) return id.toLowerCase();
  throw new BadRequest(`Unable to parse point id ${JSON.stringify(id)}: must be an unsigned integer or a UUID`);
}

class BadRequest extends Error {}
class NotFound extends Error {}

export function startFakeQdrant(options: FakeQdrantOptions = {}): FakeQdrant {
  const started = performance.now();
  const state: Omit<FakeQdrant, "url" | "close"> = {
    apiKey: options.apiKey,
    collections: new Map(),
    requests: [],
    rejected: [],
    internalErrors: [],
    faults: [],
    down: false,
    latencyMs: options.latencyMs ?? 0,
  };
  let operationCounter = 0;
  const time = () => (performance.now() - started) / 1e6;
  const ok = (result: unknown) => ({ result, status: "ok", time: time() });
  const updated = () => ok({ operation_id: ++operationCounter, status: "completed" });

  function collectionOf(name: string): Collection {
    const c = state.collections.get(name);
    if (!c) throw new NotFound(`Collection \`${name}\` doesn't exist!`);
    return c;
  }

  function info(c: Collection) {
    return {
      status: "green",
      optimizer_status: "ok",
      indexed_vectors_count: 0,
      points_count: c.points.size,
      segments_count: 1,
      config: {
        params: { vectors: { size: c.size, distance: c.distance }, shard_number: 1, replication_factor: 1 },
        hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000 },
        optimizer_config: { default_segment_number: 0, flush_interval_sec: 5 },
        wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
        metadata: c.metadata,
      },
      payload_schema: Object.fromEntries(
        Object.entries(c.payloadSchema).map(([field, s]) => [field, {
          ...s,
          points: [...c.points.values()].filter((p) => field in p.payload).length,
        }]),
      ),
    };
  }

  function selected(c: Collection, body: Record<string, unknown>): Point[] {
    if (Array.isArray(body.points)) {
      return (body.points as unknown[]).map((id) => c.points.get(idKey(id))).filter((p): p is Point => !!p);
    }
    return [...c.points.values()].filter((p) => filterMatches(p.id, p.payload, body.filter as Payload));
  }

  function handle(operation: string, params: Record<string, string>, body: Record<string, unknown>, url: URL) {
    const name = params.collection_name;
    switch (operation) {
      case "root":
        return { title: "qdrant - vector search engine", version: options.version ?? "1.15.4", commit: null };
      case "collection_exists":
        return ok({ exists: state.collections.has(name) });
      case "get_collection":
        return ok(info(collectionOf(name)));
      case "create_collection": {
        if (state.collections.has(name)) throw new Conflict(`Wrong input: Collection \`${name}\` already exists!`);
        const vectors = body.vectors as { size?: number; distance?: string } | undefined;
        if (!vectors || typeof vectors.size !== "number") {
          throw new BadRequest("the double only supports one unnamed vector per point");
        }
        state.collections.set(name, {
          size: vectors.size,
          distance: vectors.distance ?? "Cosine",
          metadata: (body.metadata as Record<string, unknown>) ?? null,
          payloadSchema: {},
          points: new Map(),
        });
        return ok(true);
      }
      case "delete_collection":
        return ok(state.collections.delete(name));
      case "create_field_index": {
        const c = collectionOf(name);
        const schema = body.field_schema as string | { type: string };
        const type = typeof schema === "string" ? schema : schema.type;
        c.payloadSchema[String(body.field_name)] = {
          data_type: type,
          params: typeof schema === "string" ? undefined : schema,
        };
        return updated();
      }
      case "upsert_points": {
        const c = collectionOf(name);
        if (!Array.isArray(body.points)) throw new BadRequest("the double does not implement batch upserts");
        const incoming = (body.points as Array<{ id: unknown; vector: unknown; payload?: Payload }>).map((p) => {
          if (!Array.isArray(p.vector)) throw new BadRequest("the double only supports one unnamed vector per point");
          if (p.vector.length !== c.size) {
            throw new BadRequest(
              `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${p.vector.length}`,
            );
          }
          const vector = c.distance === "Cosine" ? normalise(p.vector as number[]) : p.vector as number[];
          return { key: idKey(p.id), point: { id: p.id as string | number, vector, payload: p.payload ?? {} } };
        });
        for (const { key, point } of incoming) c.points.set(key, point);
        return updated();
      }
      case "delete_points": {
        const c = collectionOf(name);
        for (const p of selected(c, body)) c.points.delete(idKey(p.id));
        return updated();
      }
      case "count_points": {
        const c = collectionOf(name);
        return ok({ count: selected(c, { filter: body.filter }).length });
      }
      case "query_points": {
        const c = collectionOf(name);
        const query = body.query;
        if (!Array.isArray(query)) throw new BadRequest("the double only supports nearest-vector queries");
        if (query.length !== c.size) {
          throw new BadRequest(`Wrong input: Vector dimension error: expected dim: ${c.size}, got ${query.length}`);
        }
        const q = normalise(query as number[]);
        const withPayload = body.with_payload === true;
        const threshold = body.score_threshold as number | undefined;
        const scored = selected(c, { filter: body.filter })
          .map((p) => ({ p, score: p.vector.reduce((s, x, i) => s + x * q[i], 0) }))
          .filter((s) => threshold === undefined || threshold === null || s.score >= threshold)
          .sort((a, b) => b.score - a.score || String(a.p.id).localeCompare(String(b.p.id)));
        const offset = (body.offset as number | undefined) ?? 0;
        const limit = (body.limit as number | undefined) ?? 10;
        return ok({
          points: scored.slice(offset, offset + limit).map(({ p, score }) => ({
            id: p.id,
            version: 0,
            score,
            ...(withPayload ? { payload: p.payload } : {}),
          })),
        });
      }
      case "scroll_points": {
        const c = collectionOf(name);
        const limit = (body.limit as number | undefined) ?? 10;
        const sorted = selected(c, { filter: body.filter }).sort((a, b) => idKey(a.id).localeCompare(idKey(b.id)));
        const from = body.offset === undefined || body.offset === null
          ? 0
          : sorted.findIndex((p) => idKey(p.id) >= idKey(body.offset));
        const start = from < 0 ? sorted.length : from;
        const page = sorted.slice(start, start + limit);
        const next = sorted[start + limit];
        return ok({
          points: page.map((p) => ({ id: p.id, ...(body.with_payload === false ? {} : { payload: p.payload }) })),
          next_page_offset: next ? next.id : null,
        });
      }
      default:
        throw new NotFound(`the double does not serve ${operation} (${url.pathname})`);
    }
  }

  async function serve(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const match = matchOperation(req.method, url.pathname);
    const operation = match?.op.operationId ?? `${req.method} ${url.pathname}`;
    let sent: unknown;
    const record = (status: number) =>
      state.requests.push({
        operation,
        body: sent,
        collection: match?.params.collection_name,
        wait: url.searchParams.get("wait"),
        status,
      });
    const reply = (status: number, body: unknown) => {
      record(status);
      return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    };
    const error = (status: number, message: string) => reply(status, { status: { error: message }, time: time() });
    if (state.latencyMs > 0) await new Promise((r) => setTimeout(r, state.latencyMs));
    if (state.down) return error(503, "Service Unavailable");
    if (state.apiKey !== undefined && req.headers.get("api-key") !== state.apiKey) {
      return error(401, "Must provide an API key or an Authorization bearer token");
    }
    if (!match) return error(404, `Not found: ${req.method} ${url.pathname}`);
    const fault = state.faults.find((f) => f.operation === undefined || f.operation === operation);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) state.faults.splice(state.faults.indexOf(fault), 1);
      return error(fault.status, `injected fault ${fault.status}`);
    }
    let body: Record<string, unknown> = {};
    if (match.op.request) {
      try {
        body = await req.json();
        sent = body;
      } catch {
        return error(400, "Format error in JSON body: expected a JSON object");
      }
      if (!match.op.request(body)) {
        const why = `${operation}: ${describeErrors(match.op.request)}`;
        state.rejected.push(why);
        return error(400, `Format error in JSON body: ${why}`);
      }
    }
    try {
      const result = handle(operation, match.params, body, url);
      if (match.op.response && !match.op.response(result)) {
        state.internalErrors.push(`${operation} answer: ${describeErrors(match.op.response)}`);
        return error(500, "the double produced an answer outside the Qdrant schema");
      }
      return reply(200, result);
    } catch (e) {
      if (e instanceof BadRequest) return error(400, e.message);
      if (e instanceof NotFound) return error(404, e.message);
      if (e instanceof Conflict) return error(409, e.message);
      state.internalErrors.push(`${operation}: ${(e as Error).stack ?? e}`);
      return error(500, String((e as Error).message));
    }
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, serve);
  return Object.assign(state, {
    url: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  });
}

class Conflict extends Error {}
