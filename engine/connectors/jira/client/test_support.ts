// Shared setup for the Jira client tests: a fake Jira on a virtual clock and a client pointed at it.
import { assertEquals } from "../../../../tests/support/assert.ts";
import { type FakeJira, type FakeJiraOptions, startFakeJira } from "../../../../tests/fakes/jira/mod.ts";
import { VirtualClock } from "../../../http/clock.ts";
import { JiraClient, type JiraClientOptions } from "./client.ts";
import { OPEN_ADDRESSES } from "../../../http/address_guard.ts";

export interface JiraTestContext {
  jira: FakeJira;
  clock: VirtualClock;
  client: (options?: Partial<JiraClientOptions>) => JiraClient;
}

export async function withFakeJira(
  options: FakeJiraOptions,
  fn: (ctx: JiraTestContext) => Promise<void>,
): Promise<void> {
  const clock = new VirtualClock();
  const jira = await startFakeJira({ clock, ...options });
  const client = (extra: Partial<JiraClientOptions> = {}) =>
    new JiraClient({
      baseUrl: jira.url,
      auth: jira.basicAuth,
      ...extra,
      http: { clock, random: () => 0.5, addressGuard: OPEN_ADDRESSES, ...extra.http },
    });
  try {
    await fn({ jira, clock, client });
    assertEquals(jira.internalErrors, []);
  } finally {
    await jira.close();
  }
}

export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

export function floorMinute(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}
