// One shared one-second clock for every countdown on the page (one timer, not one per card). On the server it is
// simply the time of the render.
import { signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { IS_BROWSER } from "../../server/islands/format.ts";

const now = signal(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Current time in ms; the caller re-renders every second while it is mounted. */
export function useNow(): number {
  useEffect(() => {
    if (users++ === 0) {
      now.value = Date.now();
      timer = setInterval(() => (now.value = Date.now()), 1000);
    }
    return () => {
      if (--users === 0) clearInterval(timer);
    };
  }, []);
  return IS_BROWSER ? now.value : Date.now();
}
