// Load generator for bench/api_bench.ts, in a process of its own so it never shares the server's event loop.
// Reads one JSON job from argv ({ url, connections, seconds, headers }), runs autocannon and prints one JSON line.
// Latency percentiles come from every 2xx response time autocannon reports (fractional ms), not from its
// histogram, which rounds to whole milliseconds — too coarse for a hello server answering in well under one.
import autocannon from "autocannon";

interface Job {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}

const job = JSON.parse(Deno.args[0]) as Job;
const times: number[] = [];
const instance = autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.seconds,
  headers: job.headers,
});
instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
  if (status >= 200 && status < 300) times.push(ms);
});
const result = await instance;
times.sort((a, b) => a - b);
const pct = (p: number) => times.length ? times[Math.min(times.length - 1, Math.floor(p * times.length))] : NaN;
console.log(JSON.stringify({
  requests: times.length,
  rps: times.length / job.seconds,
  p50: pct(0.50),
  p99: pct(0.99),
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
  bytes: result.throughput.total,
}));
