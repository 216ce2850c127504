// A plain HTTP/1.1 client that shows the bytes as they crossed the wire: fetch() would decode gzip/brotli bodies
// and add its own Accept-Encoding, which is exactly what compression tests must see and control.
import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as received, still encoded. */
  body: Uint8Array;
}

export function rawRequest(url: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request(url, { method: init.method ?? "GET", headers: init.headers ?? {} }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (c: Uint8Array) => chunks.push(c));
      res.on("end", () => {
        const body = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
        let at = 0;
        for (const c of chunks) body.set(c, (at += c.byteLength) - c.byteLength);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : String(v);
        resolve({ status: res.statusCode ?? 0, headers, body });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
