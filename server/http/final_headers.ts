// Headers added to a response after its handler ran. Hono's `c.header()` at that point re-creates the Response
// around its body for every call, to cope with responses whose headers are immutable (those of fetch()): a fixed
// body becomes a stream (so it goes out chunked, without Content-Length) and each copy costs — in profiles of the
// jobs API, the four security headers were about 15 % of the server's time per request. Responses built in this
// app have mutable headers, so they are changed in place; only an immutable one takes Hono's path.
import type { Context } from "hono";

export function setFinalHeaders(c: Context, headers: Record<string, string>) {
  try {
    for (const name in headers) c.res.headers.set(name, headers[name]);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    for (const name in headers) c.header(name, headers[name]);
  }
}
