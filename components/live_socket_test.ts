// The page socket's reconnect logic against a real WebSocket server on 127.0.0.1: a dropped connection comes back
// after a backoff delay, frames reset the backoff, a 1008 close (session ended) stops it, and stop() closes for good.
import { assert, assertEquals } from "../tests/support/assert.ts";
import { keepConnected, type LiveState, reconnectDelay } from "./live_socket.tsx";

Deno.test("reconnectDelay: doubles from 1 s up to 30 s, jittered to 50–100 %", () => {
  assertEquals([0, 1, 2, 3].map((n) => reconnectDelay(n, 1000, 30_000, () => 1)), [1000, 2000, 4000, 8000]);
  assertEquals(reconnectDelay(10, 1000, 30_000, () => 1), 30_000);
  assertEquals(reconnectDelay(0, 1000, 30_000, () => 0), 500);
  assertEquals(reconnectDelay(20, 1000, 30_000, () => 0), 15_000);
});

/** A WebSocket server whose Nth connection is handled by `script[N]` (send frames, then maybe close). */
function socketServer(script: Array<(ws: WebSocket) => void>) {
  const opened: number[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    const n = opened.push(Date.now()) - 1;
    socket.onopen = () => script[Math.min(n, script.length - 1)](socket);
    return response;
  });
  return { url: `ws://127.0.0.1:${server.addr.port}/`, opened, close: () => server.shutdown() };
}

const until = async (what: string, ok: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

Deno.test("keepConnected: a dropped socket reconnects after a backoff delay and gets its frames again", async () => {
  const server = socketServer([
    (ws) => {
      ws.send(JSON.stringify({ n: 1 }));
      setTimeout(() => ws.close(1011, "server restart"), 50);
    },
    (ws) => ws.send(JSON.stringify({ n: 2 })),
  ]);
  const frames: unknown[] = [];
  const states: LiveState[] = [];
  const stop = keepConnected(server.url, (f) => frames.push(f), (s) => states.at(-1) !== s && states.push(s));
  try {
    await until("the second connection's frame", () => frames.length === 2);
    assertEquals(frames, [{ n: 1 }, { n: 2 }]);
    assertEquals(states, ["live", "offline", "live"]);
    const gap = server.opened[1] - server.opened[0];
    // the first drop after a good frame waits 0.5–1 s, never reconnects at once
    assert(gap >= 450 && gap < 2000, `reconnected after ${gap} ms`);
  } finally {
    stop();
    await server.close();
  }
  assertEquals(server.opened.length, 2, "one connection at a time, and none after stop()");
});

Deno.test("keepConnected: a 1008 close means the session ended: no reconnect", async () => {
  const server = socketServer([(ws) => ws.close(1008, "session ended")]);
  const states: LiveState[] = [];
  const stop = keepConnected(server.url, () => {}, (s) => states.push(s));
  try {
    await until("the ended state", () => states.includes("ended"));
    await new Promise((r) => setTimeout(r, 1200));
    assertEquals(server.opened.length, 1);
    assertEquals(states, ["ended"]);
  } finally {
    stop();
    await server.close();
  }
});
