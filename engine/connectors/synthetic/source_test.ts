import { assertEquals } from "../../../tests/support/assert.ts";
import { SyntheticSource } from "./source.ts";

async function get(url: string) {
  const res = await fetch(url);
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.json() };
}

Deno.test("synthetic source: cursor pages, since filter, 429 with Retry-After, poison records", async () => {
  const base = new Date("2026-01-01T00:00:00Z");
  const source = new SyntheticSource({ groups: 2, items: 5, pageSize: 2, poisonItems: [3], baseTime: base });
  try {
    const p1 = await get(`${source.url}/items`);
    assertEquals(p1.body.records.map((r: { id: string }) => r.id), ["i0", "i1"]);
    const p3 = await get(`${source.url}/items?cursor=3`);
    assertEquals(p3.body, { records: [source.item(4)], next: null });
    assertEquals(source.item(3).title, null);
    const since = await get(`${source.url}/items?since=${new Date(base.getTime() + 3000).toISOString()}`);
    assertEquals(since.body.records.map((r: { id: string }) => r.id), ["i3", "i4"]);
    source.rateLimit("/groups", 1, 7);
    const limited = await get(`${source.url}/groups`);
    assertEquals([limited.status, limited.retryAfter], [429, "7"]);
    assertEquals((await get(`${source.url}/groups?limit=10`)).body.records.length, 2);
    assertEquals(source.requests("/items"), 3);
  } finally {
    await source.close();
  }
});
