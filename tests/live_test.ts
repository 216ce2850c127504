// Live progress: the WebSocket endpoint (auth, origin, tenant scoping, snapshot then deltas) and the
// LISTEN/NOTIFY bridge between instances.
import { assert, assertEquals } from "./support/assert.ts";
import { createTestDb, needsPostgres, primaryKind } from "./support/db.ts";
import { startTestApp } from "./support/app.ts";
import { type Frame, ProgressHub } from "../server/live/hub.ts";
import { startLiveBridge } from "../server/live/bridge.ts";
import { connectPostgres } from "../db/postgres.ts";

const kind = primaryKind();

function openSocket(url: string, headers: Record<string, string>) {
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  // Deno's WebSocket takes request headers (the DOM typings in deno.json's lib do not know that option)
  const DenoWebSocket = WebSocket as unknown as new (
    url: string,
    options: { headers: Record<string, string> },
  ) => WebSocket;
  const ws = new DenoWebSocket(url.replace("http", "ws") + "/app/etl/ws", { headers });
  ws.onmessage = (e) => {
    frames.push(JSON.parse(e.data));
    waiters.splice(0).forEach((w) => w());
  };
  const opened = new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("socket failed"));
  });
  const closed = new Promise<void>((r) => (ws.onclose = () => r()));
  return {
    ws,
    frames,
    opened,
    async until(pred: (f: Frame[]) => boolean, ms = 3000) {
      const deadline = Date.now() + ms;
      while (!pred(frames)) {
        if (Date.now() > deadline) throw new Error(`timeout; frames: ${JSON.stringify(frames).slice(0, 500)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    async close() {
      ws.close();
      await closed;
    },
  };
}

Deno.test(`live[${kind}]: the socket sends a snapshot, then only its tenant's coalesced progress`, async () => {
  const hub = new ProgressHub({ maxFps: 4 });
  const app = await startTestApp(kind, { extend: (deps) => void (deps.services!.hub = hub) });
  try {
    const a = await app.tenant("A");
    const b = await app.tenant("B");
    const token = await app.login((await app.user(a, "viewer")).email);
    const sock = openSocket(app.url, { authorization: `Bearer ${token}` });
    await sock.opened;
    await sock.until((f) => f.length >= 1);
    const snapshot = sock.frames[0];
    assertEquals(snapshot.type, "snapshot");
    assertEquals((snapshot as { jobs: unknown[] }).jobs.length, 4);
    const [jobA] = await app.db.query<{ id: number }>("SELECT id FROM etl_jobs WHERE tenant_id = $1 LIMIT 1", [a]);
    const [jobB] = await app.db.query<{ id: number }>("SELECT id FROM etl_jobs WHERE tenant_id = $1 LIMIT 1", [b]);
    hub.publish({ tenantId: b, jobId: jobB.id, runId: 1, status: "RUNNING" });
    hub.publish({ tenantId: a, jobId: jobA.id, runId: 7, status: "RUNNING" });
    for (let i = 1; i <= 40; i++) {
      hub.publish({
        tenantId: a,
        jobId: jobA.id,
        runId: 7,
        stages: [{ step: "s1", stage: "transform", expected: 40, done: i, records: i * 100 }],
      });
      await new Promise((r) => setTimeout(r, 10));
    }
    await sock.until((f) => f.some((x) => x.type === "progress" && x.event.stages?.[0]?.done === 40));
    const progress = sock.frames.filter((f) => f.type === "progress") as Array<Extract<Frame, { type: "progress" }>>;
    assert(progress.every((f) => f.event.tenantId === a), "no frame of another tenant");
    assertEquals(progress[0].event.status, "RUNNING");
    assert(progress.length <= 6, `coalesced to a few frames per second, got ${progress.length}`);
    await sock.close();
  } finally {
    hub.close();
    await app.close();
  }
});

Deno.test(`live[${kind}]: unauthenticated and cross-origin sockets are refused`, async () => {
  const hub = new ProgressHub();
  const app = await startTestApp(kind, { extend: (deps) => void (deps.services!.hub = hub) });
  try {
    const plain = await fetch(app.url + "/app/etl/ws", { headers: { upgrade: "websocket" } });
    assertEquals(plain.status, 401);
    await plain.body?.cancel();
    const token = await app.login((await app.user(await app.tenant("A"), "admin")).email);
    const cross = await fetch(app.url + "/app/etl/ws", {
      headers: { authorization: `Bearer ${token}`, origin: "https://evil.example", upgrade: "websocket" },
    });
    assertEquals(cross.status, 403);
    await cross.body?.cancel();
  } finally {
    hub.close();
    await app.close();
  }
});

Deno.test(needsPostgres("live: events travel between instances over LISTEN/NOTIFY"), async () => {
  const t = await createTestDb("postgres");
  const other = connectPostgres(t.url!, { max: 2 });
  const hubA = new ProgressHub();
  const hubB = new ProgressHub();
  const bridgeA = await startLiveBridge(t.db, hubA);
  const bridgeB = await startLiveBridge(other, hubB);
  try {
    const got: Frame[] = [];
    const arrived = new Promise<void>((resolve) => {
      hubB.subscribe(3, (f) => {
        got.push(f);
        if (f.type === "progress" && f.event.status === "FINISHED") resolve();
      });
    });
    bridgeA.emit({ tenantId: 3, jobId: 9, runId: 1, status: "FINISHED" });
    await arrived;
    assertEquals(got.length >= 1, true);
  } finally {
    await bridgeA.close();
    await bridgeB.close();
    hubA.close();
    hubB.close();
    await other.close();
    await t.close();
  }
});

Deno.test(`live[${kind}]: an open socket is closed once its session is logged out`, async () => {
  const hub = new ProgressHub();
  const app = await startTestApp(kind, {
    extend: (deps) => {
      deps.services!.hub = hub;
      deps.services!.wsRecheckMs = 100;
    },
  });
  try {
    const token = await app.login((await app.user(await app.tenant("A"), "user")).email);
    const sock = openSocket(app.url, { authorization: `Bearer ${token}` });
    await sock.opened;
    const closed = new Promise<CloseEvent>((r) => sock.ws.addEventListener("close", (e) => r(e as CloseEvent)));
    assertEquals((await app.api("/auth/logout", { method: "POST", token })).status, 204);
    const event = await closed;
    assertEquals(event.code, 1008);
  } finally {
    hub.close();
    await app.close();
  }
});
