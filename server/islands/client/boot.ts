// Browser entry of the islands runtime. The page's single module script imports this and the chunks of the islands
// on that page, then calls `boot({ Name: Component, … })`. Each outermost island is rendered into its marker range in
// its own task (scheduler.postTask, else setTimeout) so a page with many islands never blocks input for long.
import { render } from "preact";
import { signal } from "@preact/signals";
import { type IslandState, READY_ATTR, READY_EVENT, STATE_SCRIPT_ID } from "../format.ts";
import { type IslandComponents, Reviver } from "./revive.ts";
import { rangeParent } from "./range.ts";

type PostTask = (task: () => void, options?: { priority?: string }) => Promise<void>;

function schedule(task: () => void): Promise<void> {
  const postTask = (globalThis as { scheduler?: { postTask?: PostTask } }).scheduler?.postTask;
  if (postTask) {
    return postTask.call((globalThis as { scheduler?: unknown }).scheduler, task, { priority: "user-visible" });
  }
  return new Promise((done) =>
    setTimeout(() => {
      task();
      done();
    }, 0)
  );
}

function report(island: string, message: string, cause?: unknown) {
  const text = `[sluice] island "${island}" was not revived: ${message}`;
  if (cause === undefined) console.error(text);
  else console.error(text, cause);
}

export function boot(islands: IslandComponents): Promise<void> {
  const script = document.getElementById(STATE_SCRIPT_ID);
  const state: IslandState = script?.textContent ? JSON.parse(script.textContent) : { t: [], p: [] };
  const roots = new Reviver(islands, state, signal).collect(document.body, report);
  const tasks = roots.map((root) =>
    schedule(() => {
      try {
        render(root.vnode, rangeParent(root.start, root.end) as unknown as Element);
      } catch (e) {
        report(root.name, "rendering it in the browser threw", e);
      }
    })
  );
  return Promise.all(tasks).then(() => {
    document.documentElement.setAttribute(READY_ATTR, "");
    document.dispatchEvent(new Event(READY_EVENT));
  });
}
