// The fake Jira for bench/jira_bench.ts, in its own process so the benchmark's RSS is the connector's alone.
// Prints one JSON line {url, email, token} when listening; stops when stdin closes. A line "touch <n>" on stdin
// edits n issues spread evenly over the set (their summary; `updated` moves to now) and answers "touched <n>".
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
for await (const line of Deno.stdin.readable.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter())) {
  const touch = line.match(/^touch (\d+)$/);
  if (!touch) continue;
  const n = Number(touch[1]);
  const step = Math.max(1, Math.floor(count / n));
  let done = 0;
  for (let ref = 0; ref < count && done < n; ref += step, done++) {
    jira.updateIssue(jira.store.row(ref).key, { fields: { summary: `Edited for the incremental bench ${done}` } });
  }
  console.log(`touched ${done}`);
}
await jira.close();

function lineSplitter(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const l of lines) controller.enqueue(l.trim());
    },
  });
}
