// Browser side of /app/etl/ws for the page-level live islands (JobsLive, QueuesPanel): ONE socket per page, kept
// open without polling. When it closes, it reconnects after a growing, jittered delay (1 s, 2 s, 4 s … 30 s); a
// frame received proves the connection good and resets that delay, and the browser coming back online reconnects at
// once. Each new connection starts with a full snapshot from the server, so nothing missed while offline stays stale.
// A close with code 1008 means the session ended (logout, expiry): reconnecting would be refused, so it stops.

export type LiveState = "connecting" | "live" | "offline" | "ended";

const SESSION_ENDED = 1008;

/** The page's own origin with ws/wss: `http://host` → `ws://host`, `https://host` → `wss://host`. */
export function liveUrl(path: string): string {
  return location.origin.replace("http", "ws") + path;
}

/** Delay before reconnect attempt `failures + 1`: doubling from `first` up to `max`, at 50–100 % (jitter spreads the
 * reconnects of many tabs after a server restart). */
export function reconnectDelay(failures: number, first = 1000, max = 30_000, random = Math.random): number {
  return Math.min(max, first * 2 ** failures) * (0.5 + random() / 2);
}

/**
 * Opens a socket to `url` (ws:// or wss://, see liveUrl) and keeps it open, handing every frame (parsed JSON) to
 * `onFrame` and every change of connection state to `onState`; returns the function that closes it for good.
 */
export function keepConnected(
  url: string,
  onFrame: (frame: unknown) => void,
  onState: (state: LiveState) => void,
): () => void {
  let socket: WebSocket | null = null;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const open = () => {
    clearTimeout(timer);
    const ws = socket = new WebSocket(url);
    ws.onmessage = (e) => {
      failures = 0;
      onState("live");
      // a frame that cannot be applied throws here: the browser reports it, the socket stays open
      onFrame(JSON.parse(e.data));
    };
    ws.onclose = (e) => {
      if (socket !== ws || stopped) return;
      socket = null;
      if (e.code === SESSION_ENDED) return onState("ended");
      onState("offline");
      timer = setTimeout(open, reconnectDelay(failures++));
    };
  };
  const online = () => {
    if (!socket && !stopped) {
      failures = 0;
      open();
    }
  };
  addEventListener("online", online);
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    removeEventListener("online", online);
    socket?.close();
  };
}

const VIEW: Record<LiveState, [tone: string, label: string]> = {
  connecting: ["tone-idle", "Connecting…"],
  live: ["tone-finished", "Live"],
  offline: ["tone-limited", "Reconnecting…"],
  ended: ["tone-failed", "Session ended: sign in again"],
};

/** The connection state as a small pill (`#live-state[data-live]`). */
export function LiveBadge(props: { state: LiveState }) {
  return (
    <span class={`badge ${VIEW[props.state][0]}`} id="live-state" data-live={props.state} role="status">
      <span class="status-dot" aria-hidden="true" />
      {VIEW[props.state][1]}
    </span>
  );
}
