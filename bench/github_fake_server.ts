// The fake GitHub for bench/github_bench.ts, in its own process so the benchmark's RSS is the connector's alone.
// Prints one JSON line {url, token} when listening; stops when stdin closes.
// Usage: deno run -A bench/github_fake_server.ts <pull requests> (20 repositories; 30 commits, 5 reviews each)
import { startFakeGitHub } from "../tests/fakes/github/mod.ts";

const prs = Number(Deno.args[0] ?? 10_000);
const repos = 20;
const github = await startFakeGitHub({
  recorded: false,
  budget: { graphql: 1_000_000, core: 1_000_000 },
  synthetic: { repos, prsPerRepo: Math.ceil(prs / repos), commits: 30, reviews: 5, comments: 2, threads: 1 },
});
console.log(JSON.stringify({ url: github.url, token: github.token }));
for await (const _ of Deno.stdin.readable) { /* wait for the parent to close stdin */ }
await github.close();
