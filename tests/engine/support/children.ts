// Spawning engine_child.ts processes and reading their JSON lines.
import { AMQP_URL } from "../../support/db.ts";

export interface Child {
  process: Deno.ChildProcess;
  lines: Array<Record<string, unknown>>;
  /** Resolves when the child printed {"ready": …}. */
  ready: Promise<void>;
  /** Resolves when stdout closed (the child exited or was killed). */
  done: Promise<void>;
  kill(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

const SCRIPT = new URL("./engine_child.ts", import.meta.url).pathname;

export function spawnChild(env: Record<string, string>): Child {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", SCRIPT],
    env: { ...(AMQP_URL ? { AMQP_URL } : {}), ...env },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines: Array<Record<string, unknown>> = [];
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => markReady = resolve);
  const done = (async () => {
    let buffer = "";
    for await (const chunk of process.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        try {
          const parsed = JSON.parse(line);
          lines.push(parsed);
          if ("ready" in parsed) markReady();
        } catch {
          // a log line that is not ours
        }
      }
    }
    markReady();
  })();
  return {
    process,
    lines,
    ready,
    done,
    async kill(signal: Deno.Signal = "SIGKILL") {
      try {
        process.kill(signal);
      } catch {
        // already gone
      }
      const status = await process.status;
      await done;
      return status;
    },
  };
}
