// The baseline of bench/api_bench.ts: the smallest Deno HTTP server, run as its own process with the same V8 flags
// as `deno task start`, so a route's figures can be read as a multiple of what the runtime itself costs.
const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(JSON.stringify({ msg: "listening", url: `http://127.0.0.1:${port}` })),
}, () => new Response("hello"));
Deno.addSignalListener("SIGTERM", () => server.shutdown().then(() => Deno.exit(0)));
