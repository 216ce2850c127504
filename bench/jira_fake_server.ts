// The fake Jira for bench/jira_bench.ts, in its own process so the benchmark's RSS is the connector's alone.
// Prints one JSON line {url, email, token} when listening; stops when stdin closes.
// Usage: deno run -A bench/jira_fake_server.ts <issues> [seed]
import { startFakeJira } from "../tests/fakes/jira/mod.ts";

const count = Number(Deno.args[0] ?? 1000);
const seed = Number(Deno.args[1] ?? 11);
const jira = await startFakeJira({
  recorded: false,
  includeApacheProjects: false,
  synthetic: { count, seed, longHistoryEvery: 20, developmentEvery: 20 },
});
console.log(JSON.stringify({ url: jira.url, email: jira.basicAuth.email, token: jira.basicAuth.token }));
for await (const _ of Deno.stdin.readable) { /* wait for the parent to close stdin */ }
await jira.close();
