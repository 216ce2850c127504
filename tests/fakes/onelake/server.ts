// A fake OneLake DFS endpoint on 127.0.0.1 for the Fabric connector tests, serving files the test writes (a Delta
// table: _delta_log commits and Parquet files). ADLS Gen2 shapes: List Paths (`GET /{workspace}?resource=filesystem
// &directory=…&recursive=false` → {"paths":[{name, isDirectory, contentLength}]}, continued with the
// x-ms-continuation header, two entries a page so continuations are exercised) and Read (`GET /{workspace}/{path}`,
// `Range: bytes=a-b` → 206). Tokens must come from the fake identity platform; 429 with Retry-After on demand.
import type { FakeGraph } from "../msgraph/mod.ts";

export interface FakeOneLake {
  url: string;
  workspace: string;
  /** Files by path below the workspace. */
  files: Map<string, Uint8Array>;
  requests: Array<{ path: string; range: string | null; status: number }>;
  internalErrors: string[];
  throttle(n: number, seconds: number): void;
  close(): Promise<void>;
}

const LIST_PAGE = 2;

export function startFakeOneLake(identity: FakeGraph, workspace = "Analytics"): FakeOneLake {
  const files = new Map<string, Uint8Array>();
  const requests: FakeOneLake["requests"] = [];
  const internalErrors: string[] = [];
  let throttled = { n: 0, seconds: 0 };
  const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify({ error: { code, message } }), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });

  function list(url: URL): Response {
    const dir = (url.searchParams.get("directory") ?? "").replace(/\/+$/, "");
    const entries = new Map<string, { name: string; isDirectory: boolean; contentLength: number }>();
    for (const [path, bytes] of files) {
      if (!path.startsWith(`${dir}/`)) continue;
      const rest = path.slice(dir.length + 1);
      const slash = rest.indexOf("/");
      const name = `${dir}/${slash < 0 ? rest : rest.slice(0, slash)}`;
      entries.set(name, { name, isDirectory: slash >= 0, contentLength: slash >= 0 ? 0 : bytes.byteLength });
    }
    if (entries.size === 0) return error(404, "PathNotFound", "The specified path does not exist.");
    const sorted = [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
    const from = Number(url.searchParams.get("continuation") ?? 0);
    const page = sorted.slice(from, from + LIST_PAGE);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (from + LIST_PAGE < sorted.length) headers["x-ms-continuation"] = String(from + LIST_PAGE);
    const paths = page.map((e) => ({
      name: e.name,
      isDirectory: e.isDirectory ? "true" : undefined,
      contentLength: String(e.contentLength),
      lastModified: new Date(0).toUTCString(),
    }));
    return new Response(JSON.stringify({ paths }), { status: 200, headers });
  }

  function read(path: string, range: string | null): Response {
    const bytes = files.get(path);
    if (!bytes) return error(404, "PathNotFound", "The specified path does not exist.");
    if (!range) return new Response(bytes.slice(), { status: 200 });
    const m = /^bytes=(\d+)-(\d+)?$/.exec(range);
    if (!m) return error(416, "InvalidRange", "The range specified is invalid for the current size of the resource.");
    const start = Number(m[1]);
    const end = Math.min(m[2] === undefined ? bytes.byteLength - 1 : Number(m[2]), bytes.byteLength - 1);
    return new Response(bytes.slice(start, end + 1), {
      status: 206,
      headers: { "content-range": `bytes ${start}-${end}/${bytes.byteLength}` },
    });
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    const range = req.headers.get("range");
    let res: Response;
    try {
      const token = req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
      const segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
      if (!identity.validToken(token)) res = error(401, "InvalidAuthenticationInfo", "Server failed to authenticate");
      else if (!req.headers.get("x-ms-version")) res = error(400, "MissingRequiredHeader", "x-ms-version");
      else if (throttled.n > 0) {
        throttled.n--;
        res = error(429, "TooManyRequests", "slow down", { "retry-after": String(throttled.seconds) });
      } else if (segments[0] !== workspace) res = error(404, "FilesystemNotFound", "no such workspace");
      else if (segments.length === 1 && url.searchParams.get("resource") === "filesystem") res = list(url);
      else res = read(segments.slice(1).join("/"), range);
    } catch (e) {
      internalErrors.push(String((e as Error).stack ?? e));
      res = error(500, "InternalError", "fake failed");
    }
    requests.push({ path: url.pathname, range, status: res.status });
    return res;
  });

  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    workspace,
    files,
    requests,
    internalErrors,
    throttle(n, seconds) {
      throttled = { n, seconds };
    },
    close: () => server.shutdown(),
  };
}
