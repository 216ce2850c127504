// `deno task bench`: runs every benchmark script in bench/ one after another (each prints its own ratios against
// a baseline measured in the same run), so the figures can be read in one place.
const dir = new URL("./", import.meta.url);
const scripts: string[] = [];
for await (const entry of Deno.readDir(dir)) {
  if (entry.isFile && entry.name.endsWith("_bench.ts")) scripts.push(entry.name);
}
scripts.sort();
let failed = 0;
for (const name of scripts) {
  console.log(`\n=== bench/${name}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(name, dir).pathname],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    failed++;
    console.log(`bench/${name} exited with ${code}`);
  }
}
Deno.exit(failed ? 1 : 0);
