// Fault injection for RabbitMQ tests: the broker force-closes chosen connections (rabbitmqctl close_connection),
// exactly what an operator's `close_all_connections` or a node restart does to a client. Only connections whose
// client-given name starts with the test's prefix are closed, so other programs using the broker are untouched.

async function rabbitmqctl(...args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const out = await new Deno.Command("rabbitmqctl", { args, stdout: "piped", stderr: "piped" }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { ok: out.success, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  } catch (e) {
    return { ok: false, stdout: "", stderr: String(e) };
  }
}

/** Null when rabbitmqctl can reach the broker, else why not (the test is then skipped with that reason). */
export async function rabbitmqctlUnavailable(): Promise<string | null> {
  const res = await rabbitmqctl("-q", "list_connections", "pid");
  return res.ok ? null : `rabbitmqctl unusable here: ${res.stderr.trim().split("\n")[0] || "no output"}`;
}

/** Broker pids of open connections whose connection_name starts with namePrefix. */
export async function connectionsNamed(namePrefix: string): Promise<string[]> {
  const res = await rabbitmqctl("-q", "list_connections", "pid", "client_properties");
  if (!res.ok) throw new Error(`rabbitmqctl list_connections failed: ${res.stderr}`);
  const pids: string[] = [];
  for (const line of res.stdout.split("\n")) {
    const [pid, props] = line.split("\t");
    const name = /\{"connection_name","([^"]*)"\}/.exec(props ?? "")?.[1];
    if (pid?.startsWith("<") && name?.startsWith(namePrefix)) pids.push(pid);
  }
  return pids;
}

/** Has the broker close every connection named namePrefix…; returns how many it closed. */
export async function closeConnections(namePrefix: string, reason = "test"): Promise<number> {
  const pids = await connectionsNamed(namePrefix);
  const results = await Promise.all(pids.map((pid) => rabbitmqctl("close_connection", pid, reason)));
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`rabbitmqctl close_connection failed: ${failed[0].stderr}`);
  return pids.length;
}
