// The home page's live-progress connection, rendered ONCE per page (never per card): one WebSocket to /app/etl/ws
// (the session cookie authenticates it) whose frames are applied to the page's map of job-card signals — the same
// signals the JobCard islands render from, so the matching card re-renders. No polling: on a drop it reconnects with
// backoff and the new connection's snapshot catches every card up (components/live_socket.tsx).
import { useEffect, useState } from "preact/hooks";
import { applyLiveFrame, type JobSignals, type LiveFrame } from "../components/jobs/live.ts";
import { keepConnected, LiveBadge, type LiveState, liveUrl } from "../components/live_socket.tsx";

export default function JobsLive(props: { jobs: JobSignals }) {
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(
    () => keepConnected(liveUrl("/app/etl/ws"), (frame) => applyLiveFrame(props.jobs, frame as LiveFrame), setState),
    [],
  );
  return <LiveBadge state={state} />;
}
