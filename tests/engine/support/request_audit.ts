// Exact request accounting across SIGKILLs. Each source request is journaled BEFORE it is sent (engine/
// request_journal.ts), so a kill can never lose one; the one discrepancy left is a kill that lands after the journal
// commit and before the request reaches the socket. That window is not microseconds under Deno: the JS continuation
// and fetch's own setup take ~0.2–1 ms, a process's first fetch ~6 ms (measured), so some of 10 random kills hit it.
// The audit therefore measures it kill by kill instead of tolerating a margin: with every worker dead, the journal
// may exceed what the source served by at most one more request (extraction is sequential within a process), and
// at the end requests_made must equal the journal on every run and the source's count plus exactly those kills.
import { assert, assertEquals } from "../../support/assert.ts";
import type { Queryable } from "../../../db/port.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RequestAudit {
  readonly #db: Queryable;
  readonly #served: () => number;
  readonly #before: number;
  /** Kills that landed between a journal commit and its socket write (the request was never sent). */
  unsent = 0;

  constructor(db: Queryable, served: () => number) {
    this.#db = db;
    this.#served = served;
    this.#before = served();
  }

  served(): number {
    return this.#served() - this.#before;
  }

  async journaled(runs: number[]): Promise<number> {
    const [row] = await this.#db.query<{ n: number }>(
      "SELECT coalesce(sum(sent), 0)::int AS n FROM etl_run_requests WHERE run_id = ANY($1::int[])",
      [runs],
    );
    return row.n;
  }

  /** Call with no worker process alive: attributes the journal's excess over the source to the last kill. */
  async afterKill(runs: number[]): Promise<void> {
    // a request written just before the kill is still on its way to the source's handler
    await sleep(150);
    const excess = (await this.journaled(runs)) - this.served();
    const added = excess - this.unsent;
    assert(added === 0 || added === 1, `one kill left ${added} journaled requests unserved (at most 1)`);
    this.unsent = excess;
  }

  /** requests_made equals the journal on every run, and the journal what was served plus the unsent ones. */
  async assertExact(runs: number[]): Promise<{ served: number; recorded: number }> {
    const rows = await this.#db.query<{ id: number; requests_made: number; sent: number | null }>(
      `SELECT r.id, r.requests_made, q.sent::int AS sent FROM etl_runs r
       LEFT JOIN etl_run_requests q ON q.run_id = r.id WHERE r.id = ANY($1::int[])`,
      [runs],
    );
    for (const r of rows) assertEquals(r.requests_made, r.sent ?? 0, `run ${r.id}: requests_made is its journal`);
    const recorded = rows.reduce((n, r) => n + r.requests_made, 0);
    const served = this.served();
    assertEquals(recorded, served + this.unsent, "every served request recorded; no other difference");
    return { served, recorded };
  }
}
